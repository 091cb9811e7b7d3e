/**
 * A checkpoint's network as ONNX (opset 14), with the recurrent layers as ONNX's own `RNN`,
 * `LSTM` and `GRU` operators, so any runtime with those kernels (onnxruntime, TensorRT, OpenVINO)
 * runs it. Weights come straight from the checkpoint blob; no tfjs model is built.
 *
 *   ids `[batch, steps]` int64 (tokens) | values `[batch, steps, F]` float (features)
 *     → (padded tokens) compact the real tokens to the front, `sequence_lens` = their count
 *     → Transpose to time-major → Gather `[V, E]` (embedding) | OneHot (embeddingSize 0)
 *     → per layer: RNN/LSTM/GRU (`direction` forward | bidirectional, layout 0: `[steps, batch, ·]`)
 *       → Y `[steps, dirs, batch, units]` merged to `[steps, batch, H]` for the next layer, or
 *         Y_h `[dirs, batch, units]` merged to `[batch, H]` at the top of a many-to-one stack
 *     → head: MatMul + Add (+ Softmax) → probabilities | values
 *
 * Conversions from tfjs-layers (= Keras) weights, per direction:
 * - kernels `[input, G·units]` become ONNX `W` `[G·units, input]` (transposed), recurrent kernels
 *   `[units, G·units]` become `R` `[G·units, units]`, the bias `[G·units]` becomes `Wb`, and `Rb`
 *   is zero (Keras has one bias per gate, ONNX two that it adds).
 * - gate blocks are reordered: Keras LSTM is i, f, c, o and ONNX LSTM is i, o, f, c; GRU is z, r, h
 *   in both. tfjs's GRU is the reset_after=False kind (the reset gate applies before the recurrent
 *   matmul), which is ONNX's `linear_before_reset = 0`.
 * - activations are the ones tfjs uses: sigmoid gates (not Keras 1's hard sigmoid), tanh, and the
 *   vanilla cell's tanh or relu.
 *
 * Masking: the studio pads token inputs at the start and masks the padding, so every recurrent
 * layer skips those steps (its state carries across them). ONNX's `sequence_lens` skips steps at
 * the end instead, so the graph first moves each row's real tokens to the front, in order (TopK
 * on a key that ranks real tokens by position before padding): the states and last outputs are
 * then the same as tfjs's, wherever the padding was.
 *
 * Encoder–decoders become two graphs: `encoder.onnx` (ids → each layer's final states, merged
 * across directions as the studio merges them) and `decoder.onnx` (decoder ids + states →
 * probabilities per step + next states), so greedy decoding can feed one token at a time.
 */
import type { NetworkSpec } from '../../shared/domain/network'
import type { TaskShape } from '../model/build-model'
import type { CheckpointData } from '../train/types'
import { readCheckpointWeights, type Weight, type WeightTable } from './checkpoint-weights'
import { ExportError } from './errors'
import { attr, GraphBuilder } from './onnx-graph'
import { DataType, encodeModel, type ValueInfoProto } from './onnx-proto'

/** Operator set: 13 made Squeeze/Unsqueeze/ReduceSum take axes as inputs; 14 adds `layout`. */
export const ONNX_OPSET = 14
/** IR version 7 goes with opset 14 (ONNX 1.9), so older runtimes load the files too. */
export const ONNX_IR_VERSION = 7

/** One input or output of an exported graph, for studio.json and the README. */
export interface TensorDescription {
  name: string
  dtype: 'int64' | 'int32' | 'float32'
  /** Numbers are fixed; `batch`, `steps` vary. */
  shape: (number | string)[]
  description: string
}

/** One exported ONNX file. */
export interface OnnxFile {
  /** File name inside the export's `onnx/` folder. */
  file: string
  bytes: Uint8Array
  inputs: TensorDescription[]
  outputs: TensorDescription[]
}

/** Keras gate block each ONNX gate takes, in ONNX order. */
const GATE_ORDER: Record<NetworkSpec['cell'], readonly number[]> = {
  // ONNX i, o, f, c ← Keras i (0), o (3), f (1), c (2)
  lstm: [0, 3, 1, 2],
  // z, r, h in both
  gru: [0, 1, 2],
  rnn: [0]
}

const OP_TYPE: Record<NetworkSpec['cell'], string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' }

/**
 * Refuses what ONNX cannot express the way the studio computes it.
 * @throws ExportError UNSUPPORTED
 */
export function checkOnnxSupport(task: TaskShape): void {
  if (
    task.input.type === 'tokens' &&
    task.input.padded &&
    task.head.type === 'tokens-per-step' &&
    !task.decoder
  ) {
    // tfjs repeats the previous output at a masked step; moving real tokens to the front (how
    // this export masks) would put per-step outputs at the wrong positions.
    throw new ExportError(
      'UNSUPPORTED',
      'ONNX export cannot represent a per-step head over padded (masked) token inputs: tfjs carries outputs across masked steps, which ONNX recurrent operators do not. Export this model as tfjs instead.'
    )
  }
}

/**
 * The checkpoint's network as ONNX files: `model.onnx`, or `encoder.onnx` + `decoder.onnx` for
 * encoder–decoders.
 * @throws ExportError UNSUPPORTED (see {@link checkOnnxSupport}), BAD_CHECKPOINT
 */
export function exportOnnx(checkpoint: CheckpointData, producerVersion = ''): OnnxFile[] {
  const { config, taskShape } = checkpoint.meta
  checkOnnxSupport(taskShape)
  const spec = config.network
  const weights = readCheckpointWeights(checkpoint)
  const context: Context = { spec, task: taskShape, weights, producerVersion }
  if (taskShape.decoder) return [encoderModel(context), decoderModel(context)]
  return [sequenceModel(context)]
}

interface Context {
  spec: NetworkSpec
  task: TaskShape
  weights: WeightTable
  producerVersion: string
}

/** A time-major sequence flowing between layers. */
interface Sequence {
  /** `[steps, batch, width]` */
  x: string
  width: number
  /** `[batch]` int32 real lengths (padded inputs only). */
  lens: string | null
}

function sequenceModel(c: Context): OnnxFile {
  const g = new GraphBuilder()
  const { spec, task } = c
  const input = inputInfo(task, 'input')
  g.input(toValueInfo(input))
  const sequence = inputSequence(g, c, input.name, 'embedding')
  const perStep = task.head.type === 'tokens-per-step'
  const n = spec.layers.length
  let top = sequence.x
  let width = sequence.width
  spec.layers.forEach((layer, i) => {
    const returnSequences = i < n - 1 || perStep
    const run = recurrent(g, c, `rnn_${i + 1}`, spec.bidirectional, width, layer.units, {
      x: top,
      lens: sequence.lens
    })
    top = returnSequences ? mergeSequence(g, spec, run) : mergeFinal(g, spec, run.yh, run.dirs)
    width = layer.units * (spec.bidirectional && spec.merge === 'concat' ? 2 : 1)
  })
  const output = outputInfo(task)
  g.output(head(g, c, top, width, perStep), toValueInfo(output))
  return {
    file: 'model.onnx',
    bytes: encode(c, g, 'rnn_studio', describeModel(c)),
    inputs: [input],
    outputs: [output]
  }
}

function encoderModel(c: Context): OnnxFile {
  const g = new GraphBuilder()
  const { spec, task } = c
  const input = inputInfo(task, 'input')
  g.input(toValueInfo(input))
  const sequence = inputSequence(g, c, input.name, 'embedding')
  const outputs: TensorDescription[] = []
  let top = sequence.x
  let width = sequence.width
  spec.layers.forEach((layer, i) => {
    const run = recurrent(g, c, `encoder_${i + 1}`, spec.bidirectional, width, layer.units, {
      x: top,
      lens: sequence.lens
    })
    width = layer.units * (spec.bidirectional && spec.merge === 'concat' ? 2 : 1)
    const states = run.yc === null ? [run.yh] : [run.yh, run.yc]
    states.forEach((state, k) => {
      const info = stateInfo(i, k, width, '')
      g.output(mergeFinal(g, spec, state, run.dirs), toValueInfo(info))
      outputs.push(info)
    })
    if (i < spec.layers.length - 1) top = mergeSequence(g, spec, run)
  })
  return {
    file: 'encoder.onnx',
    bytes: encode(c, g, 'rnn_studio_encoder', describeModel(c)),
    inputs: [input],
    outputs
  }
}

function decoderModel(c: Context): OnnxFile {
  const g = new GraphBuilder()
  const { spec, task } = c
  const decoder = task.decoder as NonNullable<TaskShape['decoder']>
  const widen = spec.bidirectional && spec.merge === 'concat' ? 2 : 1
  const input: TensorDescription = {
    name: 'decoder_input',
    dtype: 'int64',
    shape: ['batch', 'steps'],
    description: `target-vocabulary ids fed to the decoder: <start> (${decoder.startToken}) then each token it chose`
  }
  g.input(toValueInfo(input))
  const inputs = [input]
  const stateInputs = spec.layers.map((layer, i) =>
    Array.from({ length: spec.cell === 'lstm' ? 2 : 1 }, (_, k) => {
      const info = stateInfo(i, k, layer.units * widen, '')
      inputs.push(info)
      return g.input(toValueInfo(info))
    })
  )
  const embedded = tokenSequence(g, c, input.name, decoder.vocabSize, 'decoder_embedding', false)
  const outputs: TensorDescription[] = []
  const nextStates: { value: string; info: TensorDescription }[] = []
  let top = embedded.x
  let width = embedded.width
  spec.layers.forEach((layer, i) => {
    const units = layer.units * widen
    const axis0 = g.int64s('axis_0', [1], [0])
    const initial = stateInputs[i].map((state) => g.op1('Unsqueeze', [state, axis0]))
    const run = recurrent(g, c, `decoder_${i + 1}`, false, width, units, {
      x: top,
      lens: null,
      initialH: initial[0],
      initialC: initial[1]
    })
    top = mergeSequence(g, spec, run)
    width = units
    const states = run.yc === null ? [run.yh] : [run.yh, run.yc]
    states.forEach((state, k) => {
      nextStates.push({
        value: mergeFinal(g, spec, state, 1),
        info: stateInfo(i, k, units, '_next')
      })
    })
  })
  const probabilities = outputInfo(task)
  g.output(head(g, c, top, width, true), toValueInfo(probabilities))
  outputs.push(probabilities)
  for (const { value, info } of nextStates) {
    g.output(value, toValueInfo(info))
    outputs.push(info)
  }
  return {
    file: 'decoder.onnx',
    bytes: encode(c, g, 'rnn_studio_decoder', describeModel(c)),
    inputs,
    outputs
  }
}

/** `h_1`, `c_1`… (`suffix` `_next` for a decoder's outputs): layer i's state k, `[batch, H]`. */
function stateInfo(layer: number, k: number, width: number, suffix: string): TensorDescription {
  const kind = k === 0 ? 'h' : 'c'
  return {
    name: `${kind}_${layer + 1}${suffix}`,
    dtype: 'float32',
    shape: ['batch', width],
    description:
      suffix === ''
        ? `decoder layer ${layer + 1}'s ${kind === 'h' ? 'hidden' : 'cell'} state (the encoder's final state, merged across directions)`
        : `decoder layer ${layer + 1}'s ${kind === 'h' ? 'hidden' : 'cell'} state after the last step: feed it back as ${kind}_${layer + 1}`
  }
}

function inputInfo(task: TaskShape, name: string): TensorDescription {
  if (task.input.type === 'tokens') {
    return {
      name,
      dtype: 'int64',
      shape: ['batch', 'steps'],
      description: task.input.padded
        ? 'token ids, padded with 0 (<pad>) at the start to a common length'
        : 'token ids'
    }
  }
  return {
    name,
    dtype: 'float32',
    shape: ['batch', 'steps', task.input.size],
    description: 'feature rows, normalised with studio.json preprocessing.normalisation'
  }
}

function outputInfo(task: TaskShape): TensorDescription {
  switch (task.head.type) {
    case 'tokens-per-step':
      return {
        name: 'probabilities',
        dtype: 'float32',
        shape: ['batch', 'steps', task.head.vocabSize],
        description: task.decoder
          ? 'probability of each target token at each decoder step'
          : 'probability of the next token after each step'
      }
    case 'class':
      return {
        name: 'probabilities',
        dtype: 'float32',
        shape: ['batch', task.head.classes],
        description: 'probability of each class (studio.json postprocessing.classNames)'
      }
    case 'regression':
      return {
        name: 'values',
        dtype: 'float32',
        shape: ['batch', task.head.size],
        description: 'predictions in model units (studio.json postprocessing.targetScale)'
      }
  }
}

function toValueInfo(t: TensorDescription): ValueInfoProto {
  const elemType =
    t.dtype === 'int64' ? DataType.INT64 : t.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT
  return { name: t.name, elemType, shape: t.shape, doc: t.description }
}

function inputSequence(g: GraphBuilder, c: Context, input: string, embedding: string): Sequence {
  const encoding = c.task.input
  if (encoding.type === 'tokens') {
    return tokenSequence(g, c, input, encoding.vocabSize, embedding, encoding.padded)
  }
  const x = g.op1('Transpose', [input], [attr.ints('perm', [1, 0, 2])])
  return { x, width: encoding.size, lens: null }
}

/**
 * Token ids `[batch, steps]` → time-major embedded (or one-hot) `[steps, batch, E | V]`, the
 * real tokens moved to the front with their counts where `padded`.
 */
function tokenSequence(
  g: GraphBuilder,
  c: Context,
  ids: string,
  vocabSize: number,
  embeddingName: string,
  padded: boolean
): Sequence {
  let source = ids
  let lens: string | null = null
  if (padded) ({ ids: source, lens } = compactPadding(g, ids))
  const timeMajor = g.op1('Transpose', [source], [attr.ints('perm', [1, 0])])
  const size = c.spec.embeddingSize
  if (size > 0) {
    // A one-hot row times the studio's bias-free [V, E] matrix selects a row: Gather.
    const matrix = c.weights.get(`${embeddingName}/kernel`, [vocabSize, size])
    const table = g.floats(embeddingName, matrix.shape, matrix.values)
    const x = g.op1('Gather', [table, timeMajor], [attr.int('axis', 0)])
    return { x, width: size, lens }
  }
  const depth = g.int64s('depth', [], [vocabSize])
  const values = g.floats('one_hot_values', [2], [0, 1])
  const x = g.op1('OneHot', [timeMajor, depth, values], [attr.int('axis', -1)])
  return { x, width: vocabSize, lens }
}

/**
 * Moves each row's real (non-zero) ids to the front, in order, padding after them:
 * `key = real · steps + (steps − 1 − t)` ranks real tokens above padding and earlier steps above
 * later ones, and TopK over all steps sorts by it.
 * @returns ids `[batch, steps]` int64 and lengths `[batch]` int32
 */
function compactPadding(g: GraphBuilder, ids: string): { ids: string; lens: string } {
  const isPad = g.op1('Equal', [ids, g.int64s('pad_id', [], [0])])
  const real = g.op1('Cast', [g.op1('Not', [isPad])], [attr.int('to', DataType.FLOAT)])
  const axis1 = g.int64s('axis_1', [1], [1])
  const count = g.op1('ReduceSum', [real, axis1], [attr.int('keepdims', 0)])
  const lens = g.op1('Cast', [count], [attr.int('to', DataType.INT32)], 'sequence_lens')
  const shape = g.op1('Shape', [ids])
  const steps = g.op1('Gather', [shape, g.int64s('steps_index', [1], [1])], [attr.int('axis', 0)])
  const stepsScalar = g.op1(
    'Gather',
    [shape, g.int64s('steps_index_scalar', [], [1])],
    [attr.int('axis', 0)]
  )
  const stepsFloat = g.op1('Cast', [stepsScalar], [attr.int('to', DataType.FLOAT)])
  const one = g.floats('one', [], [1])
  const position = g.op1('Range', [g.floats('zero', [], [0]), stepsFloat, one])
  const reversed = g.op1('Sub', [g.op1('Sub', [stepsFloat, one]), position])
  const key = g.op1('Add', [g.op1('Mul', [real, stepsFloat]), reversed])
  const [, order] = g.op(
    'TopK',
    [key, steps],
    [attr.int('axis', 1), attr.int('largest', 1), attr.int('sorted', 1)],
    ['order_key', 'order']
  )
  const compact = g.op1('GatherElements', [ids, order], [attr.int('axis', 1)], 'compact_ids')
  return { ids: compact, lens }
}

interface RecurrentRun {
  /** `[steps, dirs, batch, units]` */
  y: string
  /** `[dirs, batch, units]` */
  yh: string
  /** LSTM only: `[dirs, batch, units]` */
  yc: string | null
  dirs: number
}

/**
 * One recurrent layer as an ONNX RNN/LSTM/GRU operator, its weights converted from the
 * checkpoint's `layerName/kernel…` (or `layerName/forward_<cell>/…` and `backward_<cell>/…`).
 */
function recurrent(
  g: GraphBuilder,
  c: Context,
  layerName: string,
  bidirectional: boolean,
  inputSize: number,
  units: number,
  feed: { x: string; lens: string | null; initialH?: string; initialC?: string }
): RecurrentRun {
  const cell = c.spec.cell
  const gates = GATE_ORDER[cell].length
  const prefixes = bidirectional
    ? [`${layerName}/forward_${cell}`, `${layerName}/backward_${cell}`]
    : [layerName]
  const directions = prefixes.map((prefix) => ({
    kernel: c.weights.get(`${prefix}/kernel`, [inputSize, gates * units]),
    recurrent: c.weights.get(`${prefix}/recurrent_kernel`, [units, gates * units]),
    bias: c.weights.get(`${prefix}/bias`, [gates * units])
  }))
  const dirs = directions.length
  const kernels = stackGates(
    directions.map((d) => d.kernel),
    cell,
    units
  )
  const recurrents = stackGates(
    directions.map((d) => d.recurrent),
    cell,
    units
  )
  const biases = stackBiases(
    directions.map((d) => d.bias),
    cell,
    units
  )
  const W = g.floats(`${layerName}_W`, [dirs, gates * units, inputSize], kernels)
  const R = g.floats(`${layerName}_R`, [dirs, gates * units, units], recurrents)
  const B = g.floats(`${layerName}_B`, [dirs, 2 * gates * units], biases)
  const inputs = [feed.x, W, R, B, feed.lens ?? '', feed.initialH ?? '', feed.initialC ?? '']
  while (inputs[inputs.length - 1] === '') inputs.pop()
  const activations = {
    lstm: ['Sigmoid', 'Tanh', 'Tanh'],
    gru: ['Sigmoid', 'Tanh'],
    rnn: [c.spec.activation === 'relu' ? 'Relu' : 'Tanh']
  }[cell]
  const attributes = [
    attr.int('hidden_size', units),
    attr.string('direction', bidirectional ? 'bidirectional' : 'forward'),
    attr.strings('activations', bidirectional ? [...activations, ...activations] : activations),
    ...(cell === 'gru' ? [attr.int('linear_before_reset', 0)] : [])
  ]
  const outputs = g.op(
    OP_TYPE[cell],
    inputs,
    attributes,
    cell === 'lstm'
      ? [`${layerName}_Y`, `${layerName}_Y_h`, `${layerName}_Y_c`]
      : [`${layerName}_Y`, `${layerName}_Y_h`]
  )
  return { y: outputs[0], yh: outputs[1], yc: outputs[2] ?? null, dirs }
}

/**
 * Keras matrices `[rows, G·units]` (kernel: rows = input; recurrent: rows = units), one per
 * direction → ONNX `[dirs, G·units, rows]`: transposed, gate blocks in ONNX order.
 */
export function stackGates(
  matrices: readonly Weight[],
  cell: NetworkSpec['cell'],
  units: number
): Float32Array {
  const order = GATE_ORDER[cell]
  const gates = order.length
  const rows = matrices[0].shape[0]
  const cols = gates * units
  const out = new Float32Array(matrices.length * cols * rows)
  matrices.forEach((m, d) => {
    order.forEach((kerasGate, onnxGate) => {
      for (let j = 0; j < units; j++) {
        const row = d * cols * rows + (onnxGate * units + j) * rows
        const col = kerasGate * units + j
        for (let k = 0; k < rows; k++) out[row + k] = m.values[k * cols + col]
      }
    })
  })
  return out
}

/** Keras biases `[G·units]` → ONNX `[dirs, 2·G·units]`: `Wb` in ONNX gate order, `Rb` zero. */
export function stackBiases(
  biases: readonly Weight[],
  cell: NetworkSpec['cell'],
  units: number
): Float32Array {
  const order = GATE_ORDER[cell]
  const width = 2 * order.length * units
  const out = new Float32Array(biases.length * width)
  biases.forEach((b, d) => {
    order.forEach((kerasGate, onnxGate) => {
      for (let j = 0; j < units; j++) {
        out[d * width + onnxGate * units + j] = b.values[kerasGate * units + j]
      }
    })
  })
  return out
}

/** Y `[steps, dirs, batch, units]` → `[steps, batch, H]` with the spec's merge mode. */
function mergeSequence(g: GraphBuilder, spec: NetworkSpec, run: RecurrentRun): string {
  if (run.dirs === 1) return g.op1('Squeeze', [run.y, g.int64s('axis_1', [1], [1])])
  switch (spec.merge) {
    case 'concat': {
      // [steps, batch, 2, units] → [steps, batch, 2·units]: forward then backward, as Keras.
      const t = g.op1('Transpose', [run.y], [attr.ints('perm', [0, 2, 1, 3])])
      return g.op1('Reshape', [t, g.int64s('shape_concat_3d', [3], [0, 0, -1])])
    }
    case 'sum':
      return g.op1('ReduceSum', [run.y, g.int64s('axis_1', [1], [1])], [attr.int('keepdims', 0)])
    case 'ave':
      return g.op1('ReduceMean', [run.y], [attr.ints('axes', [1]), attr.int('keepdims', 0)])
  }
}

/** A final state `[dirs, batch, units]` → `[batch, H]` with the spec's merge mode. */
function mergeFinal(g: GraphBuilder, spec: NetworkSpec, state: string, dirs: number): string {
  if (dirs === 1) return g.op1('Squeeze', [state, g.int64s('axis_0', [1], [0])])
  switch (spec.merge) {
    case 'concat': {
      const t = g.op1('Transpose', [state], [attr.ints('perm', [1, 0, 2])])
      return g.op1('Reshape', [t, g.int64s('shape_concat_2d', [2], [0, -1])])
    }
    case 'sum':
      return g.op1('ReduceSum', [state, g.int64s('axis_0', [1], [0])], [attr.int('keepdims', 0)])
    case 'ave':
      return g.op1('ReduceMean', [state], [attr.ints('axes', [0]), attr.int('keepdims', 0)])
  }
}

/**
 * The dense head on `[batch, H]` or, `perStep`, on time-major `[steps, batch, H]` (made
 * batch-major first); softmax for token and class heads.
 */
function head(g: GraphBuilder, c: Context, top: string, width: number, perStep: boolean): string {
  const outputs =
    c.task.head.type === 'tokens-per-step'
      ? c.task.head.vocabSize
      : c.task.head.type === 'class'
        ? c.task.head.classes
        : c.task.head.size
  const kernel = c.weights.get('head/kernel', [width, outputs])
  const bias = c.weights.get('head/bias', [outputs])
  const x = perStep ? g.op1('Transpose', [top], [attr.ints('perm', [1, 0, 2])]) : top
  const logits = g.op1('Add', [
    g.op1('MatMul', [x, g.floats('head_kernel', kernel.shape, kernel.values)]),
    g.floats('head_bias', bias.shape, bias.values)
  ])
  if (c.task.head.type === 'regression') return logits
  return g.op1('Softmax', [logits], [attr.int('axis', -1)])
}

function describeModel(c: Context): string {
  const layers = c.spec.layers.map((l) => l.units).join('-')
  return `RNN Studio ${c.spec.bidirectional ? 'bidirectional ' : ''}${c.spec.cell.toUpperCase()} ${layers} (${c.task.head.type} head); studio.json in the export folder says how to feed it.`
}

function encode(c: Context, g: GraphBuilder, name: string, doc: string): Uint8Array {
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'RNN Studio',
    producerVersion: c.producerVersion,
    doc,
    graph: g.build(name, doc),
    metadata: {
      cell: c.spec.cell,
      bidirectional: String(c.spec.bidirectional),
      merge: c.spec.merge,
      head: c.task.head.type
    }
  })
}
