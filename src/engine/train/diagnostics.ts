/**
 * What the Insight views show at each evaluation, measured on a fixed probe batch (the first
 * validation rows): how far back the gradient reaches, how the hidden states are arranged, and
 * how large the weights are.
 */
import * as tf from '@tensorflow/tfjs'
import type { RnnModel } from '../model/build-model'
import { disposeInputs, embedInputs, forwardEmbedded, toModelInputs } from '../model/forward'
import type { Batch, PreparedTask } from '../tasks/types'
import { disposeTargets, headLoss, toTargets } from './loss'
import { pca2 } from './pca'
import { decodeTokens } from './sample'
import type { Diagnostics } from './types'

/** Rows of the first validation batch that form the probe. */
export const PROBE_ROWS = 16
/** At most this many points in the hidden-state plot (per-step heads give rows × steps). */
const MAX_PCA_POINTS = 512

/** The first `rows` rows of a batch (same layout). */
export function headRows(batch: Batch, rows: number): Batch {
  const n = Math.min(rows, batch.xShape[0])
  const cut = <A extends Int32Array | Float32Array>(a: A, shape: number[]): A =>
    a.subarray(0, (a.length / shape[0]) * n) as A
  return {
    x: cut(batch.x, batch.xShape),
    xShape: [n, ...batch.xShape.slice(1)],
    y: cut(batch.y, batch.yShape),
    yShape: [n, ...batch.yShape.slice(1)],
    ...(batch.decoderInput && batch.decoderShape
      ? {
          decoderInput: cut(batch.decoderInput, batch.decoderShape),
          decoderShape: [n, ...batch.decoderShape.slice(1)]
        }
      : {}),
    ...(batch.yMask ? { yMask: cut(batch.yMask, batch.yShape) } : {})
  }
}

/**
 * - `inputGradientNorms[t]` = ‖∂L/∂e_t‖ over the probe rows, `e_t` the embedded (or one-hot, or
 *   feature) input at step t. For next-token heads `L` is the loss at the LAST step only, so the
 *   curve reads "how much does step t still matter for the prediction at the end": the
 *   vanishing-gradient picture of Bengio et al. 1994. Other heads use their loss as trained.
 * - `hiddenPca`: the last recurrent layer's final states (class: labelled by class; regression: by
 *   target value; encoder–decoder: the encoder's final state, labelled by the target text), or for
 *   next-token heads its state at every step, labelled by position.
 * - `weightNorms`: Frobenius norm of every weight tensor, by its stable name.
 */
export function computeDiagnostics(
  net: RnnModel,
  task: Pick<PreparedTask, 'head' | 'metadata'>,
  probe: Batch,
  step: number
): Diagnostics {
  const inputs = toModelInputs(net, probe)
  const targets = toTargets(task.head, probe)
  const perStep = task.head.type === 'tokens-per-step' && !net.task.decoder
  const [gradientNorms, hidden] = tf.tidy(() => {
    const embedded = embedInputs(net, inputs.x)
    const lossOf = (e: tf.Tensor): tf.Scalar => {
      const logits = forwardEmbedded(net, e as tf.Tensor3D, inputs, { dropoutSeed: null }).logits
      if (!perStep) return headLoss(task.head, logits, targets)
      const [rows, steps, width] = logits.shape
      const last = (t: tf.Tensor): tf.Tensor => t.slice([0, steps - 1, 0], [rows, 1, width])
      return headLoss(task.head, last(logits), { y: last(targets.y), mask: null })
    }
    const gradient = tf.grad(lossOf)(embedded)
    const norms = tf.sqrt(tf.sum(tf.square(gradient), [0, 2]))
    const states = forwardEmbedded(net, embedded, inputs, { dropoutSeed: null }).hidden
    return [norms, states]
  })
  const inputGradientNorms = Array.from(gradientNorms.dataSync())
  const hiddenPca = projectHidden(hidden, probe, task, perStep, net)
  tf.dispose([gradientNorms, hidden])
  disposeTargets(targets)
  disposeInputs(inputs)
  return { step, inputGradientNorms, hiddenPca, weightNorms: weightNorms(net) }
}

function projectHidden(
  hidden: tf.Tensor,
  probe: Batch,
  task: Pick<PreparedTask, 'head' | 'metadata'>,
  perStep: boolean,
  net: RnnModel
): Diagnostics['hiddenPca'] {
  const width = hidden.shape[hidden.shape.length - 1]
  const values = hidden.dataSync()
  let rows = values.length / width
  let labels: (string | number)[]
  if (perStep) {
    const steps = hidden.shape[1] as number
    rows = Math.min(rows, Math.max(steps, Math.floor(MAX_PCA_POINTS / steps) * steps))
    labels = Array.from({ length: rows }, (_, i) => i % steps)
  } else {
    labels = Array.from({ length: rows }, (_, r) => rowLabel(probe, r, task, net))
  }
  const { points, explainedVariance } = pca2(values.subarray(0, rows * width), rows, width)
  return { points, labels, explainedVariance }
}

function rowLabel(
  probe: Batch,
  row: number,
  task: Pick<PreparedTask, 'head' | 'metadata'>,
  net: RnnModel
): string | number {
  const metadata = task.metadata
  if (task.head.type === 'class') {
    const id = probe.y[row]
    return metadata.classNames?.[id] ?? id
  }
  if (task.head.type === 'regression') {
    const size = task.head.size
    return Number(probe.y[row * size].toPrecision(4))
  }
  // Encoder–decoder: the target text up to its end token.
  const steps = probe.yShape[1]
  const ids = Array.from(probe.y.subarray(row * steps, (row + 1) * steps))
  const end = net.task.decoder ? ids.indexOf(net.task.decoder.endToken) : -1
  const vocabulary = metadata.targetVocabulary ?? metadata.vocabulary ?? []
  return decodeTokens(end >= 0 ? ids.slice(0, end) : ids, vocabulary, 'char')
}

/** Frobenius norm of every weight tensor, by stable name, read back in one transfer. */
export function weightNorms(net: RnnModel): Record<string, number> {
  const weights = net.model.weights
  const norms = tf.tidy(() => tf.stack(weights.map((w) => tf.norm(w.read()))))
  const values = norms.dataSync()
  norms.dispose()
  return Object.fromEntries(weights.map((w, i) => [w.originalName, values[i]]))
}
