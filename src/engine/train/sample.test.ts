import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkSpec } from '../../shared/domain/network'
import { selectBackend } from '../compute-backend'
import { createJsKernels } from '../fused/js-kernels'
import { buildModel, type RnnModel } from '../model/build-model'
import { disposeInputs, forward, toModelInputs } from '../model/forward'
import { Random } from '../tasks/random'
import {
  decodeTokens,
  encodeText,
  greedyDecode,
  pickToken,
  predict,
  sampleText,
  targetScale
} from './sample'
import { copyTask, firstTokenTask, firstValueTask, patternTask } from './test-tasks'

const nets: RnnModel[] = []
beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})
afterAll(() => nets.forEach((net) => net.model.dispose()))

function build(
  spec: Parameters<typeof NetworkSpec.parse>[0],
  task: Parameters<typeof buildModel>[1]
) {
  const net = buildModel(NetworkSpec.parse(spec), task, 5)
  nets.push(net)
  return net
}

/** A random source that returns `values` in turn. */
const script = (...values: number[]) => ({ next: () => values.shift() as number })

describe('pickToken', () => {
  // softmax([0, ln 2, ln 3]) = [1/6, 2/6, 3/6]
  const logits = [0, Math.log(2), Math.log(3)]

  it('samples by cumulative probability', () => {
    expect(pickToken(logits, 1, 0, script(0.1))).toBe(0) // < 1/6
    expect(pickToken(logits, 1, 0, script(0.3))).toBe(1) // in [1/6, 1/2)
    expect(pickToken(logits, 1, 0, script(0.9))).toBe(2)
  })

  it('keeps only the top k: [2/5, 3/5] over tokens 1 and 2', () => {
    expect(pickToken(logits, 1, 2, script(0.01))).toBe(1)
    expect(pickToken(logits, 1, 2, script(0.39))).toBe(1)
    expect(pickToken(logits, 1, 2, script(0.41))).toBe(2)
    expect(pickToken(logits, 1, 1, script(0.01))).toBe(2)
  })

  it('divides logits by the temperature; 0 takes the argmax', () => {
    // T = ½ squares the odds: [1, 4, 9] / 14, so u = 0.3 (< 5/14) picks token 1
    expect(pickToken(logits, 0.5, 0, script(0.3))).toBe(1)
    expect(pickToken(logits, 0.5, 0, script(0.36))).toBe(2)
    expect(pickToken(logits, 0, 0, script(0.01))).toBe(2)
  })
})

describe('sampleText', () => {
  it('is reproducible from its seed and stays in the vocabulary', () => {
    const task = patternTask()
    const net = build({ cell: 'lstm', layers: [{ units: 4 }], embeddingSize: 2 }, task)
    const options = { prime: 'ab', length: 30, temperature: 1, topK: 0, seed: 1 }
    const text = sampleText(net, task.metadata, options)
    expect(text).toMatch(/^[abc]{30}$/)
    expect(sampleText(net, task.metadata, options)).toBe(text)
    expect(sampleText(net, task.metadata, { ...options, seed: 2 })).not.toBe(text)
  })

  it('greedy sampling of a stepped network matches the whole-sequence prediction', () => {
    const task = patternTask()
    for (const bidirectional of [false, true]) {
      const net = build(
        { cell: 'gru', layers: [{ units: 4 }], bidirectional, embeddingSize: 2 },
        task
      )
      const next = predict(net, task.metadata, 'cab')
      const first = sampleText(net, task.metadata, {
        prime: 'cab',
        length: 1,
        temperature: 0,
        topK: 0,
        seed: 0
      })
      expect(next.type === 'next-token' && next.tokens[0].token).toBe(first)
    }
  })

  it('on a fused engine, draws the text the tfjs cells draw (2 layers, each cell)', () => {
    const task = patternTask()
    const js = createJsKernels()
    let steps = 0
    const kernels = {
      ...js,
      name: js.name,
      detail: js.detail,
      rnnForward: (args: Parameters<typeof js.rnnForward>[0]) => (steps++, js.rnnForward(args)),
      rnnBackward: js.rnnBackward.bind(js),
      gemm: js.gemm.bind(js),
      dispose: js.dispose.bind(js)
    }
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      const net = build({ cell, layers: [{ units: 5 }, { units: 3 }], embeddingSize: 2 }, task)
      for (const seed of [1, 2, 3]) {
        const options = { prime: 'abca', length: 40, temperature: 1, topK: 0, seed }
        expect(sampleText(net, task.metadata, options, kernels)).toBe(
          sampleText(net, task.metadata, options)
        )
      }
    }
    // Every token of the prime and of the text, through both layers, on the fused kernels.
    expect(steps).toBe(3 * 3 * (4 + 39) * 2)
  })
})

describe('greedyDecode', () => {
  it('emits at each step the argmax the teacher-forced pass gives for its own prefix', () => {
    const task = copyTask()
    const net = build(
      { cell: 'lstm', layers: [{ units: 4 }, { units: 3 }], bidirectional: true, embeddingSize: 3 },
      task
    )
    const batch = task.validationBatches(16)[0]
    const inputs = toModelInputs(net, batch)
    const [rows, steps] = batch.yShape
    const decoded = greedyDecode(net, inputs, steps)
    // teacher forcing with the decoder's own outputs shifted behind <start>
    const fed = new Int32Array(rows * steps)
    for (let r = 0; r < rows; r++) {
      fed[r * steps] = 1
      for (let t = 1; t < steps; t++) fed[r * steps + t] = decoded[r * steps + t - 1]
    }
    const forced = toModelInputs(net, { ...batch, decoderInput: fed })
    const argmax = tf.tidy(() => tf.argMax(forward(net, forced, { dropoutSeed: null }).logits, -1))
    expect(Array.from(argmax.dataSync())).toEqual(Array.from(decoded))
    tf.dispose(argmax)
    disposeInputs(inputs)
    disposeInputs(forced)
  })
})

describe('predict', () => {
  it('gives class probabilities by name, most likely first, summing to 1', () => {
    const task = firstTokenTask()
    const net = build({ cell: 'gru', layers: [{ units: 3 }], embeddingSize: 2 }, task)
    const prediction = predict(net, task.metadata, 'yzx')
    expect(prediction.type).toBe('class')
    if (prediction.type !== 'class') return
    expect(prediction.classes.map((c) => c.name).sort()).toEqual(
      [...(task.metadata.classNames ?? [])].sort()
    )
    const p = prediction.classes.map((c) => c.probability)
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6)
    expect([...p].sort((a, b) => b - a)).toEqual(p)
  })

  it('forecasts in the data units: normalises the window and de-normalises the output', () => {
    const task = firstValueTask(3)
    const metadata = {
      kind: 'forecast' as const,
      normalisation: [{ name: 'temp', mean: 10, std: 5 }],
      targetIndex: 0
    }
    const net = build({ cell: 'rnn', layers: [{ units: 3 }] }, task)
    const prediction = predict(net, metadata, [[15], [10], [0]])
    // the network sees (15 − 10)/5 = 1, 0, −2 and its output y comes back as 10 + 5y
    const inputs = toModelInputs(net, { x: Float32Array.from([1, 0, -2]), xShape: [1, 3, 1] })
    const y = tf.tidy(() => forward(net, inputs, { dropoutSeed: null }).logits.dataSync()[0])
    expect(prediction).toEqual({ type: 'values', values: [expect.closeTo(10 + 5 * y, 5)] })
    disposeInputs(inputs)
  })

  it('decodes a sequence for encoder–decoders, cut at <end>', () => {
    const task = copyTask()
    const net = build({ cell: 'gru', layers: [{ units: 4 }], embeddingSize: 2 }, task)
    const prediction = predict(net, task.metadata, 'abc')
    expect(prediction.type).toBe('sequence')
    if (prediction.type !== 'sequence') return
    expect(prediction.tokens).not.toContain(2)
    expect(prediction.tokens.length).toBeLessThanOrEqual(4)
    expect(prediction.text).toBe(
      decodeTokens(prediction.tokens, task.metadata.targetVocabulary ?? [], 'char')
    )
  })
})

describe('text and scales', () => {
  it('encodes text as the task did: case, unknown tokens, words', () => {
    const chars = {
      kind: 'classification' as const,
      vocabulary: ['<pad>', '<unk>', 'a', 'b'],
      unknownToken: 1
    }
    expect(encodeText('abz', chars)).toEqual([2, 3, 1])
    expect(encodeText('abz', { ...chars, unknownToken: undefined })).toEqual([2, 3])
    const words = {
      kind: 'text-generation' as const,
      vocabulary: ['<unk>', 'the', 'cat', ',', '\n'],
      tokens: 'word',
      lowercase: true,
      unknownToken: 0
    }
    expect(encodeText('The cat, the dog\n', words)).toEqual([1, 2, 3, 1, 0, 4])
    expect(decodeTokens([1, 2, 3, 1, 0, 4, 1], words.vocabulary, 'word')).toBe(
      'the cat, the <unk>\nthe'
    )
  })

  it('reads the target scale from targetScale, else from normalisation[targetIndex]', () => {
    expect(targetScale({ kind: 'synthetic', targetScale: { mean: 1, std: 3 } })).toEqual({
      mean: 1,
      std: 3
    })
    expect(
      targetScale({
        kind: 'forecast',
        normalisation: [
          { name: 'a', mean: 0, std: 1 },
          { name: 'b', mean: 5, std: 2 }
        ],
        targetIndex: 1
      })
    ).toEqual({ mean: 5, std: 2 })
    expect(targetScale({ kind: 'synthetic' })).toBeNull()
  })

  it('draws reproducibly from the task generator it is given', () => {
    const a = new Random(3)
    const b = new Random(3)
    expect(pickToken([0, 0, 0, 0], 1, 0, a)).toBe(pickToken([0, 0, 0, 0], 1, 0, b))
  })
})
