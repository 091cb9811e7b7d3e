import { describe, expect, it } from 'vitest'
import { NetworkSpec, type NetworkSpecInput } from './network'
import { cellParameters, countParameters, recurrentOutputSize } from './parameters'

function spec(input: Partial<NetworkSpecInput>): NetworkSpec {
  return NetworkSpec.parse({ cell: 'lstm', layers: [{ units: 128 }], ...input })
}

describe('cellParameters', () => {
  it('counts one direction of each cell as Keras does', () => {
    // SimpleRNN: 128·(32 + 128) + 128
    expect(cellParameters('rnn', 32, 128)).toBe(20_608)
    // LSTM: 4·128·(32 + 128) + 4·128
    expect(cellParameters('lstm', 32, 128)).toBe(82_432)
    // GRU reset_after: 3·128·160 + 6·128 = 61,440 + 768; the original layout has 3·128 biases
    expect(cellParameters('gru', 32, 128)).toBe(62_208)
    expect(cellParameters('gru', 32, 128, { gruResetAfter: false })).toBe(61_824)
  })

  it('doubles the output width only for a concatenated bidirectional layer', () => {
    expect(recurrentOutputSize(64, true, 'concat')).toBe(128)
    expect(recurrentOutputSize(64, true, 'sum')).toBe(64)
    expect(recurrentOutputSize(64, true, 'ave')).toBe(64)
    expect(recurrentOutputSize(64, false, 'concat')).toBe(64)
  })
})

describe('countParameters', () => {
  it('counts char-rnn: embedding, LSTM and a softmax per step', () => {
    const count = countParameters(spec({ embeddingSize: 32 }), {
      input: { type: 'tokens', vocabSize: 65 },
      head: { type: 'tokens-per-step', vocabSize: 65 }
    })
    expect(count.layers).toEqual([
      { name: 'Embedding', kind: 'embedding', shape: '65×32', params: 2_080 },
      {
        name: 'LSTM 1',
        kind: 'lstm',
        shape: 'kernel 32×512 · recurrent 128×512 · bias 512',
        params: 82_432
      },
      { name: 'Dense head', kind: 'dense', shape: 'kernel 128×65 · bias 65', params: 8_385 }
    ])
    expect(count.total).toBe(92_897)
  })

  it('feeds one-hot tokens straight in: no embedding row', () => {
    // RNN 16 on one-hot 10: 16·26 + 16 = 432; head (16 + 1)·3 = 51
    const count = countParameters(
      spec({ cell: 'rnn', embeddingSize: 0, layers: [{ units: 16 }] }),
      {
        input: { type: 'tokens', vocabSize: 10 },
        head: { type: 'class', classes: 3 }
      }
    )
    expect(count.layers.map((l) => [l.name, l.params])).toEqual([
      ['SimpleRNN 1', 432],
      ['Dense head', 51]
    ])
    expect(count.total).toBe(483)
  })

  it('counts a GRU on features with both bias layouts', () => {
    const io = {
      input: { type: 'features', size: 1 },
      head: { type: 'regression', size: 1 }
    } as const
    const gru = spec({ cell: 'gru', layers: [{ units: 32 }] })
    // 3·32·33 + 6·32 = 3,360, head 33
    expect(countParameters(gru, io).total).toBe(3_393)
    expect(countParameters(gru, io).layers[1].shape).toBe('kernel 32×1 · bias 1')
    expect(countParameters(gru, io).layers[0].shape).toBe(
      'kernel 1×96 · recurrent 32×96 · bias 2×96'
    )
    // 3·32·33 + 3·32 = 3,264
    expect(countParameters(gru, io, { gruResetAfter: false }).total).toBe(3_297)
  })

  it('doubles bidirectional layers and widens the next input for concat, not for sum', () => {
    const io = {
      input: { type: 'features', size: 2 },
      head: { type: 'regression', size: 1 }
    } as const
    const layers = [{ units: 8 }, { units: 4 }]
    // layer 1: 2 × (4·8·10 + 32) = 704 → 16 wide; layer 2: 2 × (4·4·20 + 16) = 672 → 8; head 9
    const concat = countParameters(spec({ layers, bidirectional: true }), io)
    expect(concat.layers.map((l) => l.params)).toEqual([704, 672, 9])
    expect(concat.layers[0].name).toBe('Bidirectional LSTM 1')
    expect(concat.layers[0].shape).toBe('2 × (kernel 2×32 · recurrent 8×32 · bias 32)')
    expect(concat.total).toBe(1_385)
    // sum: layer 2 sees 8: 2 × (4·4·12 + 16) = 416 → 4; head 5
    const sum = countParameters(spec({ layers, bidirectional: true, merge: 'sum' }), io)
    expect(sum.layers.map((l) => l.params)).toEqual([704, 416, 5])
    expect(sum.total).toBe(1_125)
  })

  it('adds a decoder as wide as the encoder output for encoder–decoder tasks', () => {
    const count = countParameters(
      spec({ cell: 'gru', embeddingSize: 8, layers: [{ units: 16 }], bidirectional: true }),
      {
        input: { type: 'tokens', vocabSize: 12 },
        head: { type: 'tokens-per-step', vocabSize: 13 },
        decoder: { vocabSize: 13 }
      }
    )
    // 12·8; 2 × (3·16·24 + 6·16); 13·8; 3·32·40 + 6·32; (32 + 1)·13
    expect(count.layers.map((l) => [l.name, l.params])).toEqual([
      ['Embedding', 96],
      ['Encoder Bidirectional GRU 1', 2_496],
      ['Decoder embedding', 104],
      ['Decoder GRU 1', 4_032],
      ['Dense head', 429]
    ])
    expect(count.total).toBe(7_157)
  })
})
