/**
 * The array optimisers against the tfjs optimisers the studio configures (train/optimizers.ts),
 * on the cpu backend: the same weights, the same random gradients, a learning rate that changes
 * every step and clipping factors on some steps. Weights and every slot must agree within 1e-6
 * relative after every step, and Adam's running products and the step counter exactly (they are
 * what a checkpoint carries).
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import { Random } from '../tasks/random'
import { createOptimizer, disposeOptimizer, setLearningRate } from '../train/optimizers'
import { AdamArrays, createArrayOptimizer } from './optimizers'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

const SHAPES = [[7, 12], [12], [3, 5, 2], [1]]
const STEPS = 100

/**
 * `max|a − b| / max|b|`: the error relative to the tensor's scale. Per element it would be
 * ill-posed, since one float32 rounding of an update (~1e-9 for lr 0.01) is already 1e-6 of a
 * weight that happens to sit near 1e-3.
 */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let diff = 0
  let scale = 0
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]))
    scale = Math.max(scale, Math.abs(b[i]))
  }
  return diff / scale
}

describe.each([
  { optimizer: 'adam', momentum: 0.9 },
  { optimizer: 'rmsprop', momentum: 0.9 },
  { optimizer: 'sgd', momentum: 0.9 },
  { optimizer: 'sgd', momentum: 0 }
] as const)('array $optimizer (momentum $momentum) against tfjs', (training) => {
  let tensorsBefore = 0
  beforeAll(() => {
    tensorsBefore = tf.memory().numTensors
  })
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it(`follows tf.train for ${STEPS} steps, weights and slots`, async () => {
    const random = new Random(11)
    const initial = SHAPES.map((shape) =>
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random.normal())
    )
    const variables = initial.map((values, i) =>
      tf.tidy(() => tf.variable(tf.tensor(values, SHAPES[i])))
    )
    const reference = createOptimizer({ ...training, learningRate: 0.01 })
    const arrays = createArrayOptimizer(
      training,
      initial.map((w) => w.length)
    )
    const weights = initial.map((w) => w.slice())

    for (let step = 0; step < STEPS; step++) {
      // Gradients from 1e-8 (where ε dominates) to 10, a schedule-like rate, and clipping on every third step.
      const grads = initial.map((w) =>
        Float32Array.from({ length: w.length }, () => random.normal() * 10 ** (random.int(10) - 8))
      )
      const lr = 0.01 * (1 + Math.cos(step / 3)) + 1e-4
      const scale = step % 3 === 2 ? 0.37 + step / 100 : 1
      setLearningRate(reference, lr)
      const tensors: tf.NamedTensorMap = {}
      variables.forEach((v, i) => {
        const g = tf.tensor(grads[i], SHAPES[i])
        tensors[v.name] = scale === 1 ? g : tf.mul(g, scale)
        if (scale !== 1) g.dispose()
      })
      reference.applyGradients(tensors)
      tf.dispose(Object.values(tensors))
      arrays.apply(weights, grads, lr, scale)

      variables.forEach((v, i) => {
        const expected = v.dataSync()
        expect(maxRelative(weights[i], expected)).toBeLessThan(1e-6)
        // Momentum SGD rounds op by op as tfjs does (see MomentumArrays): to the bit.
        if (training.optimizer === 'sgd') expect(weights[i]).toEqual(expected)
      })
    }

    expect(arrays.iterations).toBe(STEPS)
    const slots = await reference.getWeights()
    // [iter, slot kind 1 × each weight, slot kind 2 × each weight…], as the arrays are laid out.
    expect(slots[0].name).toBe('iter')
    expect(slots[0].tensor.dataSync()[0]).toBe(STEPS)
    const flat = arrays.slots.flatMap((slot) =>
      slot.values.map((values, i) => ({ name: `${variables[i].name}/${slot.suffix}`, values }))
    )
    expect(slots.slice(1).map((s) => s.name)).toEqual(flat.map((s) => s.name))
    flat.forEach(({ values }, i) => {
      expect(maxRelative(values, slots[i + 1].tensor.dataSync())).toBeLessThan(1e-6)
    })
    if (arrays instanceof AdamArrays) {
      const internals = reference as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable }
      expect(arrays.accBeta1).toBe(internals.accBeta1.dataSync()[0])
      expect(arrays.accBeta2).toBe(internals.accBeta2.dataSync()[0])
    }
    slots[0].tensor.dispose()
    disposeOptimizer(reference)
    tf.dispose(variables)
  })
})

describe('AdamArrays by hand', () => {
  it('moves the first step by lr·g/(|g| + ε) whatever the gradient scale', () => {
    // m̂ = g, v̂ = g² after one step → update = −lr · g / (|g| + ε) ≈ ∓lr.
    const adam = createArrayOptimizer({ optimizer: 'adam', momentum: 0 }, [2])
    const w = new Float32Array([0, 0])
    adam.apply([w], [new Float32Array([1000, -0.001])], 0.01, 1)
    expect(w[0]).toBeCloseTo(-0.01, 6)
    expect(w[1]).toBeCloseTo(0.01, 4)
  })

  it('recomputes β^(t+1) as tfjs setWeights does when a checkpoint lacks the running products', async () => {
    const adam = new AdamArrays([1], 0.9, 0.999, 1e-7)
    adam.iterations = 3
    adam.resetAccBetas()
    expect(adam.accBeta1).toBeCloseTo(0.9 ** 4, 6)
    const reference = createOptimizer({ optimizer: 'adam', learningRate: 0.1, momentum: 0 })
    const iter = tf.scalar(3, 'int32')
    await reference.setWeights([{ name: 'iter', tensor: iter }])
    const internals = reference as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable }
    expect(adam.accBeta1).toBe(internals.accBeta1.dataSync()[0])
    expect(adam.accBeta2).toBe(internals.accBeta2.dataSync()[0])
    iter.dispose()
    disposeOptimizer(reference)
  })
})
