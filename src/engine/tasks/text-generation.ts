/**
 * Character- or word-level language modelling (char-rnn): predict every next token of a window.
 * Trained many-to-many; sampled one-to-many.
 */
import { DataError, normaliseNewlines, type DatasetFiles } from '../data'
import type { TaskSpec } from '../../shared/domain/task'
import { batchRanges } from './batching'
import { decodeSource, requireSource } from './source'
import {
  codePoints,
  countTokens,
  indexOf,
  sortByCodePoint,
  sortByFrequency,
  wordTokens
} from './tokens'
import type { Batch, PrepareOptions, PreparedTask } from './types'

export type TextGenerationSpec = Extract<TaskSpec, { kind: 'text-generation' }>

/** The unknown token's spelling in the vocabulary (5 characters, so no single character clashes). */
export const UNKNOWN_TOKEN = '<unk>'

/**
 * Validation windows evaluated at most: 200 × 64 characters is 12,800 characters, a steady
 * estimate of the loss that costs a few batches, not a pass over a 100k-character split.
 */
export const MAX_VALIDATION_WINDOWS = 200

/** The training split must hold this many windows, or there is nothing to draw from but repeats. */
export const MIN_TRAIN_WINDOWS = 4

/**
 * Splits a corpus by position (first `1 − validationSplit` for training, the rest for validation,
 * never shuffled across the boundary, as nanoGPT does) and builds the vocabulary from the training
 * split only.
 *
 * Unknown tokens: at word level id 0 is always `<unk>`; the most frequent `maxVocabulary − 1`
 * training words get ids 1… by frequency, and every other word (rare in training, or new in
 * validation) maps to 0. At character level the vocabulary is the training split's characters in
 * code-point order; only when the validation split holds a character training never saw is
 * `<unk>` added, as id 0 (tiny-shakespeare keeps its classic 65 symbols). The network never sees
 * `<unk>` in training, so those characters cost validation loss, as they should.
 *
 * Batches: `x` `[batch, T]` and `y` `[batch, T]` token ids (`y` is `x` shifted by one). Training draws
 * windows at uniformly random offsets; validation uses consecutive non-overlapping windows (at most
 * {@link MAX_VALIDATION_WINDOWS}, evenly spaced over the split when there are more).
 * `trainSize` counts non-overlapping training windows, so an epoch sees each token about once.
 *
 * Baseline: a unigram model (training frequencies, add-one smoothed so a `<unk>` costs a finite
 * amount) as `val_loss` in nats per token; `metadata.uniformLoss` is ln V, the loss of guessing.
 * @throws DataError TOO_SHORT (too few tokens for the sequence length) or UNRECOGNISED (one symbol)
 */
export function prepareTextGeneration(
  task: TextGenerationSpec,
  source: DatasetFiles | null,
  options: PrepareOptions
): PreparedTask {
  const src = requireSource(source, 'A text-generation task')
  const files = decodeSource(src)
  const name = files.length === 1 ? files[0].shown : src.name
  const text = normaliseNewlines(joinTexts(files.map((f) => f.text)))
  const unit = task.tokens === 'char' ? 'characters' : 'words'
  const symbols = task.tokens === 'char' ? codePoints(text) : wordTokens(text)
  const T = task.sequenceLength
  const nTrain = Math.floor(symbols.length * (1 - options.validationSplit))
  checkLength(name, unit, symbols.length, nTrain, T, options.validationSplit)

  const counts = countTokens(symbols.slice(0, nTrain))
  if (counts.size < 2) {
    const only = [...counts.keys()][0] ?? ''
    throw new DataError(
      'UNRECOGNISED',
      `${name} has a single distinct ${unit.slice(0, -1)} (${JSON.stringify(only)}) in its training part: there is nothing to predict; use a real text corpus.`
    )
  }
  let vocabulary: string[]
  if (task.tokens === 'word') {
    vocabulary = [UNKNOWN_TOKEN, ...sortByFrequency(counts, task.maxVocabulary - 1)]
  } else {
    vocabulary = sortByCodePoint(counts.keys())
    const unseen = symbols.slice(nTrain).some((s) => !counts.has(s))
    if (unseen) vocabulary.unshift(UNKNOWN_TOKEN)
  }
  const ids = indexOf(vocabulary)
  const unknownId = ids.get(UNKNOWN_TOKEN) ?? null
  const encoded = new Int32Array(symbols.length)
  for (let i = 0; i < symbols.length; i++) {
    encoded[i] = ids.get(symbols[i]) ?? (unknownId as number)
  }
  const train = encoded.subarray(0, nTrain)
  const validation = encoded.subarray(nTrain)
  const V = vocabulary.length

  const windowCount = Math.floor((validation.length - 1) / T)
  const shown = Math.min(windowCount, MAX_VALIDATION_WINDOWS)
  const validationStarts = Array.from(
    { length: shown },
    (_, k) => Math.floor((k * windowCount) / shown) * T
  )

  return {
    kind: 'text-generation',
    configuration: 'many-to-many',
    input: { type: 'tokens', vocabSize: V, padded: false },
    head: { type: 'tokens-per-step', vocabSize: V },
    steps: T,
    trainSize: Math.floor((train.length - 1) / T),
    validationSize: shown,
    trainBatch(batchSize, random) {
      // Window starts in [0, nTrain − T − 1]: a window needs T + 1 tokens.
      const starts = Array.from({ length: batchSize }, () =>
        Math.floor(random() * (train.length - T))
      )
      return windowBatch(train, starts, T)
    },
    validationBatches(batchSize) {
      return batchRanges(shown, batchSize).map(([from, to]) =>
        windowBatch(validation, validationStarts.slice(from, to), T)
      )
    },
    baseline: {
      name: `unigram ${task.tokens} frequencies (guessing uniformly: ln ${V} = ${Math.log(V).toFixed(2)})`,
      metrics: { val_loss: unigramLoss(train, validation, V) }
    },
    metadata: {
      kind: 'text-generation',
      vocabulary,
      tokens: task.tokens,
      unknownToken: unknownId,
      sequenceLength: T,
      uniformLoss: Math.log(V),
      trainTokens: train.length,
      validationTokens: validation.length
    }
  }
}

/**
 * Windows of `T + 1` tokens from `ids` at `starts`: `x` = tokens `[s, s + T)`, `y` = `[s + 1, s + T]`.
 * @returns `x`, `y` `[starts.length, T]` Int32
 */
export function windowBatch(ids: Int32Array, starts: readonly number[], T: number): Batch {
  const B = starts.length
  const x = new Int32Array(B * T)
  const y = new Int32Array(B * T)
  starts.forEach((s, b) => {
    x.set(ids.subarray(s, s + T), b * T)
    y.set(ids.subarray(s + 1, s + T + 1), b * T)
  })
  return { x, xShape: [B, T], y, yShape: [B, T] }
}

/**
 * Cross-entropy (nats per token) on `validation` of the unigram model fitted on `train`, add-one
 * smoothed over the `V` ids: `p(v) = (count(v) + 1) / (N + V)`.
 */
export function unigramLoss(train: Int32Array, validation: Int32Array, V: number): number {
  const counts = new Float64Array(V)
  for (const id of train) counts[id]++
  let total = 0
  for (const id of validation) total -= Math.log((counts[id] + 1) / (train.length + V))
  return total / validation.length
}

/** Several files make one corpus; a newline keeps the last line of one off the next (as inspect does). */
function joinTexts(texts: string[]): string {
  let corpus = ''
  for (const text of texts) {
    if (corpus !== '' && !corpus.endsWith('\n')) corpus += '\n'
    corpus += text
  }
  return corpus
}

/** Refuses corpora too short for the sequence length, saying how much text would do. */
function checkLength(
  name: string,
  unit: string,
  n: number,
  nTrain: number,
  T: number,
  share: number
): void {
  const needTrain = MIN_TRAIN_WINDOWS * (T + 1)
  const needValidation = T + 1
  if (nTrain >= needTrain && n - nTrain >= needValidation) return
  const needed = Math.max(Math.ceil(needTrain / (1 - share)), Math.ceil(needValidation / share))
  const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`
  throw new DataError(
    'TOO_SHORT',
    `${name} has ${n} ${unit}, too few for sequences of ${T}: the training part (first ${percent(1 - share)}, ${nTrain} ${unit}) needs at least ${needTrain} (${MIN_TRAIN_WINDOWS} windows of ${T + 1}) and the validation part (last ${percent(share)}, ${n - nTrain}) at least ${needValidation}, so about ${needed} ${unit} in all; add text or lower the sequence length.`
  )
}
