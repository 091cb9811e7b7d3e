/**
 * Synthetic problems that probe memory through time. Example `i` is generated from its own seed
 * (derived from the run's seed and `i`), so nothing is stored: a million examples of length 1000
 * cost no memory, and any example can be regenerated exactly.
 */
import type { TaskSpec } from '../../shared/domain/task'
import { batchRanges, createEpochSampler } from './batching'
import { regressionMetrics } from './metrics'
import { deriveSeed, Random } from './random'
import type { Batch, PrepareOptions, PreparedTask } from './types'

export type SyntheticSpec = Extract<TaskSpec, { kind: 'synthetic' }>

/** sequence-sum: sequences start at a random integer in `[0, SEQUENCE_SUM_STARTS)`. */
export const SEQUENCE_SUM_STARTS = 100

/**
 * sequence-sum: inputs are divided by 100, so `x_t = (a + t) / 100` stays near `[0, 1 + T/100)`,
 * the range tanh and sigmoid units work in.
 */
export const SEQUENCE_SUM_INPUT_SCALE = 1 / 100

/** Baselines are measured on at most this many validation examples: plenty for three decimals. */
export const MAX_BASELINE_EXAMPLES = 20_000

/** Writes one example's `[T, features]` inputs into `x` and returns its target. */
type Generate = (random: Random, x: Float32Array, validation: boolean) => number

/**
 * Prepares a synthetic problem. The first `round((1 − validationSplit) · examples)` examples train,
 * the rest validate. All heads are one real value from the last step (many-to-one, MSE).
 *
 * - `sequence-sum`: `x_t = (a + t) / 100` for `t < T`, `a` a random integer in `[0, 100)`;
 *   `y = Σ(a + t) / (100·T)` (the mean of the inputs), so the target stays O(1) at any T;
 *   `metadata.targetScale.std = 100·T` gives the sum back. A seeded `validationSplit` share of the
 *   100 start values (at least one) is held out for validation, so validation sequences are
 *   never seen in training (there are only 100 distinct sequences). Baseline: predict the expected
 *   training target.
 * - `adding` (Hochreiter & Schmidhuber 1997; the variant of Arjovsky et al. 2016):
 *   `x_t = [u_t, m_t]`, `u_t ~ U(0, 1)`, exactly two marks `m_t = 1`, one in each half
 *   (`[0, ⌊T/2⌋)` and `[⌊T/2⌋, T)`); `y` is the sum of the two marked `u`. Baseline: always
 *   predict 1, MSE = Var(u_a + u_b) = 2/12 = 1/6.
 * - `copy-first`: a value `v ~ U(−1, 1)` at the first step, then T − 1 steps of noise from the
 *   same distribution, so only position tells the value apart; `y = v`. One real feature, not a
 *   one-hot symbol: the answer is then a regression, like the other two. Baseline: predict the
 *   mean, 0, MSE = Var(v) = 1/3.
 *
 * Baselines are measured on the generated validation examples (at most
 * {@link MAX_BASELINE_EXAMPLES}), as `val_loss` (MSE in model units) and `val_mae`/`val_rmse` in
 * the problem's own units.
 */
export function prepareSynthetic(task: SyntheticSpec, options: PrepareOptions): PreparedTask {
  const T = task.length
  const n = task.examples
  const nValidation = Math.max(1, Math.round(n * options.validationSplit))
  const nTrain = n - nValidation
  const streamSeed = deriveSeed(options.seed, `synthetic-${task.problem}`)
  const problem = defineProblem(task, options)
  const F = problem.features

  const batchOf = (indices: ArrayLike<number>): Batch => {
    const B = indices.length
    const x = new Float32Array(B * T * F)
    const y = new Float32Array(B)
    for (let b = 0; b < B; b++) {
      const i = indices[b]
      const random = new Random(deriveSeed(streamSeed, i))
      y[b] = problem.generate(random, x.subarray(b * T * F, (b + 1) * T * F), i >= nTrain)
    }
    return { x, xShape: [B, T, F], y, yShape: [B, 1] }
  }

  const measured = Math.min(nValidation, MAX_BASELINE_EXAMPLES)
  const actual = new Float64Array(measured)
  const scratch = new Float32Array(T * F)
  for (let k = 0; k < measured; k++) {
    const random = new Random(deriveSeed(streamSeed, nTrain + k))
    actual[k] = problem.generate(random, scratch, true)
  }
  const predicted = new Float64Array(measured).fill(problem.baseline.value)
  const sample = createEpochSampler(nTrain, deriveSeed(options.seed, 'synthetic-epochs'))

  return {
    kind: 'synthetic',
    configuration: 'many-to-one',
    input: { type: 'features', size: F },
    head: { type: 'regression', size: 1 },
    steps: T,
    trainSize: nTrain,
    validationSize: nValidation,
    trainBatch: (batchSize, _random, step) => batchOf(sample(batchSize, step * batchSize)),
    validationBatches: (batchSize) =>
      batchRanges(nValidation, batchSize).map(([from, to]) =>
        batchOf(Array.from({ length: to - from }, (_, k) => nTrain + from + k))
      ),
    baseline: {
      name: problem.baseline.name,
      metrics: regressionMetrics(predicted, actual, problem.targetScale)
    },
    metadata: {
      kind: 'synthetic',
      problem: task.problem,
      length: T,
      examples: n,
      targetScale: problem.targetScale,
      ...problem.metadata
    }
  }
}

interface Problem {
  features: number
  generate: Generate
  baseline: { name: string; value: number }
  targetScale: { mean: number; std: number }
  metadata: Record<string, unknown>
}

function defineProblem(task: SyntheticSpec, options: PrepareOptions): Problem {
  const T = task.length
  switch (task.problem) {
    case 'sequence-sum': {
      const starts = Array.from({ length: SEQUENCE_SUM_STARTS }, (_, a) => a)
      new Random(deriveSeed(options.seed, 'sequence-sum-starts')).shuffle(starts)
      const heldOut = Math.max(1, Math.round(SEQUENCE_SUM_STARTS * options.validationSplit))
      const validationStarts = starts.slice(0, heldOut).sort((a, b) => a - b)
      const trainStarts = starts.slice(heldOut).sort((a, b) => a - b)
      const meanStart = trainStarts.reduce((s, a) => s + a, 0) / trainStarts.length
      return {
        features: 1,
        generate(random, x, validation) {
          const pool = validation ? validationStarts : trainStarts
          const a = pool[random.int(pool.length)]
          for (let t = 0; t < T; t++) x[t] = (a + t) * SEQUENCE_SUM_INPUT_SCALE
          // Σ(a + t) / (100·T) = (a + (T − 1) / 2) / 100
          return (a + (T - 1) / 2) * SEQUENCE_SUM_INPUT_SCALE
        },
        baseline: {
          name: 'the mean training target',
          value: (meanStart + (T - 1) / 2) * SEQUENCE_SUM_INPUT_SCALE
        },
        targetScale: { mean: 0, std: T / SEQUENCE_SUM_INPUT_SCALE },
        metadata: { inputScale: SEQUENCE_SUM_INPUT_SCALE, validationStarts }
      }
    }
    case 'adding': {
      const half = Math.floor(T / 2)
      return {
        features: 2,
        generate(random, x) {
          for (let t = 0; t < T; t++) {
            x[2 * t] = random.next()
            x[2 * t + 1] = 0
          }
          const first = random.int(half)
          const second = half + random.int(T - half)
          x[2 * first + 1] = 1
          x[2 * second + 1] = 1
          return x[2 * first] + x[2 * second]
        },
        baseline: { name: 'always 1 (MSE 1/6 in expectation)', value: 1 },
        targetScale: { mean: 0, std: 1 },
        metadata: {}
      }
    }
    case 'copy-first':
      return {
        features: 1,
        generate(random, x) {
          for (let t = 0; t < T; t++) x[t] = 2 * random.next() - 1
          return x[0]
        },
        baseline: { name: 'always 0, the mean (MSE 1/3 in expectation)', value: 0 },
        targetScale: { mean: 0, std: 1 },
        metadata: {}
      }
  }
}
