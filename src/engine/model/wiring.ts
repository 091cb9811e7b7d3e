/**
 * The network's graph, written once. Each function calls the same layer objects either on
 * symbolic tensors (to assemble the exported tf.LayersModel) or on concrete tensors (the eager
 * forward pass training differentiates, which can stop at the embedded input, draw seeded
 * dropout masks and return the hidden states the diagnostics need). One wiring for both keeps the
 * exported model and the trained computation the same network.
 */
import * as tf from '@tensorflow/tfjs'

/** A tensor flowing through the graph: symbolic while building, concrete while computing. */
export type Flow = tf.Tensor | tf.SymbolicTensor

/** The layers of one network; built by `buildModel`, shared by the exported model and the eager pass. */
export interface ModelParts {
  /**
   * Padded token inputs only: marks all-zero one-hot rows (padding) so the recurrent layers
   * carry their state across them and the final state is the last real token's.
   */
  masking: tf.layers.Layer | null
  /** Token inputs with `embeddingSize > 0`: a bias-free dense, `[V, E]`, applied to one-hot rows. */
  embedding: tf.layers.Layer | null
  /** Recurrent layers, bottom first (Bidirectional wrappers where asked); the encoder of an encoder–decoder. */
  encoder: tf.layers.Layer[]
  /** Encoder–decoder only: the decoder's own bias-free embedding of its one-hot inputs. */
  decoderEmbedding: tf.layers.Layer | null
  /** Encoder–decoder only: unidirectional recurrent layers, layer i starting from encoder layer i's final state. */
  decoder: tf.RNN[]
  /** Bidirectional encoder–decoders: per decoder layer, per state, the merge of forward and backward states. */
  stateMerges: tf.layers.Layer[][]
  /**
   * One dropout layer per site (after every recurrent layer) for the exported graph, where it is
   * inactive at inference. Training draws its own seeded masks at the same sites instead.
   */
  dropouts: tf.layers.Layer[]
  /** Dense over the last axis, producing logits (or values for regression). */
  head: tf.layers.Layer
  /** Token and class heads: the softmax that ends the exported model (losses use the logits). */
  softmax: tf.layers.Layer | null
}

export interface WireContext {
  /**
   * Eager calls pass the padding mask, `[batch, steps]` bool, to every encoder layer; symbolic
   * graphs leave it out and tfjs propagates the Masking layer's mask itself.
   */
  mask?: tf.Tensor | null
  /** Applied to the output of recurrent layer `site` (encoder layers first, then decoder layers). */
  dropout<T extends Flow>(x: T, site: number): T
}

export interface EncoderOutput<T extends Flow> {
  /** Top encoder output after dropout: `[batch, steps, H]` or `[batch, H]`. */
  output: T
  /** The last layer's output before dropout, for the hidden-state diagnostics. */
  hidden: T
  /** Encoder–decoders: each layer's final states (`[h]` or `[h, c]`, each `[batch, H]`), merged across directions. */
  states: T[][]
}

/** `layer.apply` with the answer always as an array (tfjs returns a tensor or an array). */
export function applyLayer<T extends Flow>(
  layer: tf.layers.Layer,
  inputs: T | T[],
  kwargs?: Record<string, unknown>
): T[] {
  const out = layer.apply(inputs as tf.Tensor | tf.Tensor[], kwargs) as T | T[]
  return Array.isArray(out) ? out : [out]
}

/** Masking (padded tokens) and embedding: `[batch, steps, width]` → `[batch, steps, E]`. */
export function connectEmbedding<T extends Flow>(parts: ModelParts, x: T): T {
  let h = x
  if (parts.masking) h = applyLayer(parts.masking, h)[0]
  if (parts.embedding) h = applyLayer(parts.embedding, h)[0]
  return h
}

/** The encoder stack over embedded inputs `[batch, steps, E]`. */
export function connectEncoder<T extends Flow>(
  parts: ModelParts,
  embedded: T,
  context: WireContext
): EncoderOutput<T> {
  let h = embedded
  let hidden = embedded
  const states: T[][] = []
  parts.encoder.forEach((layer, i) => {
    const [y, ...finalStates] = applyLayer(layer, h, context.mask ? { mask: context.mask } : {})
    if (parts.decoder.length > 0) states.push(mergeStates(parts.stateMerges[i] ?? [], finalStates))
    hidden = y
    h = context.dropout(y, i)
  })
  return { output: h, hidden, states }
}

/**
 * Bidirectional layers return `[forward states…, backward states…]`; merge them pairwise with the
 * layer's merge mode so the decoder gets one state per slot.
 */
function mergeStates<T extends Flow>(merges: tf.layers.Layer[], states: T[]): T[] {
  if (merges.length === 0) return states
  const half = states.length / 2
  return merges.map((merge, k) => applyLayer(merge, [states[k], states[half + k]])[0])
}

/**
 * The decoder stack over embedded decoder inputs `[batch, targetSteps, E]` (teacher forcing),
 * layer i starting from `states[i]`. Returns `[batch, targetSteps, H]` after dropout.
 */
export function connectDecoder<T extends Flow>(
  parts: ModelParts,
  embedded: T,
  states: T[][],
  context: WireContext
): T {
  let h = embedded
  parts.decoder.forEach((layer, i) => {
    const [y] = applyLayer(layer, h, { initialState: states[i] })
    h = context.dropout(y, parts.encoder.length + i)
  })
  return h
}

/** The decoder's embedding of its one-hot inputs (identity when one-hot is fed directly). */
export function connectDecoderEmbedding<T extends Flow>(parts: ModelParts, x: T): T {
  return parts.decoderEmbedding ? applyLayer(parts.decoderEmbedding, x)[0] : x
}

/** Dense head: logits or values, over the last axis. */
export function connectHead<T extends Flow>(parts: ModelParts, h: T): T {
  return applyLayer(parts.head, h)[0]
}
