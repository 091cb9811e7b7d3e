import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { NetworkSpec } from '../../shared/domain/network'
import { selectBackend } from '../compute-backend'
import { buildModel } from '../model/build-model'
import {
  loadModelFromCheckpoint,
  packModelWeights,
  packTensors,
  setModelWeights,
  unpackTensors
} from './checkpoint'
import type { CheckpointData } from './types'
import { firstValueTask, runConfig } from './test-tasks'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

describe('checkpoint blobs', () => {
  it('packs float32 little-endian in manifest order', () => {
    const a = tf.tensor1d([1, -2])
    const b = tf.scalar(0.5)
    const packed = packTensors([
      { name: 'a', tensor: a },
      { name: 'b', tensor: b }
    ])
    expect(packed.manifest).toEqual([
      { name: 'a', shape: [2] },
      { name: 'b', shape: [] }
    ])
    // 1 = 0x3f800000, −2 = 0xc0000000, 0.5 = 0x3f000000, each stored low byte first
    expect(Array.from(packed.data)).toEqual([0, 0, 128, 63, 0, 0, 0, 192, 0, 0, 0, 63])
    tf.dispose([a, b])
  })

  it('unpacks bit for bit, special values included, from an unaligned copy', () => {
    const values = Float32Array.from([Math.PI, -0, NaN, Infinity, 1e-40, -3.4e38])
    const t = tf.tensor2d(values, [2, 3])
    const packed = packTensors([{ name: 'w', tensor: t }])
    // a blob that starts at an odd offset, as one read from a database page might
    const shifted = new Uint8Array(packed.data.length + 1)
    shifted.set(packed.data, 1)
    const [back] = unpackTensors({ data: shifted.subarray(1), manifest: packed.manifest })
    expect(back.name).toBe('w')
    expect(back.tensor.shape).toEqual([2, 3])
    const bits = (f: Float32Array): number[] => Array.from(new Uint32Array(f.buffer.slice(0)))
    expect(bits(back.tensor.dataSync() as Float32Array)).toEqual(bits(values))
    tf.dispose([t, back.tensor])
  })

  it('refuses a blob whose size does not match its manifest', () => {
    expect(() =>
      unpackTensors({ data: new Uint8Array(8), manifest: [{ name: 'w', shape: [3] }] })
    ).toThrow(/holds 2 floats but its manifest describes 3/)
  })

  it('round-trips model weights into another network and rebuilds a model from a checkpoint', () => {
    const config = runConfig({ cell: 'gru', layers: [{ units: 3 }] }, { seed: 1 })
    const task = firstValueTask()
    const source = buildModel(config.network, task, 1)
    const other = buildModel(config.network, task, 2)
    const packed = packModelWeights(source)
    expect(packed.manifest.map((e) => e.name)).toEqual([
      'rnn_1/kernel',
      'rnn_1/recurrent_kernel',
      'rnn_1/bias',
      'head/kernel',
      'head/bias'
    ])
    setModelWeights(other, packed)
    expect(packModelWeights(other).data).toEqual(packed.data)

    const checkpoint = {
      step: 0,
      epoch: 0,
      weights: packed.data,
      optimizerState: null,
      valLoss: null,
      isBest: false,
      meta: {
        format: 1,
        config,
        task: task.metadata,
        taskShape: { input: task.input, head: task.head, steps: task.steps },
        weights: packed.manifest,
        optimizer: [],
        bestValLoss: null,
        evalsWithoutImprovement: 0,
        rngState: 0,
        backend: 'cpu'
      }
    } satisfies CheckpointData
    const loaded = loadModelFromCheckpoint(structuredClone(checkpoint))
    expect(packModelWeights(loaded).data).toEqual(packed.data)

    const wider = { ...config, network: NetworkSpec.parse({ cell: 'gru', layers: [{ units: 4 }] }) }
    expect(() =>
      loadModelFromCheckpoint({ ...checkpoint, meta: { ...checkpoint.meta, config: wider } })
    ).toThrow(/rnn_1\/kernel .*belongs to another network/)
    ;[source, other, loaded].forEach((net) => net.model.dispose())
  })
})
