/**
 * Encoder–decoder tasks: read a whole input sequence, then write an output sequence of its own
 * length ("January 15, 2023" → "2023-01-15", "123+45" → "168").
 */
import type { TaskSpec } from '../../shared/domain/task'
import { DataError, parseLabelledLines, type DatasetFiles } from '../data'
import { batchRanges, createEpochSampler, gatherRows } from './batching'
import { deriveSeed, Random } from './random'
import { decodeSource, requireSource } from './source'
import { splitByGroups } from './split'
import { codePoints, countTokens, indexOf, sortByCodePoint } from './tokens'
import type { Batch, PrepareOptions, PreparedTask } from './types'

export type Seq2SeqSpec = Extract<TaskSpec, { kind: 'seq2seq' }>

/** One example: the encoder reads `source`, the decoder writes `target`. */
export interface Pair {
  source: string
  target: string
}

/** Input vocabulary: `<pad>` 0, `<unk>` 1, then the training sources' characters. */
export const INPUT_SPECIALS = ['<pad>', '<unk>'] as const
/** Target vocabulary: `<pad>` 0, `<start>` 1, `<end>` 2, `<unk>` 3, then the training targets' characters. */
export const TARGET_SPECIALS = ['<pad>', '<start>', '<end>', '<unk>'] as const

/**
 * Prepares an encoder–decoder task from `input<TAB>target` lines (split on the last tab, see
 * `parseLabelledLines`) or from a generator ({@link generateDates}, {@link generateAdditions}).
 *
 * - Split: seeded; examples with the same input stay on one side, so no validation input is ever
 *   seen in training (generators make distinct inputs, so none repeats anyway).
 * - Vocabularies are characters of the training split (see {@link INPUT_SPECIALS},
 *   {@link TARGET_SPECIALS}); a character only validation has maps to `<unk>`.
 * - Encoder input `x` `[batch, S]`, S the longest input, padded at the START (the encoder's last
 *   state then follows real characters). Decoder side `[batch, D]`, D = the longest target + 1,
 *   padded at the END: `decoderInput` = `<start>` + target (teacher forcing), `y` = target +
 *   `<end>`, `yMask` 1 on those positions and 0 on padding.
 *
 * No baseline: nothing trivial predicts a date or a sum.
 * @throws DataError NOT_FOUND/EMPTY/BAD_LINE for a dataset, TOO_SHORT with fewer than 2 distinct inputs
 */
export function prepareSeq2Seq(
  task: Seq2SeqSpec,
  source: DatasetFiles | null,
  options: PrepareOptions
): PreparedTask {
  const spec = task.source
  let pairs: Pair[]
  let name: string
  if (spec.type === 'dataset') {
    const src = requireSource(source, 'A seq2seq task')
    const files = decodeSource(src)
    pairs = files.flatMap((f) =>
      parseLabelledLines(f.text, f.shown).map((e) => ({ source: e.text, target: e.label }))
    )
    name = files.length === 1 ? files[0].shown : src.name
  } else {
    const random = new Random(deriveSeed(options.seed, 'seq2seq-generate'))
    pairs =
      spec.type === 'dates'
        ? generateDates(spec.examples, random)
        : generateAdditions(spec.examples, spec.digits, random)
    name = `The ${spec.type} generator`
  }
  const split = splitByGroups(
    pairs.map((p) => p.source),
    options.validationSplit,
    new Random(deriveSeed(options.seed, 'seq2seq-split'))
  )
  if (!split) {
    throw new DataError(
      'TOO_SHORT',
      `${name} has ${pairs.length === 0 ? 'no pairs' : 'a single distinct input'}: an encoder–decoder needs several "input<TAB>target" lines with different inputs, some to train on and some to validate with.`
    )
  }
  const sources = pairs.map((p) => codePoints(p.source))
  const targets = pairs.map((p) => codePoints(p.target))
  const sourceCounts = new Map<string, number>()
  const targetCounts = new Map<string, number>()
  for (const i of split.train) {
    countTokens(sources[i], sourceCounts)
    countTokens(targets[i], targetCounts)
  }
  const vocabulary = [...INPUT_SPECIALS, ...sortByCodePoint(sourceCounts.keys())]
  const targetVocabulary = [...TARGET_SPECIALS, ...sortByCodePoint(targetCounts.keys())]
  const inputIds = indexOf(vocabulary)
  const targetIds = indexOf(targetVocabulary)
  let S = 1
  let longestTarget = 0
  for (const s of sources) S = Math.max(S, s.length)
  for (const t of targets) longestTarget = Math.max(longestTarget, t.length)
  const D = longestTarget + 1

  const encode = (indices: number[]) => {
    const n = indices.length
    const x = new Int32Array(n * S)
    const decoderInput = new Int32Array(n * D)
    const y = new Int32Array(n * D)
    const yMask = new Float32Array(n * D)
    indices.forEach((i, row) => {
      const src = sources[i]
      src.forEach((c, t) => (x[row * S + S - src.length + t] = inputIds.get(c) ?? 1))
      const tgt = targets[i]
      decoderInput[row * D] = 1 // <start>
      tgt.forEach((c, t) => {
        const id = targetIds.get(c) ?? 3
        decoderInput[row * D + t + 1] = id
        y[row * D + t] = id
      })
      y[row * D + tgt.length] = 2 // <end>
      yMask.fill(1, row * D, row * D + tgt.length + 1)
    })
    return { x, decoderInput, y, yMask }
  }
  const train = encode(split.train)
  // Seeded random order, not file order: a pairs file may be sorted, and mid-training evaluation
  // and the probe batch see only the first validation batches.
  const validation = encode(
    new Random(deriveSeed(options.seed, 'seq2seq-validation-order')).shuffle([...split.validation])
  )
  const batchOf = (data: ReturnType<typeof encode>, rows: ArrayLike<number>): Batch => ({
    x: gatherRows(data.x, S, rows),
    xShape: [rows.length, S],
    decoderInput: gatherRows(data.decoderInput, D, rows),
    decoderShape: [rows.length, D],
    y: gatherRows(data.y, D, rows),
    yShape: [rows.length, D],
    yMask: gatherRows(data.yMask, D, rows)
  })
  const sample = createEpochSampler(split.train.length, deriveSeed(options.seed, 'seq2seq-epochs'))

  return {
    kind: 'seq2seq',
    configuration: 'many-to-many',
    input: { type: 'tokens', vocabSize: vocabulary.length, padded: true },
    head: { type: 'tokens-per-step', vocabSize: targetVocabulary.length },
    steps: S,
    decoder: { vocabSize: targetVocabulary.length, startToken: 1, endToken: 2, maxSteps: D },
    trainSize: split.train.length,
    validationSize: split.validation.length,
    trainBatch: (batchSize, _random, step) => batchOf(train, sample(batchSize, step * batchSize)),
    validationBatches: (batchSize) =>
      batchRanges(split.validation.length, batchSize).map(([from, to]) =>
        batchOf(
          validation,
          Array.from({ length: to - from }, (_, i) => from + i)
        )
      ),
    baseline: null,
    metadata: {
      kind: 'seq2seq',
      source: spec.type,
      vocabulary,
      targetVocabulary,
      padToken: 0,
      startToken: 1,
      endToken: 2,
      unknownToken: 1,
      targetUnknownToken: 3,
      maxSourceLength: S,
      maxTargetLength: longestTarget,
      examples: pairs.length,
      encoderPadding: 'start',
      decoderPadding: 'end'
    }
  }
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
]
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

interface CalendarDay {
  year: number
  /** 0 = January. */
  month: number
  day: number
  /** 0 = Sunday. */
  weekday: number
}

const two = (n: number): string => String(n).padStart(2, '0')
const short = (word: string): string => word.slice(0, 3)
const ordinal = (n: number): string => {
  const teen = n % 100 >= 11 && n % 100 <= 13 // 11th, 12th, 13th
  return `${n}${teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`
}

/**
 * Ways people write a date, each unambiguous: months are spelled out, or the order is fixed by the
 * separator (`15.01.2023` is day.month.year as in Germany and most of Europe; `2023/01/15` puts the
 * year first, which is always year/month/day). No `01/02/2023`, which is January or February
 * depending on the reader.
 */
export const DATE_FORMATS: readonly ((d: CalendarDay) => string)[] = [
  (d) => `${WEEKDAYS[d.weekday]}, ${MONTHS[d.month]} ${d.day}, ${d.year}`, // Sunday, January 15, 2023
  (d) => `${MONTHS[d.month]} ${d.day}, ${d.year}`, // January 15, 2023
  (d) => `${short(MONTHS[d.month])} ${d.day}, ${d.year}`, // Jan 15, 2023
  (d) => `${short(MONTHS[d.month]).toLowerCase()} ${d.day} ${d.year}`, // jan 15 2023
  (d) => `${MONTHS[d.month].toUpperCase()} ${d.day}, ${d.year}`, // JANUARY 15, 2023
  (d) => `${d.day} ${MONTHS[d.month]} ${d.year}`, // 15 January 2023
  (d) => `${d.day} ${short(MONTHS[d.month])} ${d.year}`, // 15 Jan 2023
  (d) => `${short(WEEKDAYS[d.weekday])} ${d.day} ${short(MONTHS[d.month])} ${d.year}`, // Sun 15 Jan 2023
  (d) => `${ordinal(d.day)} of ${MONTHS[d.month]}, ${d.year}`, // 15th of January, 2023
  (d) => `${two(d.day)}-${short(MONTHS[d.month])}-${d.year}`, // 15-Jan-2023
  (d) => `${two(d.day)}.${two(d.month + 1)}.${d.year}`, // 15.01.2023
  (d) => `${d.year}/${two(d.month + 1)}/${two(d.day)}` // 2023/01/15
]

const DAY_MS = 86_400_000
const FIRST_DAY = Date.UTC(1950, 0, 1) / DAY_MS
const LAST_DAY = Date.UTC(2050, 11, 31) / DAY_MS

/**
 * Human-written dates (a uniform day in 1950–2050, a uniform format of {@link DATE_FORMATS}) →
 * ISO `YYYY-MM-DD`. Inputs are distinct; see {@link generateDistinct} for when fewer come back.
 */
export function generateDates(count: number, random: Random): Pair[] {
  const days = LAST_DAY - FIRST_DAY + 1
  return generateDistinct(count, days * DATE_FORMATS.length, () => {
    const date = new Date((FIRST_DAY + random.int(days)) * DAY_MS)
    const d: CalendarDay = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth(),
      day: date.getUTCDate(),
      weekday: date.getUTCDay()
    }
    const format = DATE_FORMATS[random.int(DATE_FORMATS.length)]
    return { source: format(d), target: `${d.year}-${two(d.month + 1)}-${two(d.day)}` }
  })
}

/**
 * `a+b` → the sum, operands uniform in `[0, 10^digits)`, without leading zeros (Keras's
 * addition_rnn example). Distinct inputs; when `count` is at least half of all `10^(2·digits)`
 * questions, every question is listed and shuffled instead of drawn (one digit: all 100 of them).
 */
export function generateAdditions(count: number, digits: number, random: Random): Pair[] {
  const limit = 10 ** digits
  const space = limit * limit
  const pair = (a: number, b: number): Pair => ({ source: `${a}+${b}`, target: String(a + b) })
  if (count * 2 >= space) {
    const all = random.shuffle(Array.from({ length: space }, (_, k) => k))
    return all.slice(0, count).map((k) => pair(Math.floor(k / limit), k % limit))
  }
  return generateDistinct(count, space, () => pair(random.int(limit), random.int(limit)))
}

/**
 * Draws until `count` distinct inputs, giving up after 20 draws per wanted example: asking for
 * more dates than there are distinct ones (about 443,000) returns fewer, rather than spinning;
 * `metadata.examples` reports how many there are.
 * @param space how many distinct inputs exist, which caps the count
 */
function generateDistinct(count: number, space: number, draw: () => Pair): Pair[] {
  const wanted = Math.min(count, space)
  const seen = new Set<string>()
  const pairs: Pair[] = []
  for (let attempt = 0; pairs.length < wanted && attempt < wanted * 20; attempt++) {
    const p = draw()
    if (seen.has(p.source)) continue
    seen.add(p.source)
    pairs.push(p)
  }
  return pairs
}
