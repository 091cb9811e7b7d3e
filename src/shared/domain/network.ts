import { z } from 'zod'

/** The recurrent cell: Elman RNN, LSTM (Hochreiter & Schmidhuber 1997) or GRU (Cho et al. 2014; tfjs-layers has no `reset_after`, so Keras exports use `reset_after=False`). */
export const CellType = z.enum(['rnn', 'lstm', 'gru'])
export type CellType = z.infer<typeof CellType>

/** How a bidirectional layer combines its forward and backward outputs (Keras `merge_mode`). */
export const MergeMode = z.enum(['concat', 'sum', 'ave'])
export type MergeMode = z.infer<typeof MergeMode>

/** Weight initialisers offered for input and recurrent kernels. */
export const Initializer = z.enum(['glorot-uniform', 'he-normal', 'orthogonal', 'small-normal'])
export type Initializer = z.infer<typeof Initializer>

/**
 * The four shapes of recurrent computation (Karpathy, "The Unreasonable Effectiveness of RNNs"):
 * one-to-one (no recurrence over time), many-to-one (sequence → label/value), one-to-many
 * (seed → generated sequence), many-to-many (aligned tagging, or encoder–decoder).
 */
export const RnnConfiguration = z.enum(['one-to-one', 'many-to-one', 'one-to-many', 'many-to-many'])
export type RnnConfiguration = z.infer<typeof RnnConfiguration>

export const RecurrentLayerSpec = z.strictObject({
  /** Hidden units of this layer (per direction). */
  units: z.number().int().min(1).max(4096)
})
export type RecurrentLayerSpec = z.infer<typeof RecurrentLayerSpec>

/** A recurrent network, independent of the task; the task decides the input encoding and the head. */
export const NetworkSpec = z.strictObject({
  cell: CellType,
  /** Activation of the vanilla RNN cell; LSTM/GRU use tanh with sigmoid gates. */
  activation: z.enum(['tanh', 'relu']).default('tanh'),
  /** Stacked recurrent layers, bottom first, each with its own width. */
  layers: z.array(RecurrentLayerSpec).min(1).max(8),
  bidirectional: z.boolean().default(false),
  merge: MergeMode.default('concat'),
  /** Dropout between stacked layers (and before the head), as a probability. */
  dropout: z.number().min(0).max(0.9).default(0),
  /** Token inputs: an embedding of this size, or 0 for one-hot inputs. */
  embeddingSize: z.number().int().min(0).max(1024).default(32),
  kernelInitializer: Initializer.default('glorot-uniform'),
  recurrentInitializer: Initializer.default('orthogonal')
})
export type NetworkSpec = z.infer<typeof NetworkSpec>
export type NetworkSpecInput = z.input<typeof NetworkSpec>
