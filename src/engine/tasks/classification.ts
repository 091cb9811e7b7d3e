/**
 * Sequence classification (many-to-one): a name → its language, a review → its sentiment.
 */
import type { TaskSpec } from '../../shared/domain/task'
import {
  DataError,
  detectKind,
  parseClassFolder,
  parseLabelledLines,
  type DatasetFiles,
  type LabelledExample
} from '../data'
import { batchRanges, createEpochSampler, gatherRows } from './batching'
import { deriveSeed, Random } from './random'
import { decodeSource, requireSource } from './source'
import { splitByGroups } from './split'
import {
  codePoints,
  countTokens,
  foldAccents,
  indexOf,
  sortByCodePoint,
  sortByFrequency,
  wordTokens
} from './tokens'
import type { Batch, PrepareOptions, PreparedTask } from './types'

export type ClassificationSpec = Extract<TaskSpec, { kind: 'classification' }>

/** Id 0 pads sequences to a common length; the model masks it out or learns to ignore it. */
export const PAD_TOKEN = '<pad>'
/** Id 1 stands for any token the training split never had. */
export const UNKNOWN_TOKEN = '<unk>'

/**
 * Prepares classification from `text<TAB>label` lines (one file, or a folder of such files) or a
 * class folder (one `<class>.txt` per class, one example per line).
 *
 * - Text: trimmed; accents folded when `foldAccents`; characters are code points; words are
 *   lower-cased (a thousand reviews cannot afford "Great" and "great" as two words).
 * - Classes: `classNames` in code-point order of the labels, so ids do not depend on the split or
 *   on counts; class id = index.
 * - Split: stratified. Within each class, identical texts stay on one side (Arabic.txt repeats 108
 *   names 2,000 times; a repeat across the split is memorised, not learnt), and about
 *   `validationSplit` of each class's examples are held out in a seeded order. The same text under
 *   two labels can still cross the split; that ambiguity is in the data.
 * - Vocabulary, from the training split: id 0 `<pad>`, id 1 `<unk>`, then characters in code-point
 *   order or words by frequency.
 * - Length: `steps` = min(`maxLength`, the longest example). Sequences are padded at the START, and
 *   longer ones keep their LAST `steps` tokens (Keras `pad_sequences` defaults), so the last step,
 *   which the many-to-one head reads, is always the last real token.
 *
 * Batches: `x` `[batch, steps]` Int32 ids, `y` `[batch]` Int32 class ids.
 * Baseline: the training split's majority class, as `val_accuracy`.
 * @throws DataError UNRECOGNISED (not labelled data), BAD_LINE, EMPTY, EMPTY_CLASS, ONE_CLASS, or
 * TOO_SHORT (a class with fewer than 2 distinct examples cannot be split)
 */
export function prepareClassification(
  task: ClassificationSpec,
  source: DatasetFiles | null,
  options: PrepareOptions
): PreparedTask {
  const src = requireSource(source, 'A classification task')
  const examples = readExamples(src)
  const name = src.files.length === 1 ? src.files[0].name : src.name
  const texts = examples.map((e) => {
    const text = task.foldAccents ? foldAccents(e.text) : e.text
    return task.tokens === 'char' ? codePoints(text) : wordTokens(text.toLowerCase())
  })
  if (examples.length === 0) {
    throw new DataError(
      'EMPTY',
      `${name} has no examples: add "text<TAB>label" lines, or one example per line in each class file.`
    )
  }
  const labels = examples.map((e) => e.label)
  const classNames = sortByCodePoint(new Set(labels))
  if (classNames.length < 2) {
    throw new DataError(
      'ONE_CLASS',
      `${name} has only one class ("${classNames[0]}"): a classifier needs at least two labels to tell apart; add examples of another class.`
    )
  }
  const classOf = indexOf(classNames)

  // Stratified split: each class on its own, duplicates grouped (see above).
  const random = new Random(deriveSeed(options.seed, 'classification-split'))
  const trainIndices: number[] = []
  const validationIndices: number[] = []
  const unsplittable: string[] = []
  const membersOf = new Map<string, number[]>(classNames.map((c) => [c, []]))
  labels.forEach((label, i) => membersOf.get(label)?.push(i))
  for (const label of classNames) {
    const members = membersOf.get(label) as number[]
    const keys = members.map((i) => texts[i].join('\u0000'))
    const split = splitByGroups(keys, options.validationSplit, random)
    if (!split) {
      unsplittable.push(`"${label}" (${members.length} example${members.length === 1 ? '' : 's'})`)
      continue
    }
    for (const k of split.train) trainIndices.push(members[k])
    for (const k of split.validation) validationIndices.push(members[k])
  }
  if (unsplittable.length > 0) {
    throw new DataError(
      'TOO_SHORT',
      `${name}: ${unsplittable.length === 1 ? 'class' : 'classes'} ${unsplittable.join(', ')} ${unsplittable.length === 1 ? 'has' : 'have'} fewer than 2 distinct examples, so ${unsplittable.length === 1 ? 'it' : 'they'} cannot be both trained on and validated: add examples or remove the class.`
    )
  }
  const ascending = (a: number, b: number): number => a - b
  trainIndices.sort(ascending)
  // Validation in a seeded random order, not file order: a class folder lists its classes one
  // after another, so the first few batches (what mid-training evaluation and the probe batch
  // see) would otherwise hold only the first classes.
  new Random(deriveSeed(options.seed, 'classification-validation-order')).shuffle(
    validationIndices.sort(ascending)
  )

  const counts = new Map<string, number>()
  for (const i of trainIndices) countTokens(texts[i], counts)
  const tokens = task.tokens === 'char' ? sortByCodePoint(counts.keys()) : sortByFrequency(counts)
  const vocabulary = [PAD_TOKEN, UNKNOWN_TOKEN, ...tokens]
  const ids = indexOf(vocabulary)

  // A loop, not Math.max(...): spreading 100k+ lengths can overflow the stack.
  let longest = 1
  for (const t of texts) longest = Math.max(longest, t.length)
  const steps = Math.min(task.maxLength, longest)
  const encode = (indices: number[]): { x: Int32Array; y: Int32Array } => {
    const x = new Int32Array(indices.length * steps) // zeros: <pad>
    const y = new Int32Array(indices.length)
    indices.forEach((i, row) => {
      const kept = texts[i].slice(-steps)
      const offset = row * steps + steps - kept.length
      kept.forEach((token, t) => (x[offset + t] = ids.get(token) ?? 1))
      y[row] = classOf.get(labels[i]) as number
    })
    return { x, y }
  }
  const train = encode(trainIndices)
  const validation = encode(validationIndices)
  const sample = createEpochSampler(
    trainIndices.length,
    deriveSeed(options.seed, 'classification-epochs')
  )
  const batchOf = (data: { x: Int32Array; y: Int32Array }, rows: ArrayLike<number>): Batch => ({
    x: gatherRows(data.x, steps, rows),
    xShape: [rows.length, steps],
    y: gatherRows(data.y, 1, rows),
    yShape: [rows.length]
  })

  const majority = majorityClass(train.y, classNames.length)
  let correct = 0
  for (const c of validation.y) if (c === majority) correct++

  return {
    kind: 'classification',
    configuration: 'many-to-one',
    input: { type: 'tokens', vocabSize: vocabulary.length, padded: true },
    head: { type: 'class', classes: classNames.length },
    steps,
    trainSize: trainIndices.length,
    validationSize: validationIndices.length,
    trainBatch: (batchSize, _random, step) => batchOf(train, sample(batchSize, step * batchSize)),
    validationBatches: (batchSize) =>
      batchRanges(validationIndices.length, batchSize).map(([from, to]) =>
        batchOf(
          validation,
          Array.from({ length: to - from }, (_, i) => from + i)
        )
      ),
    baseline: {
      name: `majority class ("${classNames[majority]}")`,
      metrics: { val_accuracy: correct / validationIndices.length }
    },
    metadata: {
      kind: 'classification',
      vocabulary,
      classNames,
      tokens: task.tokens,
      lowercase: task.tokens === 'word',
      foldAccents: task.foldAccents,
      maxLength: steps,
      padding: 'start',
      truncation: 'keep-last',
      padToken: 0,
      unknownToken: 1,
      trainClassCounts: classCounts(train.y, classNames),
      validationClassCounts: classCounts(validation.y, classNames)
    }
  }
}

/**
 * Labelled examples from the dataset's files: `text<TAB>label` lines when every file looks like
 * that (one file, or a folder of them read as one set), else a class folder.
 */
function readExamples(source: DatasetFiles): LabelledExample[] {
  const files = decodeSource(source)
  const kind = detectKind(files)
  if (kind === 'labelled') return files.flatMap((f) => parseLabelledLines(f.text, f.shown))
  if (kind === 'class-folder') return parseClassFolder(files, source.name)
  throw new DataError(
    'UNRECOGNISED',
    `${files[0].shown} looks like ${kind === 'csv' ? 'a CSV table' : 'plain text'}, not classification data: use "text<TAB>label" lines, or a folder with one <class>.txt file per class and one example per line.`
  )
}

/** The most frequent class id (the lowest id on a tie). */
function majorityClass(y: Int32Array, classes: number): number {
  const counts = new Int32Array(classes)
  for (const c of y) counts[c]++
  let best = 0
  for (let c = 1; c < classes; c++) if (counts[c] > counts[best]) best = c
  return best
}

function classCounts(y: Int32Array, classNames: string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(classNames.map((c) => [c, 0]))
  for (const c of y) counts[classNames[c]]++
  return counts
}
