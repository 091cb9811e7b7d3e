/**
 * A checkpoint's network in the TensorFlow.js Layers format (`model.json` + one weights shard),
 * built from standard Keras layers only, so `tf.loadLayersModel` loads it with no studio code and
 * `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras` converts it.
 *
 * The studio's training graph differs from a standard one in one place: tokens enter as one-hot
 * rows times a bias-free dense `[V, E]` (tfjs-wasm has no gradient for `gather`), behind a Masking
 * layer. The export puts a real `Embedding` there (int32 ids in, `mask_zero` where inputs are
 * padded), whose `[V, E]` table is that dense kernel: a one-hot row selects a kernel row, exactly
 * what an embedding lookup does. Everything else is tfjs-layers' own SimpleRNN/LSTM/GRU/
 * Bidirectional/Dense, the layers the studio trains, so the recurrent weights copy across by name
 * in the layout and gate order tfjs-layers (= Keras) defines: kernels `[input, G·units]`, gates
 * i, f, c, o (LSTM) and z, r, h (GRU, `reset_after: false`). Dropout layers are left out: they do
 * nothing at inference. Initialisers are recorded as the run configured them (Keras names:
 * GlorotUniform is `VarianceScaling`, `Orthogonal`…), for anyone who retrains from the config.
 *
 * Networks without an embedding (`embeddingSize` 0) keep the one-hot input `[batch, steps, V]`:
 * an identity embedding would store a `V × V` table.
 */
import * as tf from '@tensorflow/tfjs'
import type { NetworkSpec } from '../../shared/domain/network'
import { initializer, type TaskShape } from '../model/build-model'
import { registerOrthogonal } from '../model/orthogonal'
import { deriveSeed } from '../tasks/random'
import type { CheckpointData } from '../train/types'
import { readCheckpointWeights } from './checkpoint-weights'
import { ExportError } from './errors'
import type { TensorDescription } from './onnx-export'

/** The shard's file name, as tfjs's own file savers name a single shard. */
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin'

/** `model.json` of the Layers format (what tfjs-node's `file://` saver writes). */
export interface LayersModelJson {
  modelTopology: object
  format: string
  generatedBy: string
  convertedBy: null
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]
}

export interface TfjsExport {
  modelJson: LayersModelJson
  /** The one weights shard, float32 little-endian in manifest order. */
  weights: Uint8Array
  inputs: TensorDescription[]
  outputs: TensorDescription[]
}

/**
 * Builds the standard-layer graph, copies the checkpoint's weights into it and serialises it.
 * @throws ExportError BAD_CHECKPOINT when the weights do not match the network spec
 */
export async function exportTfjs(checkpoint: CheckpointData): Promise<TfjsExport> {
  const { config, taskShape } = checkpoint.meta
  // A Bidirectional wrapper rebuilds its backward layer from config: registered, the studio's
  // Orthogonal (same class name and config as tfjs's) is what it gets back.
  registerOrthogonal()
  // Inside tidy, as build-model.ts does: tfjs's LSTM builds its forget-gate bias from tensors it
  // never disposes. Weights are variables, which tidy leaves alone.
  const models: StandardModel[] = []
  tf.tidy(() => {
    models.push(buildStandardModel(config.network, taskShape, config.training.seed))
  })
  const built = models[0]
  try {
    copyWeights(built.model, checkpoint)
    // An IOHandler that keeps the artifacts in memory: exportRun writes every file of the export
    // at once (atomic-dir.ts), so a failure never leaves half a model on disk.
    const captured: { artifacts?: tf.io.ModelArtifacts } = {}
    await built.model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        captured.artifacts = artifacts
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
      })
    )
    const saved = captured.artifacts as tf.io.ModelArtifacts
    const weightData = saved.weightData ?? new ArrayBuffer(0)
    const modelJson: LayersModelJson = {
      modelTopology: saved.modelTopology as object,
      format: saved.format ?? 'layers-model',
      generatedBy: saved.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: saved.weightSpecs ?? [] }]
    }
    return {
      modelJson,
      weights: new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData)),
      inputs: built.inputs,
      outputs: [built.output]
    }
  } finally {
    built.model.dispose()
  }
}

interface StandardModel {
  model: tf.LayersModel
  inputs: TensorDescription[]
  output: TensorDescription
}

/**
 * The studio's network (build-model.ts) from standard layers, with the same layer names so the
 * checkpoint's weight names carry over. Weights are built as zeros (fast weight init): they are
 * overwritten at once, and tfjs's Orthogonal would otherwise run a QR per recurrent kernel.
 */
export function buildStandardModel(
  spec: NetworkSpec,
  task: TaskShape,
  seed: number
): StandardModel {
  const fast = <L extends tf.layers.Layer>(layer: L): L => {
    layer.setFastWeightInitDuringBuild(true)
    return layer
  }
  const init = (kind: NetworkSpec['kernelInitializer'], layer: string, role: string) =>
    initializer(kind, deriveSeed(seed, `init/${layer}/${role}`))
  const perStep = task.head.type === 'tokens-per-step' && !task.decoder
  const n = spec.layers.length
  const widen = spec.bidirectional && spec.merge === 'concat' ? 2 : 1

  const recurrent = (
    units: number,
    name: string,
    options: { returnSequences: boolean; returnState: boolean; bidirectional: boolean }
  ): tf.layers.Layer => {
    const common = {
      units,
      returnSequences: options.returnSequences,
      returnState: options.returnState,
      kernelInitializer: init(spec.kernelInitializer, name, 'kernel'),
      recurrentInitializer: init(spec.recurrentInitializer, name, 'recurrent'),
      // Inside a Bidirectional wrapper tfjs names the inner layers forward_<cell>/backward_<cell>.
      name: options.bidirectional ? spec.cell : name
    }
    const layer =
      spec.cell === 'lstm'
        ? tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid', unitForgetBias: true })
        : spec.cell === 'gru'
          ? tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' })
          : tf.layers.simpleRNN({ ...common, activation: spec.activation })
    if (!options.bidirectional) return fast(layer)
    return fast(tf.layers.bidirectional({ layer, mergeMode: spec.merge, name }))
  }

  /** Token or feature input, embedded (or masked one-hot) as the studio feeds its first layer. */
  const entry = (
    name: string,
    embeddingName: string,
    encoding: TaskShape['input']
  ): { input: tf.SymbolicTensor; embedded: tf.SymbolicTensor; description: TensorDescription } => {
    if (encoding.type === 'features') {
      const input = tf.input({ shape: [null, encoding.size], name })
      return {
        input,
        embedded: input,
        description: {
          name,
          dtype: 'float32',
          shape: ['batch', 'steps', encoding.size],
          description: 'feature rows, normalised with studio.json preprocessing.normalisation'
        }
      }
    }
    const padding = encoding.padded ? ', padded with 0 (<pad>) at the start' : ''
    if (spec.embeddingSize > 0) {
      const input = tf.input({ shape: [null], dtype: 'int32', name })
      const embedding = fast(
        tf.layers.embedding({
          inputDim: encoding.vocabSize,
          outputDim: spec.embeddingSize,
          maskZero: encoding.padded,
          name: embeddingName,
          embeddingsInitializer: tf.initializers.randomUniform({
            minval: -0.05,
            maxval: 0.05,
            seed: deriveSeed(seed, `init/${embeddingName}/kernel`)
          })
        })
      )
      return {
        input,
        embedded: embedding.apply(input) as tf.SymbolicTensor,
        description: {
          name,
          dtype: 'int32',
          shape: ['batch', 'steps'],
          description: `token ids${padding}`
        }
      }
    }
    const input = tf.input({ shape: [null, encoding.vocabSize], name })
    const masked = encoding.padded
      ? (tf.layers
          .masking({ maskValue: 0, name: 'padding_mask' })
          .apply(input) as tf.SymbolicTensor)
      : input
    return {
      input,
      embedded: masked,
      description: {
        name,
        dtype: 'float32',
        shape: ['batch', 'steps', encoding.vocabSize],
        description: `one-hot token rows${encoding.padded ? ' (all-zero rows are padding, at the start)' : ''}`
      }
    }
  }

  const source = entry('input', 'embedding', task.input)
  const inputs = [source.input]
  const descriptions = [source.description]
  let top: tf.SymbolicTensor
  if (!task.decoder) {
    let h = source.embedded
    spec.layers.forEach((layer, i) => {
      const rnn = recurrent(layer.units, `rnn_${i + 1}`, {
        returnSequences: i < n - 1 || perStep,
        returnState: false,
        bidirectional: spec.bidirectional
      })
      h = rnn.apply(h) as tf.SymbolicTensor
    })
    top = h
  } else {
    // The encoder as a nested model, as build-model.ts does: tfjs 4.22's executor shares one
    // kwargs object across a graph's layers once a mask exists, so the encoder's padding mask
    // would leak into the decoder layers.
    let h = source.embedded
    const states: tf.SymbolicTensor[][] = []
    spec.layers.forEach((layer, i) => {
      const rnn = recurrent(layer.units, `encoder_${i + 1}`, {
        returnSequences: i < n - 1,
        returnState: true,
        bidirectional: spec.bidirectional
      })
      const [y, ...finals] = rnn.apply(h) as tf.SymbolicTensor[]
      h = y
      states.push(mergeStates(spec, i, finals))
    })
    const encoder = tf.model({ inputs: source.input, outputs: states.flat(), name: 'encoder' })
    const encoded = encoder.apply(source.input) as tf.SymbolicTensor | tf.SymbolicTensor[]
    const flat = Array.isArray(encoded) ? encoded : [encoded]
    const decoderEntry = entry('decoder_input', 'decoder_embedding', {
      type: 'tokens',
      vocabSize: task.decoder.vocabSize,
      padded: false
    })
    decoderEntry.description.description = `target-vocabulary ids: <start> (${task.decoder.startToken}) then the target shifted right (teacher forcing), or the tokens chosen so far`
    inputs.push(decoderEntry.input)
    descriptions.push(decoderEntry.description)
    let d = decoderEntry.embedded
    let k = 0
    spec.layers.forEach((layer, i) => {
      const rnn = recurrent(layer.units * widen, `decoder_${i + 1}`, {
        returnSequences: true,
        returnState: false,
        bidirectional: false
      })
      const initialState = states[i].map(() => flat[k++])
      d = rnn.apply(d, { initialState }) as tf.SymbolicTensor
      // The initial states are inputs of this node already; as call arguments they are
      // symbolic tensors, which tfjs cannot serialise (and warns about while saving).
      for (const node of rnn.inboundNodes) node.callArgs = {}
    })
    top = d
  }
  const outputs =
    task.head.type === 'tokens-per-step'
      ? task.head.vocabSize
      : task.head.type === 'class'
        ? task.head.classes
        : task.head.size
  const head = fast(
    tf.layers.dense({
      units: outputs,
      name: 'head',
      kernelInitializer: init(spec.kernelInitializer, 'head', 'kernel')
    })
  )
  let output = head.apply(top) as tf.SymbolicTensor
  if (task.head.type !== 'regression') {
    output = tf.layers
      .activation({ activation: 'softmax', name: 'softmax' })
      .apply(output) as tf.SymbolicTensor
  }
  const model = tf.model({ inputs, outputs: output, name: 'rnn_studio' })
  return { model, inputs: descriptions, output: outputDescription(task) }
}

/** A bidirectional encoder layer's `[fw h, (fw c), bw h, (bw c)]` merged pairwise, as the studio does. */
function mergeStates(
  spec: NetworkSpec,
  layer: number,
  finals: tf.SymbolicTensor[]
): tf.SymbolicTensor[] {
  if (!spec.bidirectional) return finals
  const half = finals.length / 2
  return finals.slice(0, half).map((forward, k) => {
    const name = `state_merge_${layer + 1}_${k === 0 ? 'h' : 'c'}`
    const merge =
      spec.merge === 'concat'
        ? tf.layers.concatenate({ axis: -1, name })
        : spec.merge === 'sum'
          ? tf.layers.add({ name })
          : tf.layers.average({ name })
    return merge.apply([forward, finals[half + k]]) as tf.SymbolicTensor
  })
}

function outputDescription(task: TaskShape): TensorDescription {
  switch (task.head.type) {
    case 'tokens-per-step':
      return {
        name: 'output',
        dtype: 'float32',
        shape: ['batch', 'steps', task.head.vocabSize],
        description: task.decoder
          ? 'probability of each target token at each decoder step'
          : 'probability of the next token after each step'
      }
    case 'class':
      return {
        name: 'output',
        dtype: 'float32',
        shape: ['batch', task.head.classes],
        description: 'probability of each class (studio.json postprocessing.classNames)'
      }
    case 'regression':
      return {
        name: 'output',
        dtype: 'float32',
        shape: ['batch', task.head.size],
        description: 'predictions in model units (studio.json postprocessing.targetScale)'
      }
  }
}

/**
 * Each weight of the standard model from the checkpoint weight of the same name; the embedding's
 * `embeddings` is the studio's dense `kernel` (both `[V, E]`).
 */
function copyWeights(model: tf.LayersModel, checkpoint: CheckpointData): void {
  const table = readCheckpointWeights(checkpoint)
  const sourceOf = (w: tf.LayerVariable): string =>
    w.originalName.replace(/^((?:decoder_)?embedding)\/embeddings$/, '$1/kernel')
  const used = new Set(model.weights.map(sourceOf))
  const unused = table.names().filter((name) => !used.has(name))
  if (unused.length > 0) {
    throw new ExportError(
      'BAD_CHECKPOINT',
      `The checkpoint has weights the exported network does not: ${unused.join(', ')}.`
    )
  }
  for (const w of model.weights) {
    const source = table.get(sourceOf(w), w.shape as number[])
    tf.tidy(() => {
      w.write(tf.tensor(source.values, source.shape, 'float32'))
    })
  }
}
