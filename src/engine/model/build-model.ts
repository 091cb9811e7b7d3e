/**
 * Builds the network a run trains from its NetworkSpec and the task's shapes, out of tfjs-layers'
 * own cells (SimpleRNN, LSTM, GRU, Bidirectional), so the exported model is a plain Keras-style
 * functional model.
 *
 *   input `[batch, steps, V | F]` (one-hot tokens or features)
 *     → Masking (padded tokens) → embedding: dense `[V, E]`, no bias (tokens, E > 0)
 *     → recurrent layer 1 → dropout → … → recurrent layer n → dropout
 *     → head: dense logits `[batch, steps, V]` (tokens per step) | `[batch, C]` (class, last step)
 *             | `[batch, size]` (regression, linear) → softmax for tokens and classes
 *
 * Encoder–decoders (`task.decoder`): the stack above is the encoder; a unidirectional decoder
 * stack of the same depth reads the one-hot, embedded `decoderInput` (teacher forcing), its layer
 * i starting from encoder layer i's final states (Sutskever et al. 2014 pass every layer's state).
 * A bidirectional encoder's forward and backward states are merged with the spec's merge mode, so
 * a decoder layer is as wide as its encoder layer's output: 2 × units for `concat`, units for
 * `sum`/`ave`. That needs no extra weights and keeps the decoder's state in the space of the
 * encoder's outputs.
 *
 * Why one-hot × matrix instead of tf.layers.embedding: the gradient of `gather` needs the
 * UnsortedSegmentSum kernel, which the wasm backend lacks, and a separate matmul also gives the
 * diagnostics a tensor to differentiate with respect to (the embedded input). The cost is memory:
 * a one-hot batch is `batch × steps × V` floats (32 × 64 × 10 000 words ≈ 80 MB).
 */
import * as tf from '@tensorflow/tfjs'
import type { Initializer, NetworkSpec } from '../../shared/domain/network'
import type { PreparedTask } from '../tasks/types'
import { deriveSeed } from '../tasks/random'
import { Orthogonal, registerOrthogonal } from './orthogonal'
import type { ModelParts } from './wiring'
import {
  connectDecoder,
  connectDecoderEmbedding,
  connectEmbedding,
  connectEncoder,
  connectHead,
  applyLayer
} from './wiring'

/** The parts of a prepared task that fix the network's shape (stored in checkpoints). */
export type TaskShape = Pick<PreparedTask, 'input' | 'head' | 'steps' | 'decoder'>

/** A built network: the exported functional model and the layers the eager pass wires itself. */
export interface RnnModel {
  /**
   * Inputs: `[batch, steps, V | F]` (one-hot tokens or features), and for encoder–decoders also
   * `[batch, targetSteps, targetV]` (one-hot decoder inputs). Output: probabilities (tokens,
   * classes) or values (regression). Time is left `null` so any length can be fed.
   */
  model: tf.LayersModel
  spec: NetworkSpec
  task: TaskShape
  parts: ModelParts
}

/** Keras `model.summary()` as data. */
export interface ModelSummary {
  layers: LayerSummary[]
  totalParams: number
}

export interface LayerSummary {
  name: string
  /** Class name, e.g. `LSTM` or `Bidirectional(GRU)`. */
  type: string
  /** Keras notation, e.g. `(None, None, 32)`. */
  outputShape: string
  params: number
}

/**
 * The seed of one initialiser: its own stream per layer and role (`init/rnn_2/recurrent`), so
 * adding a layer or changing one initialiser leaves the others' draws alone.
 */
function initSeed(seed: number, layer: string, role: string): number {
  return deriveSeed(seed, `init/${layer}/${role}`)
}

/**
 * Builds the network with every initialiser seeded from `seed` (one derived seed per layer and
 * role), so the same spec, task and seed give bit-identical weights on a given backend.
 * @param task the task's input encoding, head, steps and (encoder–decoders) decoder
 */
export function buildModel(spec: NetworkSpec, task: TaskShape, seed: number): RnnModel {
  // Inside tidy: tfjs's LSTM builds its forget-gate bias from three tensors it never disposes.
  // Weights are variables, which tidy leaves alone.
  registerOrthogonal()
  const built: RnnModel[] = []
  tf.tidy(() => {
    built.push(assemble(spec, task, seed))
  })
  return built[0]
}

function assemble(spec: NetworkSpec, task: TaskShape, seed: number): RnnModel {
  const parts = createParts(spec, task, seed)
  const inputWidth = task.input.type === 'tokens' ? task.input.vocabSize : task.input.size
  const input = tf.input({ shape: [null, inputWidth], name: 'input' })
  const inputs = [input]
  const dropout = <T>(x: T, site: number): T =>
    parts.dropouts.length > 0
      ? (applyLayer(parts.dropouts[site], x as tf.SymbolicTensor)[0] as T)
      : x
  const encoded = connectEncoder(parts, connectEmbedding(parts, input), { dropout })
  let top = encoded.output
  if (task.decoder) {
    // The encoder is a nested model: tfjs 4.22's executor shares one kwargs object across the
    // layers of a graph once any mask exists, so the encoder's padding mask (and each RNN's
    // initialState) would leak into the decoder layers. A nested model executes with its own.
    const flat = encoded.states.flat()
    const encoder = tf.model({ inputs: input, outputs: flat, name: 'encoder' })
    const outputs = applyLayer(encoder, input)
    let k = 0
    const states = encoded.states.map((layer) => layer.map(() => outputs[k++]))
    const decoderInput = tf.input({
      shape: [null, task.decoder.vocabSize],
      name: 'decoder_input'
    })
    inputs.push(decoderInput)
    const embedded = connectDecoderEmbedding(parts, decoderInput)
    top = connectDecoder(parts, embedded, states, { dropout })
  }
  let output = connectHead(parts, top)
  if (parts.softmax) output = applyLayer(parts.softmax, output)[0]
  const model = tf.model({ inputs, outputs: output, name: 'rnn_studio' })
  redrawBackwardKernels(parts, spec, seed)
  return { model, spec, task, parts }
}

function createParts(spec: NetworkSpec, task: TaskShape, seed: number): ModelParts {
  const perStep = task.head.type === 'tokens-per-step' && !task.decoder
  const n = spec.layers.length
  const encoder = spec.layers.map((layer, i) =>
    recurrentLayer(spec, layer.units, {
      name: task.decoder ? `encoder_${i + 1}` : `rnn_${i + 1}`,
      // Lower layers feed whole sequences up; the top one only where the head reads every step.
      returnSequences: i < n - 1 || perStep,
      returnState: task.decoder !== undefined,
      bidirectional: spec.bidirectional,
      seed
    })
  )
  const widen = spec.bidirectional && spec.merge === 'concat' ? 2 : 1
  const decoder = task.decoder
    ? spec.layers.map(
        (layer, i) =>
          recurrentLayer(spec, layer.units * widen, {
            name: `decoder_${i + 1}`,
            returnSequences: true,
            returnState: false,
            bidirectional: false,
            seed
          }) as tf.RNN
      )
    : []
  const statesPerLayer = spec.cell === 'lstm' ? 2 : 1
  const stateMerges =
    task.decoder && spec.bidirectional
      ? spec.layers.map((_, i) =>
          Array.from({ length: statesPerLayer }, (_, k) =>
            mergeLayer(spec.merge, `state_merge_${i + 1}_${k === 0 ? 'h' : 'c'}`)
          )
        )
      : []
  const sites = n + decoder.length
  const dropouts =
    spec.dropout > 0
      ? Array.from({ length: sites }, (_, i) =>
          tf.layers.dropout({ rate: spec.dropout, name: `dropout_${i + 1}` })
        )
      : []
  const tokens = task.input.type === 'tokens' ? task.input : null
  const outputs = headOutputs(task)
  return {
    masking: tokens?.padded ? tf.layers.masking({ maskValue: 0, name: 'padding_mask' }) : null,
    embedding:
      tokens && spec.embeddingSize > 0
        ? embeddingLayer(spec.embeddingSize, 'embedding', initSeed(seed, 'embedding', 'kernel'))
        : null,
    encoder,
    decoderEmbedding:
      task.decoder && spec.embeddingSize > 0
        ? embeddingLayer(
            spec.embeddingSize,
            'decoder_embedding',
            initSeed(seed, 'decoder_embedding', 'kernel')
          )
        : null,
    decoder,
    stateMerges,
    dropouts,
    head: tf.layers.dense({
      units: outputs,
      name: 'head',
      kernelInitializer: initializer(spec.kernelInitializer, initSeed(seed, 'head', 'kernel'))
    }),
    softmax:
      task.head.type === 'regression'
        ? null
        : tf.layers.activation({ activation: 'softmax', name: 'softmax' })
  }
}

function headOutputs(task: TaskShape): number {
  switch (task.head.type) {
    case 'tokens-per-step':
      return task.head.vocabSize
    case 'class':
      return task.head.classes
    case 'regression':
      return task.head.size
  }
}

interface RecurrentOptions {
  name: string
  returnSequences: boolean
  returnState: boolean
  bidirectional: boolean
  /** The run's seed; each initialiser derives its own from it, the layer's name and its role. */
  seed: number
}

/**
 * One recurrent layer from tfjs-layers, Keras defaults where the spec is silent: sigmoid gates
 * (tfjs still defaults to Keras 1's hard sigmoid), LSTM forget-gate bias 1 (Jozefowicz et al.
 * 2015; Keras `unit_forget_bias`).
 *
 * GRU: tfjs-layers 4.22 refuses `resetAfter: true` (GRUCell throws "does not support reset_after
 * parameter set to true"), so this is the `reset_after=False` GRU of Cho et al. 2014: the reset
 * gate applies before the recurrent matmul, one bias of `3·units`, params
 * `3·(units·(input + units) + units)`. A Keras export must say `reset_after=False`.
 */
function recurrentLayer(
  spec: NetworkSpec,
  units: number,
  options: RecurrentOptions
): tf.layers.Layer {
  const common = {
    units,
    returnSequences: options.returnSequences,
    returnState: options.returnState,
    kernelInitializer: initializer(
      spec.kernelInitializer,
      initSeed(options.seed, options.name, 'kernel')
    ),
    recurrentInitializer: initializer(
      spec.recurrentInitializer,
      initSeed(options.seed, options.name, 'recurrent')
    ),
    // Inside a Bidirectional wrapper tfjs prefixes forward_/backward_ to the inner name.
    name: options.bidirectional ? spec.cell : options.name
  }
  let layer: tf.RNN
  switch (spec.cell) {
    case 'lstm':
      layer = tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid', unitForgetBias: true })
      break
    case 'gru':
      layer = tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' })
      break
    case 'rnn':
      layer = tf.layers.simpleRNN({ ...common, activation: spec.activation })
      break
  }
  if (!options.bidirectional) return layer
  return tf.layers.bidirectional({ layer, mergeMode: spec.merge, name: options.name })
}

/**
 * A bias-free dense used as an embedding. Initialised like Keras's Embedding (uniform ±0.05):
 * a one-hot row selects one row of this matrix, so the two are the same map.
 */
function embeddingLayer(size: number, name: string, seed: number): tf.layers.Layer {
  return tf.layers.dense({
    units: size,
    useBias: false,
    name,
    kernelInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed })
  })
}

function mergeLayer(mode: NetworkSpec['merge'], name: string): tf.layers.Layer {
  switch (mode) {
    case 'concat':
      return tf.layers.concatenate({ axis: -1, name })
    case 'sum':
      return tf.layers.add({ name })
    case 'ave':
      return tf.layers.average({ name })
  }
}

/**
 * The spec's initialiser names as seeded tfjs initialisers (Keras's He normal is truncated);
 * `small-normal` is N(0, 0.01²).
 */
export function initializer(
  kind: Initializer,
  seed: number
): ReturnType<typeof tf.initializers.glorotUniform> {
  switch (kind) {
    case 'glorot-uniform':
      return tf.initializers.glorotUniform({ seed })
    case 'he-normal':
      return tf.initializers.heNormal({ seed })
    case 'orthogonal':
      // tfjs's own is the same construction but far slower (see ./orthogonal).
      return new Orthogonal({ seed, gain: 1 })
    case 'small-normal':
      return tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed })
  }
}

/**
 * tfjs builds a Bidirectional's backward layer from the forward layer's config, seeded
 * initialisers included, so both directions would start as exact copies. Redraw the backward
 * kernels from their own seeds (biases are deterministic: zeros, forget gate 1).
 */
function redrawBackwardKernels(parts: ModelParts, spec: NetworkSpec, seed: number): void {
  if (!spec.bidirectional) return
  for (const layer of parts.encoder) {
    for (const weight of layer.weights) {
      if (!weight.originalName.includes('/backward_')) continue
      const role = weight.originalName.split('/').pop()
      const kind =
        role === 'kernel'
          ? spec.kernelInitializer
          : role === 'recurrent_kernel'
            ? spec.recurrentInitializer
            : null
      if (kind === null) continue
      const init = initializer(kind, initSeed(seed, layer.name, `backward/${role}`))
      tf.tidy(() => {
        weight.write(init.apply(weight.shape))
      })
    }
  }
}

/**
 * Per-layer parameter counts and their total, like Keras `model.summary()`:
 * SimpleRNN `u·(i+u)+u`, LSTM `4·(u·(i+u)+u)`, GRU (reset_after=False) `3·(u·(i+u)+u)`,
 * Bidirectional twice its layer, Dense `i·o (+o)`.
 */
export function summarise(net: RnnModel | tf.LayersModel): ModelSummary {
  const model = 'parts' in net ? net.model : net
  const layers = flattenLayers(model.layers).map((layer) => ({
    name: layer.name,
    type: layerType(layer),
    outputShape: formatShape(layer.outputShape),
    params: layer.countParams()
  }))
  return { layers, totalParams: layers.reduce((sum, layer) => sum + layer.params, 0) }
}

/** Layers in order, with a nested model (an encoder–decoder's encoder) opened up; each once. */
function flattenLayers(
  layers: tf.layers.Layer[],
  seen = new Set<tf.layers.Layer>()
): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = []
  for (const layer of layers) {
    if (seen.has(layer)) continue
    seen.add(layer)
    if (layer instanceof tf.LayersModel) out.push(...flattenLayers(layer.layers, seen))
    else out.push(layer)
  }
  return out
}

function layerType(layer: tf.layers.Layer): string {
  const name = layer.getClassName()
  if (name !== 'Bidirectional') return name
  const inner = (layer.getConfig().layer as { className?: string } | undefined)?.className
  return inner ? `Bidirectional(${inner})` : name
}

function formatShape(shape: tf.Shape | tf.Shape[]): string {
  if (shape.length > 0 && Array.isArray(shape[0])) {
    return (shape as tf.Shape[]).map((s) => formatShape(s)).join(', ')
  }
  return `(${(shape as tf.Shape).map((d) => (d === null ? 'None' : String(d))).join(', ')})`
}
