/**
 * The loss each head trains with, computed from logits (a log-softmax is stable where a log of
 * softmax probabilities is not).
 */
import * as tf from '@tensorflow/tfjs'
import { oneHotRows } from '../model/forward'
import type { Batch, OutputHead } from '../tasks/types'

/** A batch's targets as tensors. The caller owns them (`disposeTargets`). */
export interface Targets {
  /**
   * Token and class heads: one-hot targets, `[batch, steps, V]` or `[batch, C]` (built on the CPU:
   * they are data). Regression: values `[batch, size]`.
   */
  y: tf.Tensor
  /** Per-step heads: `[batch, steps]`, 1 where a target counts (`Batch.yMask`), else null (all count). */
  mask: tf.Tensor2D | null
}

/** A batch's targets as the tensors its head's loss reads (the caller disposes them). */
export function toTargets(head: OutputHead, batch: Pick<Batch, 'y' | 'yShape' | 'yMask'>): Targets {
  switch (head.type) {
    case 'tokens-per-step': {
      const [rows, steps] = batch.yShape
      const y = tf.tensor3d(oneHotRows(batch.y, head.vocabSize, false), [
        rows,
        steps,
        head.vocabSize
      ])
      const mask = batch.yMask ? tf.tensor2d(batch.yMask, [rows, steps]) : null
      return { y, mask }
    }
    case 'class':
      return {
        y: tf.tensor2d(oneHotRows(batch.y, head.classes, false), [batch.yShape[0], head.classes]),
        mask: null
      }
    case 'regression':
      return {
        y: tf.tensor2d(Float32Array.from(batch.y), [batch.yShape[0], head.size]),
        mask: null
      }
  }
}

export function disposeTargets(targets: Targets): void {
  tf.dispose(targets.mask ? [targets.y, targets.mask] : [targets.y])
}

/**
 * Cross-entropy in nats of each prediction: `−Σ_v y_v · log softmax(logits)_v`.
 * @param logits `[..., V]`
 * @param oneHot `[..., V]`
 * @returns `[...]` (one value per step or per row)
 */
export function crossEntropy(logits: tf.Tensor, oneHot: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1)))
}

/**
 * The training loss of a head, averaged over the targets that count:
 * - tokens per step (and encoder–decoders): cross-entropy per step, `Σ ce·mask / Σ mask` with
 *   `yMask` (padding does not count), else the mean over all steps;
 * - class: mean cross-entropy of the rows;
 * - regression: mean squared error over `[batch, size]`.
 */
export function headLoss(head: OutputHead, logits: tf.Tensor, targets: Targets): tf.Scalar {
  return tf.tidy(() => {
    if (head.type === 'regression') return tf.mean(tf.squaredDifference(logits, targets.y))
    const ce = crossEntropy(logits, targets.y)
    if (!targets.mask) return tf.mean(ce)
    // max(Σ mask, 1): a batch of pure padding would otherwise divide by zero.
    return tf.div(tf.sum(tf.mul(ce, targets.mask)), tf.maximum(tf.sum(targets.mask), 1))
  }) as tf.Scalar
}
