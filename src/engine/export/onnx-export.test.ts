import { describe, expect, it } from 'vitest'
import type { Weight } from './checkpoint-weights'
import { checkOnnxSupport, stackBiases, stackGates } from './onnx-export'

const weight = (shape: number[], values: number[]): Weight => ({
  name: 'w',
  shape,
  values: Float32Array.from(values)
})

describe('Keras → ONNX recurrent weights', () => {
  it('transposes an LSTM kernel and reorders its gates from i, f, c, o to i, o, f, c', () => {
    // Keras kernel [input 2, 4 gates × 1 unit]: row k holds input k's weight into i, f, c, o.
    const kernel = weight([2, 4], [1, 2, 3, 4, 5, 6, 7, 8])
    // ONNX W [1 direction, 4 × 1, input 2]: a row per gate, in i, o, f, c order.
    expect(Array.from(stackGates([kernel], 'lstm', 1))).toEqual([1, 5, 4, 8, 2, 6, 3, 7])
  })

  it('puts the Keras bias in Wb (reordered) and zeros in Rb', () => {
    const bias = weight([4], [1, 2, 3, 4])
    expect(Array.from(stackBiases([bias], 'lstm', 1))).toEqual([1, 4, 2, 3, 0, 0, 0, 0])
  })

  it('keeps GRU gates z, r, h and stacks the directions of a bidirectional layer', () => {
    // units 2: Keras columns z0 z1 r0 r1 h0 h1 for one input
    const forward = weight([1, 6], [1, 2, 3, 4, 5, 6])
    const backward = weight([1, 6], [10, 20, 30, 40, 50, 60])
    expect(Array.from(stackGates([forward, backward], 'gru', 2))).toEqual([
      1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60
    ])
  })

  it('transposes a SimpleRNN recurrent kernel', () => {
    // [units 2, units 2]: U[k][j] feeds unit j from unit k; ONNX R[j][k]
    expect(Array.from(stackGates([weight([2, 2], [1, 2, 3, 4])], 'rnn', 2))).toEqual([1, 3, 2, 4])
  })
})

describe('what ONNX refuses', () => {
  it('refuses a per-step head over masked inputs, and says what to use instead', () => {
    expect(() =>
      checkOnnxSupport({
        input: { type: 'tokens', vocabSize: 5, padded: true },
        head: { type: 'tokens-per-step', vocabSize: 5 },
        steps: 4
      })
    ).toThrow(/per-step head over padded \(masked\) token inputs.*Export this model as tfjs/)
  })

  it('accepts masked inputs under a class head or an encoder', () => {
    const input = { type: 'tokens', vocabSize: 5, padded: true } as const
    expect(() =>
      checkOnnxSupport({ input, head: { type: 'class', classes: 2 }, steps: 4 })
    ).not.toThrow()
    expect(() =>
      checkOnnxSupport({
        input,
        head: { type: 'tokens-per-step', vocabSize: 6 },
        steps: 4,
        decoder: { vocabSize: 6, startToken: 1, endToken: 2, maxSteps: 5 }
      })
    ).not.toThrow()
  })
})
