import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { NetworkSpec } from '../../shared/domain/network'
import { selectBackend } from '../compute-backend'
import { buildModel } from './build-model'
import {
  disposeInputs,
  forward,
  oneHotRows,
  stepStack,
  steppableLayers,
  toModelInputs,
  zeroStates
} from './forward'
import { connectEmbedding } from './wiring'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

describe('oneHotRows', () => {
  it('writes one 1 per id, and all zeros for padding id 0 when asked', () => {
    expect(Array.from(oneHotRows([2, 0], 3, false))).toEqual([0, 0, 1, 1, 0, 0])
    expect(Array.from(oneHotRows([2, 0], 3, true))).toEqual([0, 0, 1, 0, 0, 0])
    expect(() => oneHotRows([3], 3, false)).toThrow(/outside the vocabulary/)
  })
})

describe('stepping the cells', () => {
  it.each(['rnn', 'gru', 'lstm'] as const)(
    '%s: one token at a time gives the whole-sequence outputs of a 2-layer stack',
    (cell) => {
      const net = buildModel(
        NetworkSpec.parse({ cell, layers: [{ units: 4 }, { units: 3 }], embeddingSize: 2 }),
        {
          input: { type: 'tokens', vocabSize: 5, padded: false },
          head: { type: 'tokens-per-step', vocabSize: 5 },
          steps: 4
        },
        3
      )
      const ids = [1, 4, 0, 2]
      const inputs = toModelInputs(net, { x: Int32Array.from(ids), xShape: [1, 4] })
      const whole = tf.tidy(() => forward(net, inputs, { dropoutSeed: null }).hidden)
      const layers = steppableLayers(net) as tf.RNN[]
      let states = zeroStates(layers, 1)
      const stepped: number[] = []
      for (const id of ids) {
        const next = tf.tidy(() => {
          const x = connectEmbedding(net.parts, tf.tensor2d(oneHotRows([id], 5, false), [1, 5]))
          const step = stepStack(layers, x, states)
          return [step.output, ...step.states.flat()]
        })
        stepped.push(...next[0].dataSync())
        tf.dispose(states.flat()) // next[0] is the top layer's new h, kept as a state
        states = [
          [next[1], ...(cell === 'lstm' ? [next[2]] : [])],
          next.slice(cell === 'lstm' ? 3 : 2)
        ] as tf.Tensor2D[][]
      }
      const expected = Array.from(whole.dataSync())
      stepped.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6))
      tf.dispose([whole, ...states.flat()])
      disposeInputs(inputs)
      net.model.dispose()
    }
  )

  it('refuses to step a bidirectional network (its backward half needs the future)', () => {
    const net = buildModel(
      NetworkSpec.parse({ cell: 'gru', layers: [{ units: 2 }], bidirectional: true }),
      { input: { type: 'features', size: 1 }, head: { type: 'regression', size: 1 }, steps: 3 },
      1
    )
    expect(steppableLayers(net)).toBeNull()
    net.model.dispose()
  })
})
