/**
 * What a task hands to the model builder and the training loop: encoded data as plain typed arrays
 * (no tensors, so tasks are testable without tfjs and cheap to ship between processes), the shapes,
 * the head the network needs, and the baseline to beat.
 */
import type { RnnConfiguration } from '../../shared/domain/network'
import type { TaskKind } from '../../shared/domain/task'

/** How inputs reach the first recurrent layer. */
export type InputEncoding =
  /** Integer token ids in `[0, vocabSize)`; the model embeds or one-hot encodes them. Id 0 is padding where `padded`. */
  | { type: 'tokens'; vocabSize: number; padded: boolean }
  /** Real-valued feature vectors of this width. */
  | { type: 'features'; size: number }

/** What the head predicts, which fixes the loss. */
export type OutputHead =
  /** Softmax over the vocabulary at every step; sparse categorical cross-entropy (nats). */
  | { type: 'tokens-per-step'; vocabSize: number }
  /** Softmax over classes from the last step; cross-entropy. */
  | { type: 'class'; classes: number }
  /** Real values from the last step (`size` outputs); mean squared error. */
  | { type: 'regression'; size: number }

/**
 * One batch, row-major. `x` is `[batch, steps]` of token ids or `[batch, steps, features]` of reals;
 * `y` is `[batch, steps]` ids (tokens-per-step), `[batch]` class ids, or `[batch, size]` reals.
 * Encoder–decoder batches add `decoderInput` (`[batch, targetSteps]` ids, teacher forcing: the target
 * shifted right behind a start token) and `y` is then `[batch, targetSteps]`.
 * `yMask` (same layout as a per-step `y`) is 1 where a target counts, 0 on padding.
 */
export interface Batch {
  x: Int32Array | Float32Array
  xShape: number[]
  y: Int32Array | Float32Array
  yShape: number[]
  decoderInput?: Int32Array
  decoderShape?: number[]
  yMask?: Float32Array
}

/** A reference result the UI shows beside the model's (e.g. naive last value, majority class). */
export interface Baseline {
  name: string
  /** Metric name → value on the validation split (same names as the model's metrics). */
  metrics: Record<string, number>
}

/** An encoder–decoder's target side. */
export interface DecoderSpec {
  vocabSize: number
  startToken: number
  endToken: number
  maxSteps: number
}

export interface PreparedTask {
  kind: TaskKind
  configuration: RnnConfiguration
  input: InputEncoding
  head: OutputHead
  /** Time steps per input sequence. */
  steps: number
  /** Present for encoder–decoder tasks. */
  decoder?: DecoderSpec
  trainSize: number
  validationSize: number
  /**
   * The training batch of optimiser step `step` (0-based). Text tasks sample random windows with
   * `random` (uniform in [0, 1), whose state checkpoints keep); example tasks take the examples at
   * stream position `step × batchSize` of a per-epoch seeded permutation. Either way a resumed run
   * draws exactly the batches the uninterrupted run would have drawn.
   */
  trainBatch(batchSize: number, random: () => number, step: number): Batch
  /** The validation split, in fixed batches (same every call). */
  validationBatches(batchSize: number): Batch[]
  baseline: Baseline | null
  /**
   * Everything needed to use the model later (vocabulary, normalisation fitted on the training split,
   * class names, start/end tokens); stored in every checkpoint and exported beside the model.
   */
  metadata: TaskMetadata
}

/** JSON-serialisable description of the encoding. */
export interface TaskMetadata {
  kind: TaskKind
  /** Token → id; index = id. Index 0 is `<pad>` where inputs are padded. */
  vocabulary?: string[]
  /** Target-side vocabulary for seq2seq when it differs from the input's. */
  targetVocabulary?: string[]
  classNames?: string[]
  /** Per input feature: name, mean and standard deviation on the training split (one-hot columns have 0/1). */
  normalisation?: { name: string; mean: number; std: number }[]
  /** Index of the target within the features, for de-normalising predictions. */
  targetIndex?: number
  /**
   * Regression tasks: a prediction `y` in model units is `y * std + mean` in the data's units
   * (the target's training mean/std for forecasts, the documented scale for synthetic problems).
   */
  targetScale?: { mean: number; std: number }
  [key: string]: unknown
}

/** How {@link PreparedTask}s are cut: the run's seed and its validation share (`TrainConfig`). */
export interface PrepareOptions {
  /** Seeds every random choice a task makes (splits, generated examples), never `Math.random`. */
  seed: number
  /** Share held out for validation, in `(0, 1)`: the last part for text and series, a seeded sample otherwise. */
  validationSplit: number
}
