/**
 * Tiny hand-checkable PreparedTasks for the model and training tests (test doubles of the real
 * tasks in engine/tasks): each draws its batches only from the generator it is given, so seeded
 * runs and resumed runs see the same data.
 */
import { RunConfig } from '../../shared/domain/run-config'
import type { NetworkSpecInput } from '../../shared/domain/network'
import type { TrainConfigInput } from '../../shared/domain/train-config'
import { Random } from '../tasks/random'
import type { Batch, PreparedTask } from '../tasks/types'

/**
 * Next character of "abcabc…" (vocabulary a, b, c): each character fixes the next, so a small
 * LSTM drives the loss from ln 3 ≈ 1.10 (guessing) towards 0.
 */
export function patternTask(steps = 6): PreparedTask {
  const ids = (start: number, length: number): number[] =>
    Array.from({ length }, (_, i) => (start + i) % 3)
  const batchAt = (starts: number[]): Batch => ({
    x: Int32Array.from(starts.flatMap((s) => ids(s, steps))),
    xShape: [starts.length, steps],
    y: Int32Array.from(starts.flatMap((s) => ids(s + 1, steps))),
    yShape: [starts.length, steps]
  })
  return {
    kind: 'text-generation',
    configuration: 'many-to-many',
    input: { type: 'tokens', vocabSize: 3, padded: false },
    head: { type: 'tokens-per-step', vocabSize: 3 },
    steps,
    trainSize: 300,
    validationSize: 6,
    trainBatch: (batchSize, random) =>
      batchAt(Array.from({ length: batchSize }, () => Math.floor(random() * 3))),
    validationBatches: () => [batchAt([0, 1, 2, 0, 1, 2])],
    baseline: { name: 'uniform', metrics: { val_loss: Math.log(3) } },
    metadata: { kind: 'text-generation', vocabulary: ['a', 'b', 'c'], tokens: 'char' }
  }
}

/**
 * Regression "output the first input value": x uniform in [−1, 1] over `steps` steps, y = x₀.
 * Predicting the mean (0) gives MSE = Var(x₀) = 1/3. `targetScale.std` 2 makes the data's units
 * twice the model's, so val_mae is reported ×2.
 */
export function firstValueTask(steps = 4, options: { nanAtCall?: number } = {}): PreparedTask {
  const batchFrom = (rows: number, random: () => number): Batch => {
    const x = Float32Array.from({ length: rows * steps }, () => random() * 2 - 1)
    const y = Float32Array.from({ length: rows }, (_, r) => x[r * steps])
    return { x, xShape: [rows, steps, 1], y, yShape: [rows, 1] }
  }
  const validationRandom = new Random(12345)
  const validation = [batchFrom(32, () => validationRandom.next())]
  let calls = 0
  return {
    kind: 'synthetic',
    configuration: 'many-to-one',
    input: { type: 'features', size: 1 },
    head: { type: 'regression', size: 1 },
    steps,
    trainSize: 1000,
    validationSize: 32,
    trainBatch: (batchSize, random) => {
      const batch = batchFrom(batchSize, random)
      if (++calls === options.nanAtCall) batch.x[0] = NaN
      return batch
    },
    validationBatches: () => validation,
    baseline: { name: 'mean', metrics: { val_loss: 1 / 3 } },
    metadata: { kind: 'synthetic', targetScale: { mean: 0, std: 2 } }
  }
}

/**
 * Classification with padding: 1–4 tokens from {x, y, z} (ids 1–3), padded at the start with id 0
 * to 4 steps; the class is the first real token. Only masking lets the final state see it
 * through the padding unchanged.
 */
export function firstTokenTask(): PreparedTask {
  const steps = 4
  const batchFrom = (rows: number, random: () => number): Batch => {
    const x = new Int32Array(rows * steps)
    const y = new Int32Array(rows)
    for (let r = 0; r < rows; r++) {
      const length = 1 + Math.floor(random() * steps)
      for (let t = steps - length; t < steps; t++) x[r * steps + t] = 1 + Math.floor(random() * 3)
      y[r] = x[r * steps + steps - length] - 1
    }
    return { x, xShape: [rows, steps], y, yShape: [rows] }
  }
  const validationRandom = new Random(777)
  const validation = [batchFrom(24, () => validationRandom.next())]
  return {
    kind: 'classification',
    configuration: 'many-to-one',
    input: { type: 'tokens', vocabSize: 4, padded: true },
    head: { type: 'class', classes: 3 },
    steps,
    trainSize: 500,
    validationSize: 24,
    trainBatch: batchFrom,
    validationBatches: () => validation,
    baseline: { name: 'majority class', metrics: { val_accuracy: 1 / 3 } },
    metadata: {
      kind: 'classification',
      vocabulary: ['<pad>', 'x', 'y', 'z'],
      classNames: ['starts with x', 'starts with y', 'starts with z'],
      tokens: 'char',
      unknownToken: 1
    }
  }
}

/**
 * Encoder–decoder "copy": 3 source tokens from {a, b, c} (input ids 1–3, 0 = pad) → the same
 * characters (target ids 3–5 after <pad> 0, <start> 1, <end> 2), then <end>.
 */
export function copyTask(): PreparedTask {
  const steps = 3
  const batchFrom = (rows: number, random: () => number): Batch => {
    const x = new Int32Array(rows * steps)
    const y = new Int32Array(rows * (steps + 1))
    const decoderInput = new Int32Array(rows * (steps + 1))
    for (let r = 0; r < rows; r++) {
      decoderInput[r * (steps + 1)] = 1
      for (let t = 0; t < steps; t++) {
        const c = Math.floor(random() * 3)
        x[r * steps + t] = 1 + c
        y[r * (steps + 1) + t] = 3 + c
        decoderInput[r * (steps + 1) + t + 1] = 3 + c
      }
      y[r * (steps + 1) + steps] = 2
    }
    return {
      x,
      xShape: [rows, steps],
      y,
      yShape: [rows, steps + 1],
      decoderInput,
      decoderShape: [rows, steps + 1],
      yMask: new Float32Array(rows * (steps + 1)).fill(1)
    }
  }
  const validationRandom = new Random(99)
  const validation = [batchFrom(16, () => validationRandom.next())]
  return {
    kind: 'seq2seq',
    configuration: 'many-to-many',
    input: { type: 'tokens', vocabSize: 4, padded: true },
    head: { type: 'tokens-per-step', vocabSize: 6 },
    steps,
    decoder: { vocabSize: 6, startToken: 1, endToken: 2, maxSteps: steps + 1 },
    trainSize: 500,
    validationSize: 16,
    trainBatch: batchFrom,
    validationBatches: () => validation,
    baseline: null,
    metadata: {
      kind: 'seq2seq',
      vocabulary: ['<pad>', 'a', 'b', 'c'],
      targetVocabulary: ['<pad>', '<start>', '<end>', 'a', 'b', 'c'],
      startToken: 1,
      endToken: 2,
      unknownToken: 1
    }
  }
}

/** A run config around a fake task (the trainer reads `network` and `training` only). */
export function runConfig(network: NetworkSpecInput, training: TrainConfigInput): RunConfig {
  return RunConfig.parse({
    task: { kind: 'synthetic', problem: 'copy-first' },
    network,
    training: { evalEvery: 1000, checkpointEvery: 1000, logEvery: 1, clipNorm: 0, ...training }
  })
}
