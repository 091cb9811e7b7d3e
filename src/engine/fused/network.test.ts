/**
 * The fused network (over the reference kernels) against the tfjs path the trainer uses: the same
 * built model, the same batch, `headLoss(forward(...))` differentiated by tf.variableGrads. Loss
 * and every gradient must agree within 1e-4 relative, for each cell, bidirectional merges,
 * stacking, each input encoding and each head, and for padded (masked) token inputs: rows with
 * no padding, some, all but one step and only padding, and padding anywhere in a row.
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkSpec, type NetworkSpecInput } from '../../shared/domain/network'
import { selectBackend } from '../compute-backend'
import { buildModel, type RnnModel, type TaskShape } from '../model/build-model'
import { disposeInputs, forward, toModelInputs } from '../model/forward'
import { Random } from '../tasks/random'
import type { Batch } from '../tasks/types'
import { disposeTargets, headLoss, toTargets } from '../train/loss'
import { recorder, train } from '../train/test-hooks'
import { firstTokenTask, runConfig } from '../train/test-tasks'
import { relativeError } from './conformance-checks'
import { createJsKernels } from './js-kernels'
import type { FusedKernels } from './kernels'
import { loadKernels } from './load-kernels'
import { expNonPositive, FusedNetwork, supportsFused } from './network'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

const N = 3
const T = 5

/**
 * Padding of a padded batch: `leading` gives rows 0, 2, T−1, T (all padding) and 1 pad tokens
 * at the start, as the classification tasks pad; `anywhere` draws id 0 at random steps too.
 */
type Pads = 'leading' | 'anywhere'
function tokenIds(
  vocabSize: number,
  random: Random,
  pads: Pads | undefined,
  steps: number
): Int32Array {
  const real = () => 1 + random.int(vocabSize - 1)
  switch (pads) {
    case undefined:
      return Int32Array.from({ length: N * steps }, () => random.int(vocabSize))
    case 'leading': {
      const leading = [0, 2, steps - 1, steps, 1].map((p) => Math.min(p, steps))
      return Int32Array.from({ length: leading.length * steps }, (_, i) =>
        i % steps < leading[Math.floor(i / steps)] ? 0 : real()
      )
    }
    case 'anywhere':
      return Int32Array.from({ length: 5 * steps }, () => (random.next() < 0.4 ? 0 : real()))
  }
}

function makeBatch(task: TaskShape, random: Random, masked: boolean, pads?: Pads): Batch {
  const x =
    task.input.type === 'tokens'
      ? tokenIds(task.input.vocabSize, random, pads, task.steps)
      : new Int32Array()
  const steps = task.steps
  const rows = task.input.type === 'tokens' ? x.length / steps : N
  const batch: Batch =
    task.input.type === 'tokens'
      ? {
          x,
          xShape: [rows, steps],
          y: new Int32Array(),
          yShape: []
        }
      : {
          x: Float32Array.from({ length: rows * steps * task.input.size }, () => random.normal()),
          xShape: [rows, steps, task.input.size],
          y: new Int32Array(),
          yShape: []
        }
  switch (task.head.type) {
    case 'tokens-per-step': {
      const V = task.head.vocabSize
      batch.y = Int32Array.from({ length: rows * steps }, () => random.int(V))
      batch.yShape = [rows, steps]
      if (masked)
        batch.yMask = Float32Array.from({ length: rows * steps }, (_, i) => (i % 3 === 1 ? 0 : 1))
      break
    }
    case 'class': {
      const C = task.head.classes
      batch.y = Int32Array.from({ length: rows }, () => random.int(C))
      batch.yShape = [rows]
      break
    }
    case 'regression':
      batch.y = Float32Array.from({ length: rows * task.head.size }, () => random.normal())
      batch.yShape = [rows, task.head.size]
      break
  }
  return batch
}

interface Case {
  label: string
  spec: NetworkSpecInput
  task: TaskShape
  masked?: boolean
  pads?: Pads
}

const text: TaskShape = {
  input: { type: 'tokens', vocabSize: 7, padded: false },
  head: { type: 'tokens-per-step', vocabSize: 7 },
  steps: T
}
const classes: TaskShape = {
  input: { type: 'tokens', vocabSize: 6, padded: false },
  head: { type: 'class', classes: 4 },
  steps: T
}
const paddedClasses: TaskShape = {
  input: { type: 'tokens', vocabSize: 6, padded: true },
  head: { type: 'class', classes: 4 },
  steps: T
}
const paddedText: TaskShape = {
  input: { type: 'tokens', vocabSize: 7, padded: true },
  head: { type: 'tokens-per-step', vocabSize: 7 },
  steps: T
}
const series: TaskShape = {
  input: { type: 'features', size: 3 },
  head: { type: 'regression', size: 2 },
  steps: T
}

const cases: Case[] = [
  {
    label: 'lstm, embedding, per-step',
    spec: { cell: 'lstm', layers: [{ units: 5 }], embeddingSize: 4 },
    task: text
  },
  {
    label: 'gru, embedding, per-step',
    spec: { cell: 'gru', layers: [{ units: 5 }], embeddingSize: 4 },
    task: text
  },
  {
    label: 'rnn tanh, per-step',
    spec: { cell: 'rnn', layers: [{ units: 5 }], embeddingSize: 4 },
    task: text
  },
  {
    label: 'rnn relu, one-hot, per-step',
    spec: { cell: 'rnn', activation: 'relu', layers: [{ units: 6 }], embeddingSize: 0 },
    task: text
  },
  {
    label: 'lstm, per-step with yMask',
    spec: { cell: 'lstm', layers: [{ units: 4 }], embeddingSize: 3 },
    task: text,
    masked: true
  },
  ...(['concat', 'sum', 'ave'] as const).map((merge) => ({
    label: `bidirectional lstm ${merge}, per-step`,
    spec: {
      cell: 'lstm' as const,
      layers: [{ units: 4 }],
      embeddingSize: 3,
      bidirectional: true,
      merge
    },
    task: text
  })),
  {
    label: 'stacked 2-layer gru, class head',
    spec: { cell: 'gru', layers: [{ units: 5 }, { units: 4 }], embeddingSize: 3 },
    task: classes
  },
  ...(['concat', 'sum', 'ave'] as const).map((merge) => ({
    label: `stacked bidirectional gru ${merge}, class head`,
    spec: {
      cell: 'gru' as const,
      layers: [{ units: 4 }, { units: 3 }],
      embeddingSize: 3,
      bidirectional: true,
      merge
    },
    task: classes
  })),
  {
    label: 'stacked lstm, features, regression',
    spec: { cell: 'lstm', layers: [{ units: 4 }, { units: 5 }] },
    task: series
  },
  {
    label: 'bidirectional rnn, features, regression',
    spec: { cell: 'rnn', layers: [{ units: 4 }], bidirectional: true },
    task: series
  },
  // Padded class heads (the classification tasks): every cell, direction and merge, one-hot and
  // embedded, one and two layers.
  ...(['rnn', 'lstm', 'gru'] as const).flatMap((cell) =>
    ([null, 'concat', 'sum', 'ave'] as const).flatMap((merge) =>
      [1, 2].flatMap((depth) =>
        [0, 3].map((embeddingSize) => ({
          label: `padded ${cell} ${merge ? `bidirectional ${merge}` : 'forward'}, ${depth} layer(s), ${embeddingSize ? 'embedding' : 'one-hot'}, class head`,
          spec: {
            cell,
            layers: depth === 1 ? [{ units: 4 }] : [{ units: 5 }, { units: 3 }],
            embeddingSize,
            bidirectional: merge !== null,
            merge: merge ?? 'concat'
          },
          task: paddedClasses,
          pads: 'leading' as const
        }))
      )
    )
  ),
  // Padding anywhere, read at every step: the outputs tfjs carries across masked steps.
  {
    label: 'padding anywhere, stacked gru, per-step',
    spec: { cell: 'gru', layers: [{ units: 4 }, { units: 5 }], embeddingSize: 3 },
    task: paddedText,
    pads: 'anywhere'
  },
  ...(['concat', 'ave'] as const).map((merge) => ({
    label: `padding anywhere, stacked bidirectional lstm ${merge}, per-step`,
    spec: {
      cell: 'lstm' as const,
      layers: [{ units: 4 }, { units: 3 }],
      embeddingSize: 0,
      bidirectional: true,
      merge
    },
    task: paddedText,
    pads: 'anywhere' as const
  })),
  {
    label: 'padding anywhere, bidirectional rnn sum, class head',
    spec: { cell: 'rnn', layers: [{ units: 4 }], bidirectional: true, merge: 'sum' },
    task: paddedClasses,
    pads: 'anywhere'
  }
]

/** Random weights everywhere (biases too: the initial zeros would hide a bias bug). */
function randomiseWeights(model: tf.LayersModel, random: Random): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>()
  for (const w of model.trainableWeights) {
    const values = Float32Array.from(
      { length: (w.shape as number[]).reduce((a, b) => a * b, 1) },
      () => random.normal() * 0.4
    )
    w.write(tf.tensor(values, w.shape as number[]))
    weights.set(w.originalName, values)
  }
  return weights
}

/** The trainer's tfjs path: `headLoss(forward(...))` and its gradients by tf.variableGrads. */
function tfjsLossAndGradients(
  net: RnnModel,
  batch: Batch
): { loss: number; grads: Map<string, Float32Array> } {
  const inputs = toModelInputs(net, batch)
  const targets = toTargets(net.task.head, batch)
  const variables = net.model.trainableWeights.map((w) => w.read() as tf.Variable)
  const { value, grads } = tf.variableGrads(
    () => headLoss(net.task.head, forward(net, inputs, { dropoutSeed: null }).logits, targets),
    variables
  )
  const out = {
    loss: value.dataSync()[0],
    grads: new Map(
      net.model.trainableWeights.map((w) => [
        w.originalName,
        grads[(w.read() as tf.Variable).name].dataSync() as Float32Array
      ])
    )
  }
  tf.dispose([value, ...Object.values(grads)])
  disposeTargets(targets)
  disposeInputs(inputs)
  return out
}

/** Loss within `lossTolerance` and every gradient within 1e-4, relative. */
function expectSameLossAndGradients(
  got: { loss: number; grads: Map<string, Float32Array> },
  want: { loss: number; grads: Map<string, Float32Array> },
  lossTolerance: number
): void {
  expect(Math.abs(got.loss - want.loss) / Math.max(1, Math.abs(got.loss))).toBeLessThan(
    lossTolerance
  )
  for (const [name, values] of want.grads) {
    expect(relativeError(got.grads.get(name)!, values), name).toBeLessThan(1e-4)
  }
}

/**
 * Loss and every gradient of the fused network on `kernels` against the tfjs path, on the same
 * random weights and batch.
 */
function expectTfjsAgreement(c: Case, kernels: FusedKernels, lossTolerance: number): void {
  const spec = NetworkSpec.parse(c.spec)
  const net = buildModel(spec, c.task, 11)
  const random = new Random(5)
  const weights = randomiseWeights(net.model, random)
  const batch = makeBatch(c.task, random, c.masked ?? false, c.pads)
  const want = tfjsLossAndGradients(net, batch)
  const fused = new FusedNetwork(spec, c.task, kernels)
  expect(fused.weights.map((w) => [w.name, w.shape])).toEqual(
    net.model.trainableWeights.map((w) => [w.originalName, w.shape])
  )
  expectSameLossAndGradients(
    fused.lossAndGradients(weights, batch, { dropoutSeed: null }),
    want,
    lossTolerance
  )
  net.model.dispose()
}

describe('fused network against the tfjs-layers path', () => {
  for (const c of cases) {
    it(`${c.label}: loss and every gradient within 1e-4`, () => {
      expectTfjsAgreement(c, createJsKernels(), 1e-5)
    })
  }
})

// Masking is composed around the kernels, so it must hold on the production engines too. Skipped
// where an engine is not built, unless CI requires it (as the engines' own tests do).
const ENGINES = [
  { engine: 'native', required: process.env.RNN_STUDIO_REQUIRE_NATIVE === '1' },
  { engine: 'wasm', required: process.env.RNN_STUDIO_REQUIRE_WASM === '1' }
] as const

describe.each(ENGINES)('padded inputs on the $engine engine against tfjs-layers', (e) => {
  let kernels: FusedKernels | null = null
  beforeAll(async () => {
    kernels = (await loadKernels(e.engine)).kernels
    if (!kernels && e.required) throw new Error(`${e.engine} engine required but unavailable`)
  })
  afterAll(() => kernels?.dispose())

  for (const c of cases.filter(
    (c) => c.pads && (c.pads === 'anywhere' || c.label.includes('2 layer(s), embedding'))
  )) {
    it(`${c.label}: loss and every gradient within 1e-4`, (context) => {
      if (!kernels) return context.skip()
      expectTfjsAgreement(c, kernels, 1e-4)
    })
  }
})

describe('fused network details', () => {
  it('refuses what it cannot compute, with a reason', () => {
    const spec = NetworkSpec.parse({ cell: 'lstm', layers: [{ units: 3 }] })
    expect(supportsFused(spec, text)).toBeNull()
    expect(supportsFused(spec, paddedClasses)).toBeNull()
    expect(
      supportsFused(spec, {
        ...text,
        decoder: { vocabSize: 5, startToken: 1, endToken: 2, maxSteps: 4 }
      })
    ).toMatch(/encoder–decoder/)
  })

  it('dropout: seeded (same seed, same loss), scaled, and off without a seed', () => {
    const spec = NetworkSpec.parse({
      cell: 'gru',
      layers: [{ units: 8 }, { units: 8 }],
      embeddingSize: 4,
      dropout: 0.5
    })
    const net = buildModel(spec, text, 3)
    const random = new Random(8)
    const weights = randomiseWeights(net.model, random)
    const batch = makeBatch(text, random, false)
    const fused = new FusedNetwork(spec, text, createJsKernels())
    const plain = fused.lossAndGradients(weights, batch, { dropoutSeed: null }).loss
    const a = fused.lossAndGradients(weights, batch, { dropoutSeed: 1 }).loss
    const b = fused.lossAndGradients(weights, batch, { dropoutSeed: 1 }).loss
    const other = fused.lossAndGradients(weights, batch, { dropoutSeed: 2 }).loss
    expect(a).toBe(b)
    expect(a).not.toBe(plain)
    expect(other).not.toBe(a)
    net.model.dispose()
  })

  // tfjs cannot differentiate a one-step sequence (its Unpack gradient stacks a lone tensor and
  // throws), so the reference is the same rows behind one pad token, which masking makes equal.
  for (const padded of [true, false]) {
    for (const bidirectional of [false, true]) {
      it(`one step (T = 1), ${padded ? 'padded' : 'unpadded'}, ${bidirectional ? 'bidirectional' : 'forward'}: as the rows behind one pad token on tfjs`, () => {
        const spec = NetworkSpec.parse({
          cell: 'lstm',
          layers: [{ units: 4 }],
          embeddingSize: 3,
          bidirectional
        })
        const reference = buildModel(spec, { ...paddedClasses, steps: 2 }, 3)
        const weights = randomiseWeights(reference.model, new Random(7))
        // Row 1 of the padded batch is padding only; unpadded ids are never 0 (in the reference
        // 0 would be padding).
        const ids = padded ? [3, 0, 5, 1] : [3, 2, 5, 1]
        const y = Int32Array.from([0, 1, 3, 2])
        const behindPad = Int32Array.from(ids.flatMap((id) => [0, id]))
        const want = tfjsLossAndGradients(reference, {
          x: behindPad,
          xShape: [4, 2],
          y,
          yShape: [4]
        })
        const task = { ...(padded ? paddedClasses : classes), steps: 1 }
        const fused = new FusedNetwork(spec, task, createJsKernels())
        const got = fused.lossAndGradients(
          weights,
          { x: Int32Array.from(ids), xShape: [4, 1], y, yShape: [4] },
          { dropoutSeed: null }
        )
        expectSameLossAndGradients(got, want, 1e-5)
        reference.model.dispose()
      })
    }
  }

  it('padding gets no gradient, dropout or not: embedding row 0 and the one-hot kernel row 0 stay 0', () => {
    for (const embeddingSize of [3, 0]) {
      const spec = NetworkSpec.parse({
        cell: 'lstm',
        layers: [{ units: 4 }, { units: 3 }],
        embeddingSize,
        bidirectional: true,
        dropout: 0.5
      })
      const net = buildModel(spec, paddedClasses, 2)
      const random = new Random(6)
      const weights = randomiseWeights(net.model, random)
      const batch = makeBatch(paddedClasses, random, false, 'leading')
      const fused = new FusedNetwork(spec, paddedClasses, createJsKernels())
      const { grads } = fused.lossAndGradients(weights, batch, { dropoutSeed: 4 })
      // Row 0 of the first matrix the ids meet: the embedding, or each direction's kernel.
      const first = embeddingSize
        ? ['embedding/kernel']
        : ['rnn_1/forward_lstm/kernel', 'rnn_1/backward_lstm/kernel']
      for (const name of first) {
        const g = grads.get(name)!
        const width = g.length / 6 // vocabSize of paddedClasses
        expect(Array.from(g.subarray(0, width)), name).toEqual(new Array(width).fill(0))
        expect(
          g.subarray(width).some((v) => v !== 0),
          name
        ).toBe(true)
      }
      net.model.dispose()
    }
  })

  it('stepping one token at a time gives the whole-sequence logits of a 2-layer stack', () => {
    const spec = NetworkSpec.parse({
      cell: 'lstm',
      layers: [{ units: 5 }, { units: 4 }],
      embeddingSize: 3
    })
    const net = buildModel(spec, text, 4)
    const random = new Random(9)
    const weights = randomiseWeights(net.model, random)
    const batch = makeBatch(text, random, false)
    const probabilities = tf.tidy(() => {
      const inputs = toModelInputs(net, batch)
      return forward(net, inputs, { dropoutSeed: null }).logits.arraySync() as number[][][]
    })
    const fused = new FusedNetwork(spec, text, createJsKernels())
    const state = fused.zeroState(N)
    for (let t = 0; t < T; t++) {
      const ids = Array.from({ length: N }, (_, n) => batch.x[n * T + t])
      const logits = fused.stepTokens(weights, ids, state)
      const want = probabilities.map((row) => row[t]).flat()
      expect(relativeError(logits, want), `t=${t}`).toBeLessThan(1e-5)
    }
    net.model.dispose()
  })
})

describe('padded classification through the training loop', () => {
  // "The class is the first real token" behind 0–3 pad tokens: learnable only if the final state
  // sees that token through the padding, i.e. only with masking done right.
  const config = (engine: 'js' | 'auto' | 'tfjs') =>
    runConfig(
      { cell: 'gru', layers: [{ units: 8 }], embeddingSize: 4, bidirectional: true },
      { maxSteps: 40, batchSize: 8, learningRate: 0.05, seed: 3, engine }
    )

  it('trains on the fused engine, following the tfjs-layers path step for step, and learns', async () => {
    const [fused, graph] = [recorder(), recorder()]
    const fusedResult = await train(config('js'), firstTokenTask(), fused.hooks)
    const graphResult = await train(config('tfjs'), firstTokenTask(), graph.hooks)
    expect(fusedResult.engine).toBe('fused js')
    expect(graphResult.engine).toBe('tfjs-layers')
    const losses = fused.series('loss').map(([, v]) => v)
    const reference = graph.series('loss').map(([, v]) => v)
    expect(losses).toHaveLength(40)
    // Same weights, batches and Adam: float rounding is all that differs, compounding slowly.
    for (let i = 0; i < 5; i++) expect(losses[i]).toBeCloseTo(reference[i], 4)
    for (let i = 5; i < 40; i++) expect(Math.abs(losses[i] - reference[i])).toBeLessThan(0.02)
    // ln 3 ≈ 1.10 when guessing; well below it once the first token is read through the padding.
    expect(losses[0]).toBeGreaterThan(0.9)
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(0.1 * losses[0])
  })

  it("'auto' picks the first fused engine that loads for it", async () => {
    // Where neither the native nor the wasm build exists, tfjs-layers is right, but never
    // because of the padding.
    const { kernels } = await loadKernels('auto')
    const expected = kernels ? `fused ${kernels.name}` : 'tfjs-layers'
    kernels?.dispose()
    const run = recorder()
    const c = config('auto')
    const result = await train(
      { ...c, training: { ...c.training, maxSteps: 2 } },
      firstTokenTask(),
      run.hooks
    )
    expect(result.engine).toBe(expected)
    expect(run.lines).toContainEqual(expect.stringMatching(/^engine: /))
    expect(run.lines.join('\n')).not.toMatch(/padd/)
  })
})

describe('expNonPositive (the softmax exponential)', () => {
  it('matches Math.exp within 1e-9 relative from 0 down to underflow, and keeps NaN', () => {
    const random = new Random(3)
    let worst = 0
    for (let i = 0; i < 20000; i++) {
      // Uniform over [−745, 0] plus the dense range of real logit gaps, [−30, 0].
      const x = i % 2 === 0 ? -745 * random.next() : -30 * random.next()
      const reference = Math.exp(x)
      if (reference > 1e-300) {
        worst = Math.max(worst, Math.abs(expNonPositive(x) - reference) / reference)
      }
    }
    expect(worst).toBeLessThan(1e-9)
    expect(expNonPositive(0)).toBe(1)
    expect(expNonPositive(-0)).toBe(1)
    expect(expNonPositive(-Math.LN2)).toBeCloseTo(0.5, 15)
    expect(expNonPositive(-746)).toBe(0)
    expect(expNonPositive(-Infinity)).toBe(0)
    expect(expNonPositive(NaN)).toBeNaN()
  })
})
