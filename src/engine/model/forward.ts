/**
 * The eager forward pass: the same wiring as the exported model, run on concrete tensors so that
 * training can draw seeded dropout masks, diagnostics can differentiate with respect to the
 * embedded input, and inference can step the cells one token at a time.
 */
import * as tf from '@tensorflow/tfjs'
import type { Batch } from '../tasks/types'
import { deriveSeed } from '../tasks/random'
import type { RnnModel } from './build-model'
import type { Flow, WireContext } from './wiring'
import {
  connectDecoder,
  connectDecoderEmbedding,
  connectEmbedding,
  connectEncoder,
  connectHead
} from './wiring'

/** A batch as tensors the network reads. The caller owns them (`disposeInputs`). */
export interface ModelInputs {
  /** `[batch, steps, V]` one-hot tokens (padding rows all zero) or `[batch, steps, F]` features. */
  x: tf.Tensor3D
  /** `[batch, steps]` bool, true on real tokens: padded token inputs only. */
  mask: tf.Tensor2D | null
  /** `[batch, targetSteps, targetV]` one-hot teacher-forcing inputs: encoder–decoder batches only. */
  decoderX: tf.Tensor3D | null
}

export interface ForwardOptions {
  /**
   * Training: draw dropout masks from this seed (derive it from the step, so every step gets
   * fresh masks and a rerun gets the same ones). `null`: no dropout (evaluation, inference).
   */
  dropoutSeed: number | null
}

export interface ForwardOutput {
  /** `[batch, steps, V]` (tokens per step), `[batch, C]` (class) or `[batch, size]` (regression). */
  logits: tf.Tensor
  /**
   * The last recurrent layer's output before dropout: `[batch, steps, H]` for per-step heads,
   * `[batch, H]` otherwise; for encoder–decoders the top encoder layer's final `h`.
   */
  hidden: tf.Tensor
}

/**
 * One-hot rows for integer ids, as floats, built on the CPU (they are data, not differentiated).
 * With `zeroPadding`, id 0 becomes an all-zero row so the Masking layer sees padding.
 * @returns `[ids.length × depth]` row-major
 */
export function oneHotRows(
  ids: ArrayLike<number>,
  depth: number,
  zeroPadding: boolean
): Float32Array {
  const out = new Float32Array(ids.length * depth)
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]
    if (id < 0 || id >= depth || !Number.isInteger(id)) {
      throw new RangeError(`Token id ${id} is outside the vocabulary [0, ${depth}).`)
    }
    if (zeroPadding && id === 0) continue
    out[i * depth + id] = 1
  }
  return out
}

/** Turns a task batch into the network's input tensors (the caller disposes them). */
export function toModelInputs(
  net: RnnModel,
  batch: Pick<Batch, 'x' | 'xShape' | 'decoderInput' | 'decoderShape'>
): ModelInputs {
  const [rows, steps] = batch.xShape
  let x: tf.Tensor3D
  let mask: tf.Tensor2D | null = null
  const input = net.task.input
  if (input.type === 'tokens') {
    x = tf.tensor3d(oneHotRows(batch.x, input.vocabSize, input.padded), [
      rows,
      steps,
      input.vocabSize
    ])
    if (input.padded) {
      const real = new Int32Array(batch.x.length)
      for (let i = 0; i < real.length; i++) real[i] = batch.x[i] === 0 ? 0 : 1
      mask = tf.tensor2d(real, [rows, steps], 'bool')
    }
  } else {
    x = tf.tensor3d(Float32Array.from(batch.x), [rows, steps, input.size])
  }
  let decoderX: tf.Tensor3D | null = null
  const decoder = net.task.decoder
  // Greedy decoding feeds the decoder itself, so a batch without decoder inputs is fine here.
  if (decoder && batch.decoderInput && batch.decoderShape) {
    const [dRows, dSteps] = batch.decoderShape
    decoderX = tf.tensor3d(oneHotRows(batch.decoderInput, decoder.vocabSize, false), [
      dRows,
      dSteps,
      decoder.vocabSize
    ])
  }
  return { x, mask, decoderX }
}

export function disposeInputs(inputs: ModelInputs): void {
  tf.dispose([
    inputs.x,
    ...(inputs.mask ? [inputs.mask] : []),
    ...(inputs.decoderX ? [inputs.decoderX] : [])
  ])
}

/** Masking and embedding: `[batch, steps, V | F]` → `[batch, steps, E]`. */
export function embedInputs(net: RnnModel, x: tf.Tensor3D): tf.Tensor3D {
  return connectEmbedding(net.parts, x)
}

/** The rest of the network from the embedded input. Call inside `tf.tidy` (or dispose the outputs). */
export function forwardEmbedded(
  net: RnnModel,
  embedded: tf.Tensor3D,
  inputs: ModelInputs,
  options: ForwardOptions
): ForwardOutput {
  const context = eagerContext(net, inputs.mask, options)
  const encoded = connectEncoder(net.parts, embedded, context)
  if (!net.task.decoder) {
    return { logits: connectHead(net.parts, encoded.output), hidden: encoded.hidden }
  }
  if (!inputs.decoderX) throw new Error('An encoder–decoder needs decoder inputs.')
  const decoded = connectDecoder(
    net.parts,
    connectDecoderEmbedding(net.parts, inputs.decoderX),
    encoded.states,
    context
  )
  const top = encoded.states[encoded.states.length - 1]
  return { logits: connectHead(net.parts, decoded), hidden: top[0] }
}

/** The whole network on a batch: logits and hidden states. Call inside `tf.tidy`. */
export function forward(
  net: RnnModel,
  inputs: ModelInputs,
  options: ForwardOptions
): ForwardOutput {
  return forwardEmbedded(net, embedInputs(net, inputs.x), inputs, options)
}

function eagerContext(
  net: RnnModel,
  mask: tf.Tensor2D | null,
  options: ForwardOptions
): WireContext {
  const rate = net.spec.dropout
  const seed = options.dropoutSeed
  return {
    mask,
    dropout: <T extends Flow>(x: T, site: number): T =>
      // tf.dropout with a fixed seed draws the same mask on every call (it reseeds its generator
      // from the seed each time), so the seed is derived per step and per site.
      seed === null || rate === 0
        ? x
        : (tf.dropout(x as tf.Tensor, rate, undefined, deriveSeed(seed, site)) as T)
  }
}

/** Per layer of a unidirectional stack: `[h]` (RNN, GRU) or `[h, c]` (LSTM), each `[batch, units]`. */
export type StackState = tf.Tensor2D[][]

/** Final encoder states (merged across directions), each `[batch, H]`, for starting a decoder. */
export function encoderStates(net: RnnModel, inputs: ModelInputs): StackState {
  const context = eagerContext(net, inputs.mask, { dropoutSeed: null })
  return connectEncoder(net.parts, embedInputs(net, inputs.x), context)
    .states as unknown as StackState
}

/** Zero states for a unidirectional stack (what the RNN layers start from). */
export function zeroStates(layers: tf.RNN[], batch: number): StackState {
  return layers.map((layer) => {
    const sizes = layer.cell.stateSize
    return (Array.isArray(sizes) ? sizes : [sizes]).map((size) => tf.zeros([batch, size]))
  })
}

/**
 * One time step through a unidirectional stack: the cells' own `call`, the step function the
 * RNN layers loop over, so stepping gives what a whole-sequence pass gives.
 * @param x `[batch, E]` embedded input at this step
 * @returns the top layer's output `[batch, H]` (the very tensor of its next `h`: dispose states, not
 *   both) and every layer's next states
 */
export function stepStack(
  layers: tf.RNN[],
  x: tf.Tensor2D,
  states: StackState
): { output: tf.Tensor2D; states: StackState } {
  let h = x
  const next: StackState = []
  layers.forEach((layer, i) => {
    const [output, ...newStates] = layer.cell.call([h, ...states[i]], {}) as tf.Tensor2D[]
    next.push(newStates)
    h = output
  })
  return { output: h, states: next }
}

/** The network's unidirectional recurrent stack for stepping: the decoder, or the encoder when it is one. */
export function steppableLayers(net: RnnModel): tf.RNN[] | null {
  if (net.task.decoder) return net.parts.decoder
  if (net.spec.bidirectional) return null
  return net.parts.encoder as tf.RNN[]
}
