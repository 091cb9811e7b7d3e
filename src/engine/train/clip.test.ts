import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import { clipByGlobalNorm, globalNorm, groupNorms, squaredNorms } from './clip'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

describe('gradient norms and clipping', () => {
  it('computes per-tensor squared norms and the global norm', () => {
    const grads = { a: tf.tensor1d([3]), b: tf.tensor2d([[4, 0]]) }
    const squared = squaredNorms(grads)
    expect(squared).toEqual({ a: 9, b: 16 })
    expect(globalNorm(squared)).toBe(5)
    tf.dispose(Object.values(grads))
  })

  it('groups norms, e.g. per layer', () => {
    // layer "x" holds 3² + 4² → 5, layer "y" holds 12² → 12
    const norms = groupNorms(
      { 'x/kernel': 9, 'x/bias': 16, 'y/kernel': 144 },
      (n) => n.split('/')[0]
    )
    expect(norms).toEqual({ x: 5, y: 12 })
  })

  it('scales [3, 4] (norm 5) to norm 1: [0.6, 0.8]', () => {
    const grads = { a: tf.tensor1d([3, 4]) }
    const result = clipByGlobalNorm(grads, 5, 1)
    expect(result.clipped).toBe(true)
    const values = Array.from(result.grads.a.dataSync())
    expect(values[0]).toBeCloseTo(0.6, 6)
    expect(values[1]).toBeCloseTo(0.8, 6)
    tf.dispose([grads.a, result.grads.a])
  })

  it('scales all tensors by the same factor across the map', () => {
    // global norm √(3² + 4²) = 5, clipped to 2.5 → each halves
    const grads = { a: tf.tensor1d([3]), b: tf.tensor1d([4]) }
    const result = clipByGlobalNorm(grads, 5, 2.5)
    expect(Array.from(result.grads.a.dataSync())).toEqual([1.5])
    expect(Array.from(result.grads.b.dataSync())).toEqual([2])
    tf.dispose([...Object.values(grads), ...Object.values(result.grads)])
  })

  it('leaves gradients alone under the limit or when clipping is off', () => {
    const grads = { a: tf.tensor1d([3, 4]) }
    expect(clipByGlobalNorm(grads, 5, 5)).toEqual({ grads, clipped: false })
    expect(clipByGlobalNorm(grads, 5, 0)).toEqual({ grads, clipped: false })
    grads.a.dispose()
  })
})
