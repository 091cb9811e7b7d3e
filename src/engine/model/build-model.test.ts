import * as tf from '@tensorflow/tfjs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { NetworkSpec, type NetworkSpecInput } from '../../shared/domain/network'
import { selectBackend } from '../compute-backend'
import { buildModel, summarise, type RnnModel, type TaskShape } from './build-model'
import { disposeInputs, forward, toModelInputs } from './forward'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

const built: RnnModel[] = []
afterEach(() => {
  built.splice(0).forEach((net) => net.model.dispose())
})

function build(spec: NetworkSpecInput, task: TaskShape, seed = 1): RnnModel {
  const net = buildModel(NetworkSpec.parse(spec), task, seed)
  built.push(net)
  return net
}

function params(net: RnnModel): Record<string, number> {
  return Object.fromEntries(summarise(net).layers.map((l) => [l.name, l.params]))
}

const features = (size: number, head: TaskShape['head']): TaskShape => ({
  input: { type: 'features', size },
  head,
  steps: 5
})

describe('buildModel parameter counts (Keras formulas)', () => {
  it('LSTM: 4·(u·(i+u)+u); dense head i·o+o', () => {
    const net = build(
      { cell: 'lstm', layers: [{ units: 8 }] },
      features(3, { type: 'regression', size: 1 })
    )
    // 4·(8·(3+8)+8) = 384; head 8·1+1 = 9
    expect(params(net)).toMatchObject({ rnn_1: 384, head: 9 })
    expect(summarise(net).totalParams).toBe(393)
  })

  it('GRU (reset_after=False, what tfjs supports): 3·(u·(i+u)+u)', () => {
    const net = build(
      { cell: 'gru', layers: [{ units: 4 }] },
      features(2, { type: 'class', classes: 3 })
    )
    // 3·(4·(2+4)+4) = 84; head 4·3+3 = 15
    expect(params(net)).toMatchObject({ rnn_1: 84, head: 15 })
  })

  it('SimpleRNN: u·(i+u)+u; a stack feeds each layer the one below', () => {
    const net = build(
      { cell: 'rnn', layers: [{ units: 5 }, { units: 2 }] },
      features(3, { type: 'regression', size: 1 })
    )
    // layer 1: 5·(3+5)+5 = 45; layer 2 reads 5: 2·(5+2)+2 = 16
    expect(params(net)).toMatchObject({ rnn_1: 45, rnn_2: 16, head: 3 })
  })

  it('bidirectional doubles a layer, and concat doubles what the next layer reads', () => {
    const net = build(
      { cell: 'lstm', layers: [{ units: 2 }, { units: 3 }], bidirectional: true, merge: 'concat' },
      features(1, { type: 'regression', size: 1 })
    )
    // layer 1: 2·4·(2·(1+2)+2) = 64; layer 2 reads 4: 2·4·(3·(4+3)+3) = 192; head reads 6: 7
    expect(params(net)).toMatchObject({ rnn_1: 64, rnn_2: 192, head: 7 })
    expect(summarise(net).layers.find((l) => l.name === 'rnn_1')?.type).toBe('Bidirectional(LSTM)')
  })

  it('embeds tokens with a bias-free [V, E] matrix, or reads one-hot rows when E = 0', () => {
    const tokens: TaskShape = {
      input: { type: 'tokens', vocabSize: 10, padded: false },
      head: { type: 'tokens-per-step', vocabSize: 10 },
      steps: 4
    }
    const embedded = build({ cell: 'rnn', layers: [{ units: 3 }], embeddingSize: 4 }, tokens)
    // embedding 10·4 = 40; rnn 3·(4+3)+3 = 24; head 3·10+10 = 40
    expect(params(embedded)).toMatchObject({ embedding: 40, rnn_1: 24, head: 40 })
    const oneHot = build({ cell: 'rnn', layers: [{ units: 3 }], embeddingSize: 0 }, tokens)
    // rnn reads the 10-wide one-hot: 3·(10+3)+3 = 42
    expect(params(oneHot)).toMatchObject({ rnn_1: 42, head: 40 })
    expect(params(oneHot).embedding).toBeUndefined()
    expect(summarise(oneHot).layers.at(-1)).toMatchObject({
      name: 'softmax',
      outputShape: '(None, None, 10)'
    })
  })

  it('encoder–decoder: decoder layers as wide as the merged bidirectional encoder', () => {
    const net = build(
      {
        cell: 'gru',
        layers: [{ units: 2 }],
        bidirectional: true,
        merge: 'concat',
        embeddingSize: 3
      },
      {
        input: { type: 'tokens', vocabSize: 5, padded: true },
        head: { type: 'tokens-per-step', vocabSize: 6 },
        steps: 4,
        decoder: { vocabSize: 6, startToken: 1, endToken: 2, maxSteps: 5 }
      }
    )
    // encoder: 2·3·(2·(3+2)+2) = 72; decoder (4 units, reads 3): 3·(4·(3+4)+4) = 96;
    // embeddings 5·3 and 6·3; head 4·6+6 = 30
    expect(params(net)).toMatchObject({
      embedding: 15,
      encoder_1: 72,
      decoder_embedding: 18,
      decoder_1: 96,
      head: 30
    })
    expect(summarise(net).totalParams).toBe(15 + 72 + 18 + 96 + 30)
  })
})

describe('buildModel initialisation', () => {
  const spec: NetworkSpecInput = { cell: 'lstm', layers: [{ units: 3 }], bidirectional: true }
  const shape = features(2, { type: 'regression', size: 1 })
  const weights = (net: RnnModel): number[][] =>
    net.model.getWeights().map((w) => Array.from(w.dataSync()))

  it('gives identical weights for the same seed and different ones for another', () => {
    expect(weights(build(spec, shape, 7))).toEqual(weights(build(spec, shape, 7)))
    expect(weights(build(spec, shape, 8))).not.toEqual(weights(build(spec, shape, 7)))
  })

  it('draws the backward direction of a bidirectional layer from its own seed', () => {
    const [forwardKernel, , , backwardKernel] = weights(build(spec, shape))
    expect(backwardKernel).not.toEqual(forwardKernel)
  })

  it('uses the spec initialisers: small-normal has stddev 0.01, LSTM forget bias 1', () => {
    const net = build(
      { cell: 'lstm', layers: [{ units: 16 }], kernelInitializer: 'small-normal' },
      features(16, { type: 'regression', size: 1 })
    )
    const [kernel, , bias] = net.model.getWeights()
    const values = Array.from(kernel.dataSync())
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length)
    expect(std).toBeGreaterThan(0.008)
    expect(std).toBeLessThan(0.012)
    // gate order i, f, c, o: the forget slice is ones
    expect(Array.from(bias.dataSync().slice(16, 32))).toEqual(new Array(16).fill(1))
  })
})

describe('the eager forward pass', () => {
  it('computes what the exported model predicts, masks padding, for an encoder–decoder', () => {
    const net = build(
      {
        cell: 'lstm',
        layers: [{ units: 3 }, { units: 2 }],
        bidirectional: true,
        embeddingSize: 4,
        dropout: 0.3
      },
      {
        input: { type: 'tokens', vocabSize: 5, padded: true },
        head: { type: 'tokens-per-step', vocabSize: 6 },
        steps: 4,
        decoder: { vocabSize: 6, startToken: 1, endToken: 2, maxSteps: 3 }
      }
    )
    const batch = {
      x: Int32Array.from([0, 0, 3, 4, 1, 2, 3, 4]),
      xShape: [2, 4],
      decoderInput: Int32Array.from([1, 3, 4, 1, 5, 5]),
      decoderShape: [2, 3]
    }
    const inputs = toModelInputs(net, batch)
    const eager = tf.tidy(() => tf.softmax(forward(net, inputs, { dropoutSeed: null }).logits))
    const exported = net.model.predict([inputs.x, inputs.decoderX as tf.Tensor]) as tf.Tensor
    expect(tf.max(tf.abs(tf.sub(eager, exported))).dataSync()[0]).toBeLessThan(1e-6)
    // Row 0 without its two padding steps gives the same output: the mask carries state over them.
    const unpadded = toModelInputs(net, {
      ...batch,
      x: Int32Array.from([3, 4]),
      xShape: [1, 2],
      decoderInput: batch.decoderInput.slice(0, 3),
      decoderShape: [1, 3]
    })
    const short = tf.tidy(() => tf.softmax(forward(net, unpadded, { dropoutSeed: null }).logits))
    const row0 = eager.slice([0, 0, 0], [1, -1, -1])
    expect(tf.max(tf.abs(tf.sub(row0, short))).dataSync()[0]).toBeLessThan(1e-6)
    tf.dispose([eager, exported, short, row0])
    disposeInputs(inputs)
    disposeInputs(unpadded)
  })

  it('draws dropout masks from the seed: same seed, same output; another seed, another', () => {
    const net = build(
      { cell: 'gru', layers: [{ units: 8 }, { units: 8 }], dropout: 0.5 },
      features(2, { type: 'regression', size: 1 })
    )
    const inputs = toModelInputs(net, {
      x: Float32Array.from({ length: 20 }, (_, i) => i / 20),
      xShape: [2, 5, 2]
    })
    const run = (seed: number | null): number[] =>
      tf.tidy(() => Array.from(forward(net, inputs, { dropoutSeed: seed }).logits.dataSync()))
    expect(run(1)).toEqual(run(1))
    expect(run(1)).not.toEqual(run(2))
    expect(run(null)).not.toEqual(run(1))
    disposeInputs(inputs)
  })
})
