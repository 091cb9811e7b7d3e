import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import { copyTask, firstTokenTask } from '../train/test-tasks'
import { exportTfjs, TFJS_WEIGHTS_FILE } from './tfjs-export'
import { untrainedCheckpoint } from './test-models'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

interface LayerJson {
  class_name: string
  name: string
  config: Record<string, unknown> & { layers?: LayerJson[]; layer?: LayerJson }
}

/** Every layer of a topology, nested models and wrapped layers included. */
function layersOf(layers: LayerJson[]): LayerJson[] {
  return layers.flatMap((l) => [
    l,
    ...(l.config.layers ? layersOf(l.config.layers) : []),
    ...(l.config.layer ? [l.config.layer] : [])
  ])
}

/** Keras's own layer classes: what the Keras converter knows without custom objects. */
const STANDARD = new Set([
  'InputLayer',
  'Embedding',
  'Masking',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'Dense',
  'Activation',
  'Concatenate',
  'Add',
  'Average',
  'Model'
])

describe('the tfjs Layers export', () => {
  it('uses Keras layers only: an Embedding on int32 ids with mask_zero for padded inputs', async () => {
    const checkpoint = untrainedCheckpoint(
      { cell: 'lstm', layers: [{ units: 3 }, { units: 2 }], bidirectional: true, embeddingSize: 2 },
      firstTokenTask()
    )
    const tensorsBefore = tf.memory().numTensors
    const { modelJson, weights } = await exportTfjs(checkpoint)
    // The model built for the export is disposed, and with it every weight.
    expect(tf.memory().numTensors).toBe(tensorsBefore)
    expect(modelJson).toMatchObject({
      format: 'layers-model',
      generatedBy: expect.stringMatching(/^TensorFlow\.js tfjs-layers v4\./),
      convertedBy: null,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE] }]
    })
    const topology = modelJson.modelTopology as { config: { layers: LayerJson[] } }
    const layers = layersOf(topology.config.layers)
    expect(layers.filter((l) => !STANDARD.has(l.class_name))).toEqual([])
    const byName = new Map(layers.map((l) => [l.name, l]))
    expect(byName.get('input')?.config).toMatchObject({
      batch_input_shape: [null, null],
      dtype: 'int32'
    })
    expect(byName.get('embedding')).toMatchObject({
      class_name: 'Embedding',
      config: { input_dim: 4, output_dim: 2, mask_zero: true }
    })
    expect(layers.some((l) => l.class_name === 'Dropout' || l.class_name === 'Masking')).toBe(false)
    // The initialisers the run used, by their Keras names.
    expect(byName.get('rnn_1')?.config.layer?.config).toMatchObject({
      kernel_initializer: { class_name: 'VarianceScaling' },
      recurrent_initializer: { class_name: 'Orthogonal' },
      recurrent_activation: 'sigmoid',
      unit_forget_bias: true
    })
    // Weight names as Keras's converter matches them (layer/[direction/]weight).
    const names = modelJson.weightsManifest[0].weights.map((w) => w.name)
    expect(names).toContain('embedding/embeddings')
    expect(names).toContain('rnn_1/forward_lstm/recurrent_kernel')
    expect(names).toContain('rnn_2/backward_lstm/bias')
    const floats = modelJson.weightsManifest[0].weights
      .map((w) => w.shape.reduce((a, b) => a * b, 1))
      .reduce((a, b) => a + b, 0)
    expect(weights.byteLength).toBe(floats * 4)
  })

  it('writes GRU layers as reset_after=False and passes encoder states as node inputs', async () => {
    const checkpoint = untrainedCheckpoint(
      { cell: 'gru', layers: [{ units: 3 }], embeddingSize: 0 },
      copyTask()
    )
    const warn = console.warn
    const warnings: unknown[] = []
    console.warn = (...args: unknown[]) => warnings.push(args)
    const tensorsBefore = tf.memory().numTensors
    let modelJson
    try {
      ;({ modelJson } = await exportTfjs(checkpoint))
    } finally {
      console.warn = warn
    }
    // The nested encoder's weights are disposed with the model too.
    expect(tf.memory().numTensors).toBe(tensorsBefore)
    // No "non-serializable keyword arguments" warning: the states travel as inputs.
    expect(warnings).toEqual([])
    const topology = modelJson.modelTopology as { config: { layers: LayerJson[] } }
    const layers = layersOf(topology.config.layers)
    const decoder = layers.find((l) => l.name === 'decoder_1') as LayerJson & {
      inbound_nodes: unknown[][][]
    }
    expect(decoder.config).toMatchObject({ reset_after: false, return_sequences: true })
    expect(decoder.inbound_nodes[0].map((n) => n[0])).toEqual(['decoder_input', 'encoder'])
    // One-hot inputs stay one-hot (no embedding), padded ones behind a Masking layer.
    expect(layers.find((l) => l.name === 'padding_mask')?.class_name).toBe('Masking')
  })
})
