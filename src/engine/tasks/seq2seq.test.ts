import { describe, expect, it } from 'vitest'
import { TaskSpec } from '../../shared/domain/task'
import { dataErrorOf } from '../data/test-helpers'
import { Random } from './random'
import {
  DATE_FORMATS,
  generateAdditions,
  generateDates,
  prepareSeq2Seq,
  type Seq2SeqSpec
} from './seq2seq'
import { oneFile, plain } from './test-helpers'
import type { Batch, PreparedTask } from './types'

function spec(source: unknown): Seq2SeqSpec {
  return TaskSpec.parse({ kind: 'seq2seq', source }) as Seq2SeqSpec
}

/** Each example of a batch as `x | decoderInput | y | yMask`. */
function rows(batch: Batch): string[] {
  const [B, S] = batch.xShape
  const D = batch.yShape[1]
  const slice = (
    a: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
    i: number,
    n: number
  ) => Array.from(a.subarray(i * n, (i + 1) * n)).join(',')
  return Array.from({ length: B }, (_, i) =>
    [
      slice(batch.x, i, S),
      slice(batch.decoderInput as Int32Array, i, D),
      slice(batch.y, i, D),
      slice(batch.yMask as Float32Array, i, D)
    ].join(' | ')
  )
}

/** The encoder inputs of a batch decoded back to text. */
function sources(task: PreparedTask, batch: Batch): string[] {
  const vocabulary = task.metadata.vocabulary as string[]
  const S = batch.xShape[1]
  return Array.from({ length: batch.xShape[0] }, (_, i) =>
    Array.from(batch.x.subarray(i * S, (i + 1) * S))
      .filter((id) => id !== 0)
      .map((id) => vocabulary[id])
      .join('')
  )
}

/** `"123+45"` → 168. */
function sumOf(source: string): number {
  const [a, b] = source.split('+').map(Number)
  return a + b
}

function all(task: PreparedTask): { train: Batch; validation: Batch[] } {
  const r = new Random(1)
  return {
    train: task.trainBatch(task.trainSize, () => r.next(), 0),
    validation: task.validationBatches(10_000)
  }
}

describe('prepareSeq2Seq on pairs', () => {
  // Every input holds a and b, every target x and y: the vocabularies do not depend on the split.
  const pairs = 'ab\txy\nba\tyx\naab\txxy\nbba\tyyx\n'

  it('pads the encoder at the start and the decoder at the end, with <start>, <end> and a mask', () => {
    const task = prepareSeq2Seq(spec({ type: 'dataset', datasetId: 1 }), oneFile('p.txt', pairs), {
      seed: 3,
      validationSplit: 0.5
    })
    expect(task.metadata.vocabulary).toEqual(['<pad>', '<unk>', 'a', 'b'])
    expect(task.metadata.targetVocabulary).toEqual(['<pad>', '<start>', '<end>', '<unk>', 'x', 'y'])
    expect(task.input).toEqual({ type: 'tokens', vocabSize: 4, padded: true })
    expect(task.head).toEqual({ type: 'tokens-per-step', vocabSize: 6 })
    expect(task.decoder).toEqual({ vocabSize: 6, startToken: 1, endToken: 2, maxSteps: 4 })
    expect(task.steps).toBe(3)
    expect(task.configuration).toBe('many-to-many')
    expect([task.trainSize, task.validationSize]).toEqual([2, 2])
    const { train, validation } = all(task)
    expect([...rows(train), ...validation.flatMap(rows)].sort()).toEqual([
      '0,2,3 | 1,4,5,0 | 4,5,2,0 | 1,1,1,0', // ab → xy
      '0,3,2 | 1,5,4,0 | 5,4,2,0 | 1,1,1,0', // ba → yx
      '2,2,3 | 1,4,4,5 | 4,4,5,2 | 1,1,1,1', // aab → xxy
      '3,3,2 | 1,5,5,4 | 5,5,4,2 | 1,1,1,1' // bba → yyx
    ])
    expect(train.x).toBeInstanceOf(Int32Array)
    expect(train.decoderInput).toBeInstanceOf(Int32Array)
    expect(train.y).toBeInstanceOf(Int32Array)
    expect(train.yMask).toBeInstanceOf(Float32Array)
    expect(train.decoderShape).toEqual([2, 4])
    expect(train.yShape).toEqual([2, 4])
    expect(task.baseline).toBeNull()
  })

  it('splits each line on its last tab', () => {
    const task = prepareSeq2Seq(
      spec({ type: 'dataset', datasetId: 1 }),
      oneFile('t.txt', 'a\tb\tc\nb\ta\td\n'),
      { seed: 1, validationSplit: 0.5 }
    )
    expect(task.steps).toBe(3) // "a\tb"
    expect((task.metadata.vocabulary as string[]).includes('\t')).toBe(true)
  })

  it('refuses a missing dataset, a line without a tab and a single pair', () => {
    const options = { seed: 1, validationSplit: 0.2 }
    expect(
      dataErrorOf(() => prepareSeq2Seq(spec({ type: 'dataset', datasetId: 1 }), null, options)).code
    ).toBe('NOT_FOUND')
    const noTab = dataErrorOf(() =>
      prepareSeq2Seq(
        spec({ type: 'dataset', datasetId: 1 }),
        oneFile('n.txt', 'ab\txy\nno tab\n'),
        options
      )
    )
    expect(noTab.code).toBe('BAD_LINE')
    const single = dataErrorOf(() =>
      prepareSeq2Seq(
        spec({ type: 'dataset', datasetId: 1 }),
        oneFile('s.txt', 'ab\txy\nab\txy\n'),
        options
      )
    )
    expect(single.code).toBe('TOO_SHORT')
  })
})

describe('date generator', () => {
  it('writes one day in every format, none ambiguous', () => {
    const sunday = { year: 2023, month: 0, day: 15, weekday: 0 } // 15 January 2023 was a Sunday
    expect(DATE_FORMATS.map((format) => format(sunday))).toEqual([
      'Sunday, January 15, 2023',
      'January 15, 2023',
      'Jan 15, 2023',
      'jan 15 2023',
      'JANUARY 15, 2023',
      '15 January 2023',
      '15 Jan 2023',
      'Sun 15 Jan 2023',
      '15th of January, 2023',
      '15-Jan-2023',
      '15.01.2023',
      '2023/01/15'
    ])
    const ordinal = DATE_FORMATS[8]
    const days = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31]
    expect(
      days.map((day) => ordinal({ year: 2000, month: 2, day, weekday: 0 }).split(' ')[0])
    ).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '31st'])
  })

  it('generates distinct inputs whose target is their ISO date, 1950–2050', () => {
    const pairs = generateDates(2000, new Random(1))
    expect(pairs).toHaveLength(2000)
    expect(new Set(pairs.map((p) => p.source)).size).toBe(2000)
    const wrong = pairs.filter(({ source, target }) => {
      const date = new Date(`${target}T00:00:00Z`)
      const year = date.getUTCFullYear()
      const day = {
        year,
        month: date.getUTCMonth(),
        day: date.getUTCDate(),
        weekday: date.getUTCDay()
      }
      return (
        date.toISOString().slice(0, 10) !== target ||
        year < 1950 ||
        year > 2050 ||
        !DATE_FORMATS.some((f) => f(day) === source)
      )
    })
    expect(wrong).toEqual([])
  })

  it('prepares dates with validation inputs never seen in training, the same for a seed', () => {
    const prepare = (seed: number) =>
      prepareSeq2Seq(spec({ type: 'dates', examples: 1000 }), null, { seed, validationSplit: 0.1 })
    const task = prepare(5)
    expect([task.trainSize, task.validationSize]).toEqual([900, 100])
    expect(task.metadata.maxTargetLength).toBe(10)
    expect(task.decoder?.maxSteps).toBe(11)
    const { train, validation } = all(task)
    const seen = new Set(sources(task, train))
    const held = validation.flatMap((b) => sources(task, b))
    expect(held).toHaveLength(100)
    expect(held.filter((s) => seen.has(s))).toEqual([])
    expect(prepare(5).validationBatches(50).map(plain)).toEqual(
      task.validationBatches(50).map(plain)
    )
    expect(prepare(6).validationBatches(50).map(plain)).not.toEqual(
      task.validationBatches(50).map(plain)
    )
  })
})

describe('addition generator', () => {
  it('lists all 100 one-digit questions when asked for at least half of them', () => {
    const pairs = generateAdditions(20_000, 1, new Random(1))
    expect(pairs).toHaveLength(100)
    expect(new Set(pairs.map((p) => p.source)).size).toBe(100)
    expect(pairs.filter(({ source, target }) => sumOf(source) !== Number(target))).toEqual([])
  })

  it('draws distinct questions with operands below 10^digits', () => {
    const pairs = generateAdditions(500, 3, new Random(2))
    expect(new Set(pairs.map((p) => p.source)).size).toBe(500)
    expect(pairs.every((p) => /^\d{1,3}\+\d{1,3}$/.test(p.source))).toBe(true)
    expect(pairs.filter(({ source, target }) => sumOf(source) !== Number(target))).toEqual([])
  })

  it('prepares two-digit addition: 13 input symbols, 14 target symbols', () => {
    const task = prepareSeq2Seq(spec({ type: 'addition', digits: 2, examples: 1000 }), null, {
      seed: 1,
      validationSplit: 0.1
    })
    expect(task.steps).toBe(5) // "99+99"
    expect(task.input).toEqual({ type: 'tokens', vocabSize: 13, padded: true }) // pad unk + 0-9
    expect(task.decoder).toEqual({ vocabSize: 14, startToken: 1, endToken: 2, maxSteps: 4 })
    const [batch] = task.validationBatches(8)
    expect(batch.xShape).toEqual([8, 5])
    expect(batch.decoderShape).toEqual([8, 4])
  })
})
