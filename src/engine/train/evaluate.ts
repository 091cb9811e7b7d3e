/**
 * Validation metrics, named as the studio reports them (and as task baselines name theirs):
 *
 * | head | metrics |
 * |---|---|
 * | every head | `val_loss`: the training loss on validation batches |
 * | tokens per step | `val_perplexity` = e^loss, `val_bpc` = loss / ln 2 (bits per character, or per word), `val_accuracy` (next token) |
 * | encoder–decoder | as tokens per step, plus `val_exact_match`: greedy decodings equal to the target on every counted step |
 * | class | `val_accuracy`; the final evaluation adds the confusion matrix and per-class precision/recall |
 * | regression | `val_mae`, `val_rmse` in the data's units (× the target's std, see `targetScale`), else in model units |
 */
import * as tf from '@tensorflow/tfjs'
import type { RnnModel } from '../model/build-model'
import { disposeInputs, forward, toModelInputs } from '../model/forward'
import type { Batch, PreparedTask, TaskMetadata } from '../tasks/types'
import { crossEntropy, disposeTargets, toTargets } from './loss'
import { decodeTokens, greedyDecode, targetScale, tokenLevel } from './sample'
import type { FinalEvaluation, SamplePayload } from './types'

type EvalTask = Pick<PreparedTask, 'head' | 'decoder' | 'metadata' | 'baseline'>

/** Running sums over validation batches. */
interface Tally {
  loss: number
  /** Targets the loss averages over (counted steps, rows, or regression values). */
  count: number
  correct: number
  absolute: number
  squared: number
  exact: number
  sequences: number
  /** Class heads: `[true][predicted]` counts. */
  confusion: number[][] | null
}

/** Metrics over `batches` (no dropout). */
export function evaluate(
  net: RnnModel,
  task: EvalTask,
  batches: Batch[]
): { metrics: Record<string, number>; confusion: number[][] | null } {
  const head = task.head
  const tally: Tally = {
    loss: 0,
    count: 0,
    correct: 0,
    absolute: 0,
    squared: 0,
    exact: 0,
    sequences: 0,
    confusion:
      head.type === 'class'
        ? Array.from({ length: head.classes }, () => new Array<number>(head.classes).fill(0))
        : null
  }
  for (const batch of batches) addBatch(net, task, batch, tally)
  return { metrics: metricsOf(task, tally), confusion: tally.confusion }
}

function addBatch(net: RnnModel, task: EvalTask, batch: Batch, tally: Tally): void {
  const head = task.head
  const inputs = toModelInputs(net, batch)
  const targets = toTargets(head, batch)
  const [perTarget, predicted] = tf.tidy(() => {
    const logits = forward(net, inputs, { dropoutSeed: null }).logits
    if (head.type === 'regression') return [tf.squaredDifference(logits, targets.y), logits]
    return [crossEntropy(logits, targets.y), tf.argMax(logits, -1)]
  })
  const losses = perTarget.dataSync()
  const outputs = predicted.dataSync()
  const mask = batch.yMask
  if (head.type === 'regression') {
    for (let i = 0; i < losses.length; i++) {
      tally.loss += losses[i]
      tally.squared += losses[i]
      tally.absolute += Math.abs(outputs[i] - batch.y[i])
    }
    tally.count += losses.length
  } else {
    for (let i = 0; i < losses.length; i++) {
      const weight = mask ? mask[i] : 1
      if (weight === 0) continue
      tally.loss += losses[i] * weight
      tally.count += weight
      if (outputs[i] === batch.y[i]) tally.correct += weight
      if (tally.confusion) tally.confusion[batch.y[i]][outputs[i]]++
    }
  }
  if (task.decoder) {
    const [rows, steps] = batch.yShape
    const decoded = greedyDecode(net, inputs, steps)
    for (let r = 0; r < rows; r++) {
      let same = true
      for (let t = 0; t < steps && same; t++) {
        const i = r * steps + t
        if ((mask ? mask[i] : 1) !== 0 && decoded[i] !== batch.y[i]) same = false
      }
      if (same) tally.exact++
    }
    tally.sequences += rows
  }
  tf.dispose([perTarget, predicted])
  disposeTargets(targets)
  disposeInputs(inputs)
}

function metricsOf(task: EvalTask, tally: Tally): Record<string, number> {
  const loss = tally.loss / Math.max(tally.count, 1)
  const metrics: Record<string, number> = { val_loss: loss }
  switch (task.head.type) {
    case 'tokens-per-step':
      metrics.val_perplexity = Math.exp(loss)
      metrics.val_bpc = loss / Math.LN2
      metrics.val_accuracy = tally.correct / Math.max(tally.count, 1)
      break
    case 'class':
      metrics.val_accuracy = tally.correct / Math.max(tally.count, 1)
      break
    case 'regression': {
      const std = targetScale(task.metadata)?.std ?? 1
      metrics.val_mae = (tally.absolute / Math.max(tally.count, 1)) * std
      metrics.val_rmse = Math.sqrt(tally.squared / Math.max(tally.count, 1)) * std
      break
    }
  }
  if (task.decoder) metrics.val_exact_match = tally.exact / Math.max(tally.sequences, 1)
  return metrics
}

/**
 * The end-of-run evaluation on the whole validation split: the metrics above, the task's
 * baseline beside them, and for class heads the confusion matrix (rows = true class) with
 * per-class precision (of the rows predicted as the class, the share that are) and recall (of
 * the class's rows, the share found); 0 where nothing was predicted or present.
 */
export function finalEvaluation(net: RnnModel, task: EvalTask, batches: Batch[]): FinalEvaluation {
  const { metrics, confusion } = evaluate(net, task, batches)
  const evaluation: FinalEvaluation = { metrics, baseline: task.baseline }
  if (confusion) {
    const names = task.metadata.classNames ?? confusion.map((_, i) => String(i))
    evaluation.confusionMatrix = confusion
    evaluation.classNames = names
    evaluation.perClass = confusion.map((row, c) => {
      const support = row.reduce((sum, n) => sum + n, 0)
      const predicted = confusion.reduce((sum, r) => sum + r[c], 0)
      return {
        name: names[c],
        precision: predicted > 0 ? row[c] / predicted : 0,
        recall: support > 0 ? row[c] / support : 0,
        support
      }
    })
  }
  return evaluation
}

/** Rows of a prediction preview shown beside the curves. */
const PREVIEW_ROWS = 5

/**
 * A few probe rows as text: the input, the target and the network's prediction (class names,
 * greedy decodings, or values in the data's units). Null for next-token heads, whose preview is
 * the text sample.
 */
export function previewPredictions(
  net: RnnModel,
  task: EvalTask,
  probe: Batch
): SamplePayload | null {
  const head = task.head
  if (head.type === 'tokens-per-step' && !task.decoder) return null
  const rows = Math.min(PREVIEW_ROWS, probe.xShape[0])
  const metadata = task.metadata
  const inputs = toModelInputs(net, probe)
  try {
    let predicted: string[]
    let target: string[]
    if (task.decoder) {
      const steps = probe.yShape[1]
      const decoded = greedyDecode(net, inputs, steps)
      const vocabulary = metadata.targetVocabulary ?? metadata.vocabulary ?? []
      const text = (ids: ArrayLike<number>, r: number): string =>
        targetText(
          Array.from(ids).slice(r * steps, (r + 1) * steps),
          task.decoder!.endToken,
          vocabulary
        )
      predicted = range(rows).map((r) => text(decoded, r))
      target = range(rows).map((r) => text(probe.y, r))
    } else {
      const output = tf.tidy(() => {
        const logits = forward(net, inputs, { dropoutSeed: null }).logits
        return head.type === 'class' ? tf.argMax(logits, -1) : logits
      })
      const values = Array.from(output.dataSync())
      output.dispose()
      if (head.type === 'class') {
        const name = (id: number): string => metadata.classNames?.[id] ?? String(id)
        predicted = range(rows).map((r) => name(values[r]))
        target = range(rows).map((r) => name(probe.y[r]))
      } else {
        const size = values.length / probe.xShape[0]
        const scale = targetScale(metadata)
        const show = (v: ArrayLike<number>, r: number): string =>
          Array.from(v)
            .slice(r * size, (r + 1) * size)
            .map((x) => formatNumber(x * (scale?.std ?? 1) + (scale?.mean ?? 0)))
            .join(', ')
        predicted = range(rows).map((r) => show(values, r))
        target = range(rows).map((r) => show(probe.y, r))
      }
    }
    return {
      type: 'predictions',
      rows: range(rows).map((r) => ({
        input: inputText(net, metadata, probe, r),
        target: target[r],
        predicted: predicted[r]
      }))
    }
  } finally {
    disposeInputs(inputs)
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

function formatNumber(value: number): string {
  return Number(value.toPrecision(4)).toString()
}

function targetText(ids: number[], endToken: number, vocabulary: readonly string[]): string {
  const end = ids.indexOf(endToken)
  return decodeTokens(end >= 0 ? ids.slice(0, end) : ids, vocabulary, 'char')
}

/** A probe row's input as text: its tokens without padding, or its target feature's values. */
function inputText(net: RnnModel, metadata: TaskMetadata, probe: Batch, row: number): string {
  const steps = probe.xShape[1]
  const input = net.task.input
  if (input.type === 'tokens') {
    const ids = Array.from(probe.x.subarray(row * steps, (row + 1) * steps))
    const real = input.padded ? ids.filter((id) => id !== 0) : ids
    return decodeTokens(real, metadata.vocabulary ?? [], tokenLevel(metadata))
  }
  const k = metadata.targetIndex ?? 0
  const stats = metadata.normalisation?.[k]
  const values = range(steps).map((t) => {
    const v = probe.x[(row * steps + t) * input.size + k]
    return formatNumber(stats ? v * stats.std + stats.mean : v)
  })
  return values.length > 6
    ? `${values.slice(0, 2).join(', ')}, …, ${values.slice(-3).join(', ')}`
    : values.join(', ')
}
