import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import {
  createOptimizer,
  currentLearningRate,
  packOptimizerState,
  restoreOptimizerState,
  setLearningRate
} from './optimizers'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

/** One step on w with the gradient `grad` (a loss of `grad · w`). */
function step(optimizer: tf.Optimizer, w: tf.Variable, grad: number[]): void {
  const g = tf.tensor(grad, w.shape)
  optimizer.applyGradients({ [w.name]: g })
  g.dispose()
}

const training = (optimizer: 'adam' | 'rmsprop' | 'sgd') => ({
  optimizer,
  learningRate: 0.1,
  momentum: 0.9
})

describe('optimisers with a scheduled learning rate', () => {
  it('SGD with momentum 0 steps by −lr·g, and the new rate applies to the next step', () => {
    const optimizer = createOptimizer({ optimizer: 'sgd', learningRate: 0.1, momentum: 0 })
    const w = tf.variable(tf.tensor1d([1]))
    step(optimizer, w, [2]) // 1 − 0.1·2 = 0.8
    expect(w.dataSync()[0]).toBeCloseTo(0.8, 6)
    setLearningRate(optimizer, 0.5)
    expect(currentLearningRate(optimizer)).toBe(0.5)
    step(optimizer, w, [2]) // 0.8 − 0.5·2 = −0.2
    expect(w.dataSync()[0]).toBeCloseTo(-0.2, 6)
    tf.dispose([w])
    optimizer.dispose()
  })

  it('Adam moves the first step by about lr whatever the gradient scale, at the rate set', () => {
    const optimizer = createOptimizer(training('adam'))
    setLearningRate(optimizer, 0.01)
    const w = tf.variable(tf.tensor1d([0, 0]))
    // m̂ = g, v̂ = g² → update = lr · g / (|g| + ε) ≈ ±lr
    step(optimizer, w, [1000, -0.001])
    const [a, b] = Array.from(w.dataSync())
    expect(a).toBeCloseTo(-0.01, 5)
    expect(b).toBeCloseTo(0.01, 3)
    w.dispose()
    optimizer.dispose()
  })

  it.each(['adam', 'rmsprop', 'sgd'] as const)(
    '%s: state saved after 3 steps and restored into a fresh optimiser continues bit for bit',
    async (kind) => {
      const grads = [
        [0.3, -1.2],
        [0.5, 0.1],
        [-2, 0.7],
        [1.1, 1.3],
        [-0.4, 0.2]
      ]
      const straight = createOptimizer(training(kind))
      const w1 = tf.variable(tf.tensor1d([1, -1]))
      grads.forEach((g) => step(straight, w1, g))

      const first = createOptimizer(training(kind))
      const w2 = tf.variable(tf.tensor1d([1, -1]))
      grads.slice(0, 3).forEach((g) => step(first, w2, g))
      const packed = await packOptimizerState(first, new Map([[w2.name, 'w']]))
      expect(packed.manifest[0]).toEqual({ name: 'iter', shape: [] })
      expect(
        packed.manifest.slice(1).every((e) => e.name.startsWith('w/') || e.name.startsWith('adam/'))
      ).toBe(true)
      const second = createOptimizer(training(kind))
      await restoreOptimizerState(second, packed, new Map([['w', w2.name]]))
      grads.slice(3).forEach((g) => step(second, w2, g))

      expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()))
      tf.dispose([w1, w2])
      ;[straight, first, second].forEach((o) => o.dispose())
    }
  )
})
