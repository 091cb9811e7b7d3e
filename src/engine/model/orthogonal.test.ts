import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import { Orthogonal, orthonormalColumns, registerOrthogonal } from './orthogonal'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

describe('Orthogonal', () => {
  it('Gram–Schmidt: [[3, 1], [4, 2]] → columns (0.6, 0.8) and (0.8, −0.6)', () => {
    // q₁ = (3, 4)/5; (1, 2) − 2.2·q₁ = (−0.32, 0.24) → /0.4 = (−0.8, 0.6)
    const q = Array.from(orthonormalColumns([3, 1, 4, 2], 2, 2))
    ;[0.6, 0.8, -0.8, 0.6].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 12))
  })

  it.each([
    [[3, 8]], // an LSTM-2 recurrent kernel [u, 4u]: orthonormal rows
    [[6, 4]], // orthonormal columns
    [[5, 5]]
  ])('matches tfjs’s own initialiser for %j, with the same seed', (shape) => {
    const ours = new Orthogonal({ seed: 11, gain: 2 }).apply(shape)
    const theirs = tf.initializers.orthogonal({ seed: 11, gain: 2 }).apply(shape)
    expect(ours.shape).toEqual(shape)
    const a = ours.dataSync()
    const b = theirs.dataSync()
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5))
    // and it is orthogonal: W Wᵀ = gain² I for wide W, Wᵀ W for tall
    const [r, c] = shape
    const gram = r < c ? tf.matMul(ours, ours, false, true) : tf.matMul(ours, ours, true, false)
    const identity = tf.mul(tf.eye(Math.min(r, c)), 4)
    expect(tf.max(tf.abs(tf.sub(gram, identity))).dataSync()[0]).toBeLessThan(1e-5)
    tf.dispose([ours, theirs, gram, identity])
  })

  it('keeps tfjs’s config, and deserialises to itself once registered', () => {
    registerOrthogonal()
    const init = new Orthogonal({ seed: 3 })
    expect(init.getClassName()).toBe('Orthogonal')
    expect(init.getConfig()).toEqual({ gain: 1, seed: 3 })
    // Bidirectional rebuilds its inner layer from config: the copies must get this class back.
    const wrapper = tf.layers.bidirectional({
      layer: tf.layers.lstm({ units: 2, recurrentInitializer: init })
    })
    const backward = (wrapper as unknown as { backwardLayer: tf.RNN }).backwardLayer
    const cell = backward.cell as unknown as { recurrentInitializer: unknown }
    expect(cell.recurrentInitializer).toBeInstanceOf(Orthogonal)
  })
})
