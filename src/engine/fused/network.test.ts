/**
 * The fused network (over the reference kernels) against the tfjs path the trainer uses: the same
 * built model, the same batch, `headLoss(forward(...))` differentiated by tf.variableGrads. Loss
 * and every gradient must agree within 1e-4 relative, for each cell, bidirectional merges,
 * stacking, each input encoding and each head.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { NetworkSpec, type NetworkSpecInput } from '../../shared/domain/network'
import { selectBackend } from '../compute-backend'
import { buildModel, type TaskShape } from '../model/build-model'
import { disposeInputs, forward, toModelInputs } from '../model/forward'
import { Random } from '../tasks/random'
import type { Batch } from '../tasks/types'
import { disposeTargets, headLoss, toTargets } from '../train/loss'
import { relativeError } from './conformance-checks'
import { createJsKernels } from './js-kernels'
import { expNonPositive, FusedNetwork, supportsFused } from './network'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

const N = 3
const T = 5

function makeBatch(task: TaskShape, random: Random, masked: boolean): Batch {
  const batch: Batch =
    task.input.type === 'tokens'
      ? {
          x: Int32Array.from({ length: N * T }, () =>
            random.int((task.input as { vocabSize: number }).vocabSize)
          ),
          xShape: [N, T],
          y: new Int32Array(),
          yShape: []
        }
      : {
          x: Float32Array.from({ length: N * T * task.input.size }, () => random.normal()),
          xShape: [N, T, task.input.size],
          y: new Int32Array(),
          yShape: []
        }
  switch (task.head.type) {
    case 'tokens-per-step': {
      const V = task.head.vocabSize
      batch.y = Int32Array.from({ length: N * T }, () => random.int(V))
      batch.yShape = [N, T]
      if (masked)
        batch.yMask = Float32Array.from({ length: N * T }, (_, i) => (i % 3 === 1 ? 0 : 1))
      break
    }
    case 'class': {
      const C = task.head.classes
      batch.y = Int32Array.from({ length: N }, () => random.int(C))
      batch.yShape = [N]
      break
    }
    case 'regression':
      batch.y = Float32Array.from({ length: N * task.head.size }, () => random.normal())
      batch.yShape = [N, task.head.size]
      break
  }
  return batch
}

interface Case {
  label: string
  spec: NetworkSpecInput
  task: TaskShape
  masked?: boolean
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

describe('fused network against the tfjs-layers path', () => {
  for (const c of cases) {
    it(`${c.label}: loss and every gradient within 1e-4`, () => {
      const spec = NetworkSpec.parse(c.spec)
      const net = buildModel(spec, c.task, 11)
      const random = new Random(5)
      const weights = randomiseWeights(net.model, random)
      const batch = makeBatch(c.task, random, c.masked ?? false)

      const inputs = toModelInputs(net, batch)
      const targets = toTargets(c.task.head, batch)
      const variables = net.model.trainableWeights.map((w) => w.read() as tf.Variable)
      const { value, grads } = tf.variableGrads(
        () => headLoss(c.task.head, forward(net, inputs, { dropoutSeed: null }).logits, targets),
        variables
      )
      const fused = new FusedNetwork(spec, c.task, createJsKernels())
      expect(fused.weights.map((w) => [w.name, w.shape])).toEqual(
        net.model.trainableWeights.map((w) => [w.originalName, w.shape])
      )
      const got = fused.lossAndGradients(weights, batch, { dropoutSeed: null })
      expect(
        Math.abs(got.loss - value.dataSync()[0]) / Math.max(1, Math.abs(got.loss))
      ).toBeLessThan(1e-5)
      for (const w of net.model.trainableWeights) {
        const want = grads[(w.read() as tf.Variable).name].dataSync()
        expect(relativeError(got.grads.get(w.originalName)!, want), w.originalName).toBeLessThan(
          1e-4
        )
      }
      tf.dispose([value, ...Object.values(grads)])
      disposeTargets(targets)
      disposeInputs(inputs)
      net.model.dispose()
    })
  }
})

describe('fused network details', () => {
  it('refuses what it cannot compute, with a reason', () => {
    const spec = NetworkSpec.parse({ cell: 'lstm', layers: [{ units: 3 }] })
    expect(supportsFused(spec, text)).toBeNull()
    expect(
      supportsFused(spec, { ...classes, input: { type: 'tokens', vocabSize: 6, padded: true } })
    ).toMatch(/padded/)
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
