import { describe, expect, it } from 'vitest'
import { TaskSpec } from '../../shared/domain/task'
import { dataErrorOf } from '../data/test-helpers'
import { prepareClassification, type ClassificationSpec } from './classification'
import { Random } from './random'
import { folder, oneFile, plain, readSample } from './test-helpers'
import type { Batch, PreparedTask } from './types'

function spec(fields: Partial<ClassificationSpec> = {}): ClassificationSpec {
  return TaskSpec.parse({ kind: 'classification', datasetId: 1, ...fields }) as ClassificationSpec
}

/** Rows of a token batch as `label:id,id,…` strings, sorted: a multiset that ignores order. */
function rows(batch: Batch): string[] {
  const steps = batch.xShape[1]
  return Array.from(batch.y, (label, i) => {
    const ids = Array.from(batch.x.subarray(i * steps, (i + 1) * steps))
    return `${label}:${ids.join(',')}`
  }).sort()
}

/** One whole epoch of training examples plus the validation split. */
function everything(task: PreparedTask): { train: string[]; validation: string[] } {
  const r = new Random(1)
  return {
    train: rows(task.trainBatch(task.trainSize, () => r.next(), 0)),
    validation: task.validationBatches(1000).flatMap(rows).sort()
  }
}

/** Decodes a `label:ids` row back to text with the task's vocabulary (`<unk>` as `?`). */
function decode(task: PreparedTask, row: string): string {
  const vocabulary = task.metadata.vocabulary as string[]
  const [, ids] = row.split(':')
  return ids
    .split(',')
    .map(Number)
    .filter((id) => id !== 0)
    .map((id) => (id === 1 ? '?' : vocabulary[id]))
    .join('')
}

const options = { seed: 7, validationSplit: 0.34 }
// Vocabulary a, b whatever the split; "abba" is longer than maxLength 3 and keeps "bba".
const labelled = 'ab\tpos\naab\tpos\nabba\tpos\nb\tneg\nba\tneg\nbb\tneg\n'

describe('prepareClassification', () => {
  it('pads at the start, keeps the last tokens, and labels by sorted class name', () => {
    const task = prepareClassification(spec({ maxLength: 3 }), oneFile('l.txt', labelled), options)
    expect(task.metadata.classNames).toEqual(['neg', 'pos'])
    expect(task.metadata.vocabulary).toEqual(['<pad>', '<unk>', 'a', 'b'])
    expect(task.input).toEqual({ type: 'tokens', vocabSize: 4, padded: true })
    expect(task.head).toEqual({ type: 'class', classes: 2 })
    expect(task.configuration).toBe('many-to-one')
    expect(task.steps).toBe(3)
    expect(task.trainSize).toBe(4)
    expect(task.validationSize).toBe(2)
    const { train, validation } = everything(task)
    expect([...train, ...validation].sort()).toEqual([
      '0:0,0,3', // b
      '0:0,3,2', // ba
      '0:0,3,3', // bb
      '1:0,2,3', // ab
      '1:2,2,3', // aab
      '1:3,3,2' // abba → bba
    ])
    // Stratified: one example of each class held out.
    expect(validation.map((r) => r[0]).sort()).toEqual(['0', '1'])
  })

  it('returns Int32 batches shaped [batch, steps] and [batch]', () => {
    const task = prepareClassification(spec({ maxLength: 3 }), oneFile('l.txt', labelled), options)
    const batch = task.trainBatch(3, Math.random, 0)
    expect(batch.x).toBeInstanceOf(Int32Array)
    expect(batch.y).toBeInstanceOf(Int32Array)
    expect(batch.xShape).toEqual([3, 3])
    expect(batch.yShape).toEqual([3])
  })

  it('uses only as many steps as the longest example needs', () => {
    const task = prepareClassification(spec({ maxLength: 64 }), oneFile('l.txt', labelled), options)
    expect(task.steps).toBe(4)
    expect(task.metadata.maxLength).toBe(4)
  })

  it('scores the training majority class on validation (ties go to the first class)', () => {
    const task = prepareClassification(spec({ maxLength: 3 }), oneFile('l.txt', labelled), options)
    expect(task.baseline?.name).toBe('majority class ("neg")')
    expect(task.baseline?.metrics).toEqual({ val_accuracy: 0.5 })
  })

  it('maps characters training never saw to <unk> (id 1)', () => {
    // Every example's second character is its own, so a held-out one is always unknown.
    const text = 'ax\tp\nay\tp\naz\tp\nbu\tn\nbv\tn\nbw\tn\n'
    const task = prepareClassification(spec(), oneFile('u.txt', text), options)
    const { train, validation } = everything(task)
    expect(validation.map((r) => decode(task, r)).sort()).toEqual(['a?', 'b?'])
    expect(train.every((r) => !decode(task, r).includes('?'))).toBe(true)
  })

  it('folds accents when asked, and lower-cases words at word level', () => {
    const text = 'Café crème\tfr\nCafé au lait\tfr\nCoffee black\ten\nCoffee white\ten\n'
    const folded = prepareClassification(spec({ foldAccents: true }), oneFile('f.txt', text), {
      seed: 1,
      validationSplit: 0.5
    })
    const vocabulary = folded.metadata.vocabulary as string[]
    expect(vocabulary).not.toContain('é')
    expect(vocabulary).toContain('e')
    const words = prepareClassification(spec({ tokens: 'word' }), oneFile('f.txt', text), {
      seed: 1,
      validationSplit: 0.5
    })
    const wordVocabulary = words.metadata.vocabulary as string[]
    expect(wordVocabulary).toContain('coffee')
    expect(wordVocabulary).not.toContain('Coffee')
    expect(words.metadata.lowercase).toBe(true)
  })

  it('reads a class folder: labels from file names', () => {
    const source = folder('names', {
      'Greek.txt': 'Alexiou\nPapadopoulos\nNikolaidis\n',
      'Irish.txt': "O'Brien\nMurphy \nKelly\n"
    })
    const task = prepareClassification(spec(), source, options)
    expect(task.metadata.classNames).toEqual(['Greek', 'Irish'])
    expect(task.trainSize + task.validationSize).toBe(6)
  })

  it('mixes the classes of a class folder in every validation batch, not file order', () => {
    // Mid-training evaluation reads only the first validation batches: file order would show it
    // the first class alone.
    const names = (prefix: string) =>
      Array.from({ length: 40 }, (_, i) => `${prefix}${String.fromCharCode(97 + (i % 26))}${i}`)
    const source = folder('names', {
      'A.txt': names('a').join('\n'),
      'B.txt': names('b').join('\n'),
      'C.txt': names('c').join('\n')
    })
    const task = prepareClassification(spec(), source, { seed: 3, validationSplit: 0.3 })
    const [first] = task.validationBatches(12)
    expect(new Set(first.y).size).toBe(3)
  })

  it('is deterministic for a seed and splits differently for another', () => {
    const text = Array.from({ length: 40 }, (_, i) => `w${i}\t${i % 2 ? 'odd' : 'even'}`).join('\n')
    const split = (seed: number) => {
      const task = prepareClassification(spec(), oneFile('d.txt', text), {
        seed,
        validationSplit: 0.25
      })
      return task.validationBatches(100).map(plain)
    }
    expect(split(1)).toEqual(split(1))
    expect(split(1)).not.toEqual(split(2))
  })

  it('refuses one class, a class with a single example, an empty class file and plain text', () => {
    const one = dataErrorOf(() =>
      prepareClassification(spec(), oneFile('o.txt', 'a\tx\nb\tx\n'), options)
    )
    expect(one.code).toBe('ONE_CLASS')
    const single = dataErrorOf(() =>
      prepareClassification(spec(), oneFile('s.txt', 'a\tx\nb\tx\nc\tsolo\n'), options)
    )
    expect(single.code).toBe('TOO_SHORT')
    expect(single.message).toContain('"solo" (1 example)')
    const empty = dataErrorOf(() =>
      prepareClassification(spec(), folder('n', { 'A.txt': 'x\ny\n', 'B.txt': '\n\n' }), options)
    )
    expect(empty.code).toBe('EMPTY_CLASS')
    const prose = dataErrorOf(() =>
      prepareClassification(spec(), oneFile('p.txt', 'Just some prose.\nMore of it.\n'), options)
    )
    expect(prose.code).toBe('UNRECOGNISED')
    expect(prose.message).toContain('text<TAB>label')
  })

  it('prepares names-by-language: 18 classes, repeated names never cross the split', async () => {
    const source = await readSample('names-by-language')
    const task = prepareClassification(spec({ maxLength: 20, foldAccents: true }), source, {
      seed: 42,
      validationSplit: 0.1
    })
    expect(task.metadata.classNames).toHaveLength(18)
    expect((task.metadata.classNames as string[])[0]).toBe('Arabic')
    expect(task.trainSize + task.validationSize).toBe(20_050)
    expect(task.validationSize / 20_050).toBeCloseTo(0.1, 2)
    expect(task.steps).toBe(20)
    const { train, validation } = everything(task)
    const trainRows = new Set(train)
    expect(validation.filter((r) => trainRows.has(r))).toEqual([])
    // Russian is 47% of the lines.
    expect(task.baseline?.name).toBe('majority class ("Russian")')
    expect(task.baseline?.metrics.val_accuracy).toBeGreaterThan(0.4)
    expect(task.baseline?.metrics.val_accuracy).toBeLessThan(0.55)
  })

  it('prepares the Amazon sentiment sentences: 2 balanced classes', async () => {
    const source = await readSample('sentiment-labelled-sentences/amazon_cells_labelled.txt')
    const task = prepareClassification(spec({ tokens: 'word', maxLength: 40 }), source, {
      seed: 42,
      validationSplit: 0.2
    })
    expect(task.metadata.classNames).toEqual(['0', '1'])
    expect(task.trainSize + task.validationSize).toBe(1000)
    expect(task.baseline?.metrics.val_accuracy).toBeCloseTo(0.5, 1)
    expect(task.validationBatches(32)[0].xShape).toEqual([32, task.steps])
  })
})
