import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DatasetStats,
  type CsvStats,
  type LabelledStats,
  type TextStats
} from '../../shared/domain/dataset'
import type { DatasetFiles } from './read-files'
import { inspectDataset } from './inspect'
import { parseLabelledLines } from './labelled'
import { dataErrorOf, samplePath, utf8 } from './test-helpers'

/** A sample file as a one-file source (read synchronously; the async reader has its own tests). */
function sampleFile(relative: string): DatasetFiles {
  const path = samplePath(relative)
  return { name: basename(path), files: [{ name: basename(path), bytes: readFileSync(path) }] }
}

const NAME_FILES = [
  'Arabic',
  'Chinese',
  'Czech',
  'Dutch',
  'English',
  'French',
  'German',
  'Greek',
  'Irish',
  'Italian',
  'Japanese',
  'Korean',
  'Polish',
  'Portuguese',
  'Russian',
  'Scottish',
  'Spanish',
  'Vietnamese'
]

function namesFolder(): DatasetFiles {
  return {
    name: 'names-by-language',
    files: NAME_FILES.map((n) => ({
      name: `${n}.txt`,
      bytes: readFileSync(samplePath(`names-by-language/${n}.txt`))
    }))
  }
}

function memory(files: Record<string, string>, name = 'mem'): DatasetFiles {
  return { name, files: Object.entries(files).map(([n, text]) => ({ name: n, bytes: utf8(text) })) }
}

/** Inspects and checks the stats against the shared schema, as the backend will. */
function inspect(source: DatasetFiles, hint?: Parameters<typeof inspectDataset>[1]) {
  const result = inspectDataset(source, hint)
  expect(DatasetStats.parse(result.stats)).toEqual(result.stats)
  expect(result.stats.kind).toBe(result.kind)
  return result
}

// Expected numbers were checked independently with python3 (see the SOURCE.md files).
describe('inspectDataset on the samples', () => {
  it('tiny-shakespeare: text, 1,115,394 characters, 65 distinct, 40,000 lines', () => {
    const { kind, stats } = inspect(sampleFile('tiny-shakespeare/input.txt'))
    expect(kind).toBe('text')
    const text = stats as TextStats
    expect(text).toMatchObject({
      characters: 1_115_394,
      lines: 40_000,
      words: 202_651,
      vocabularySize: 65,
      lineEndings: 'lf'
    })
    expect(text.rarestCharacters.slice(0, 4)).toEqual([
      { char: '$', count: 1 },
      { char: '&', count: 3 },
      { char: '3', count: 27 },
      { char: 'X', count: 112 }
    ])
  })

  it('names-by-language: class folder, 20,050 names, 18 classes, Russian largest', () => {
    const { kind, stats } = inspect(namesFolder())
    expect(kind).toBe('class-folder')
    const s = stats as LabelledStats
    expect(s.examples).toBe(20_050)
    expect(s.classes).toHaveLength(18)
    expect(s.classes[0]).toEqual({ label: 'Russian', count: 9384 })
    expect(s.classes.at(-1)).toEqual({ label: 'Vietnamese', count: 73 })
    // 17,455 distinct lines as stored; trimming the 10 trailing spaces merges 5 of them.
    expect(s.distinctExamples).toBe(17_450)
    expect(s.maxLength).toBe(20)
    expect(s.vocabularySize).toBe(83)
  })

  it('amazon sentiment: labelled, 1,000 examples, 500 per class', () => {
    const { kind, stats } = inspect(
      sampleFile('sentiment-labelled-sentences/amazon_cells_labelled.txt')
    )
    expect(kind).toBe('labelled')
    expect(stats).toEqual({
      kind: 'labelled',
      examples: 1000,
      classes: [
        { label: '0', count: 500 },
        { label: '1', count: 500 }
      ],
      distinctExamples: 990,
      maxLength: 149,
      vocabularySize: 83
    })
  })

  it('imdb sentiment: 1,000 rows despite unbalanced quotes, U+0085 kept, spaces trimmed', () => {
    const source = sampleFile('sentiment-labelled-sentences/imdb_labelled.txt')
    const { kind, stats } = inspect(source)
    expect(kind).toBe('labelled')
    expect(stats).toMatchObject({ examples: 1000, distinctExamples: 997, maxLength: 477 })
    const examples = parseLabelledLines(new TextDecoder().decode(source.files[0].bytes), 'imdb')
    expect(examples.filter((e) => e.text.includes('\u0085'))).toHaveLength(2)
    expect(examples.filter((e) => e.text.includes('"')).length).toBeGreaterThan(0)
    expect(examples.every((e) => e.text === e.text.trim())).toBe(true)
  })

  it('airline passengers: 144 monthly rows, quoted dates, no gaps', () => {
    const { kind, stats } = inspect(sampleFile('airline-passengers/airline-passengers.csv'))
    expect(kind).toBe('csv')
    const csv = stats as CsvStats
    expect(csv.rows).toBe(144)
    expect(csv.dateColumn).toBe('Month')
    expect(csv.dateGaps).toEqual([])
    expect(csv.columns).toEqual([
      { name: 'Month', type: 'date', missing: 0 },
      {
        name: 'Passengers',
        type: 'numeric',
        missing: 0,
        min: 104,
        max: 622,
        mean: expect.closeTo(280.2986, 4)
      }
    ])
    expect(csv.preview).toHaveLength(144)
    expect(csv.preview.slice(0, 3)).toEqual([112, 118, 132])
    expect(csv.preview.at(-1)).toBe(432)
  })

  it.each([
    ['daily-min-temperatures.csv', 'Temp', 0, 26.3, 11.1778],
    ['daily-max-temperatures.csv', 'Temperature', 7, 43.3, 20.0092]
  ])('melbourne %s: 3,650 rows, the two missing days', (file, column, min, max, mean) => {
    const { stats } = inspect(sampleFile(`melbourne-temperatures/${file}`))
    const csv = stats as CsvStats
    expect(csv.rows).toBe(3650)
    expect(csv.dateColumn).toBe('Date')
    expect(csv.dateGaps).toEqual(['1984-12-31', '1988-12-31'])
    expect(csv.columns[1]).toEqual({
      name: column,
      type: 'numeric',
      missing: 0,
      min,
      max,
      mean: expect.closeTo(mean, 4)
    })
    expect(csv.preview).toHaveLength(200)
  })

  it('beijing-pm25: 43,824 rows, 2,067 NA in pm2.5, cbwd categorical', () => {
    const { kind, stats } = inspect(sampleFile('beijing-pm25/pollution.csv'))
    expect(kind).toBe('csv')
    const csv = stats as CsvStats
    expect(csv.rows).toBe(43_824)
    expect(csv.columns.map((c) => c.name)).toEqual([
      'No',
      'year',
      'month',
      'day',
      'hour',
      'pm2.5',
      'DEWP',
      'TEMP',
      'PRES',
      'cbwd',
      'Iws',
      'Is',
      'Ir'
    ])
    expect(csv.columns.filter((c) => c.type !== 'numeric').map((c) => c.name)).toEqual(['cbwd'])
    const byName = new Map(csv.columns.map((c) => [c.name, c]))
    expect(byName.get('pm2.5')).toMatchObject({ missing: 2067, min: 0, max: 994 })
    expect(byName.get('cbwd')).toEqual({
      name: 'cbwd',
      type: 'categorical',
      missing: 0,
      categories: ['SE', 'NW', 'cv', 'NE']
    })
    expect(byName.get('Iws')).toMatchObject({ min: 0.45, max: 585.6 })
    // The timestamp is split over year/month/day/hour, so no date column and no gaps.
    expect(csv.dateColumn).toBeUndefined()
    expect(csv.dateGaps).toEqual([])
    // The preview shows pm2.5 (not the row counter "No"); its first rows are NA.
    expect(csv.preview).toHaveLength(200)
    expect(csv.preview[0]).toBeNull()
    expect(csv.preview.some((v) => v !== null && v > 100)).toBe(true)
  })

  it('the sentiment folder: both files read as one labelled set', () => {
    const source: DatasetFiles = {
      name: 'sentiment-labelled-sentences',
      files: ['amazon_cells_labelled.txt', 'imdb_labelled.txt'].map((n) => ({
        name: n,
        bytes: readFileSync(samplePath(`sentiment-labelled-sentences/${n}`))
      }))
    }
    const { kind, stats } = inspect(source)
    expect(kind).toBe('labelled')
    expect(stats).toMatchObject({
      examples: 2000,
      classes: [
        { label: '0', count: 1000 },
        { label: '1', count: 1000 }
      ]
    })
  })
})

describe('inspectDataset refusals and hints', () => {
  it('refuses labelled text with only one class', () => {
    const source = memory({ 'pos.txt': 'Great.\t1\nLovely.\t1\nSuperb!\t1\n' })
    const err = dataErrorOf(() => inspectDataset(source))
    expect(err.code).toBe('ONE_CLASS')
    expect(err.message).toContain('pos.txt has only one class ("1")')
  })

  it('refuses a class folder with one class', () => {
    const err = dataErrorOf(() =>
      inspectDataset(memory({ 'Greek.txt': 'Adamidis\n' }), 'class-folder')
    )
    expect(err.code).toBe('ONE_CLASS')
  })

  it('refuses a class folder with an empty file, naming folder and file', () => {
    const source = memory({ 'Korean.txt': 'Ahn\n', 'Greek.txt': '\n' }, 'names')
    const err = dataErrorOf(() => inspectDataset(source))
    expect(err.code).toBe('EMPTY_CLASS')
    expect(err.message).toMatch(/^names\/Greek\.txt is empty: every class file needs/)
  })

  it('refuses a 0-byte file in a folder, naming it', () => {
    const source = {
      name: 'names',
      files: [
        { name: 'Greek.txt', bytes: new Uint8Array(0) },
        { name: 'Irish.txt', bytes: utf8('Ahearn\n') }
      ]
    }
    const err = dataErrorOf(() => inspectDataset(source))
    expect(err.code).toBe('EMPTY')
    expect(err.message).toContain('names/Greek.txt is empty')
  })

  it('passes decoding refusals through', () => {
    const png = {
      name: 'pic',
      files: [
        {
          name: 'pic.txt',
          bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])
        }
      ]
    }
    expect(dataErrorOf(() => inspectDataset(png)).code).toBe('BINARY')
  })

  it('refuses a too-short text corpus and a CSV with only text columns', () => {
    expect(dataErrorOf(() => inspectDataset(memory({ 'tiny.txt': 'Hello there.\n' }))).code).toBe(
      'TOO_SHORT'
    )
    const err = dataErrorOf(() => inspectDataset(memory({ 'people.csv': 'name,city\nAnn,Oslo\n' })))
    expect(err.code).toBe('NO_NUMERIC_COLUMNS')
  })

  it('refuses a ragged CSV and one with duplicated headers', () => {
    expect(
      dataErrorOf(() => inspectDataset(memory({ 'r.csv': 'a,b\r\n1,2\r\n3\r\n' }))).message
    ).toContain('r.csv line 3')
    expect(dataErrorOf(() => inspectDataset(memory({ 'd.csv': 'a,a\n1,2\n' }))).code).toBe(
      'DUPLICATE_HEADER'
    )
  })

  it('refuses a CSV hint for several files and a source without files', () => {
    const two = memory({ 'a.csv': 'x\n1\n', 'b.csv': 'x\n2\n' })
    expect(dataErrorOf(() => inspectDataset(two, 'csv')).code).toBe('UNRECOGNISED')
    expect(dataErrorOf(() => inspectDataset({ name: 'none', files: [] })).code).toBe('EMPTY')
  })

  it('follows a hint over detection', () => {
    const labelled = memory({ 'l.txt': 'Good one.\t1\nBad one.\t0\n'.repeat(10) })
    expect(inspect(labelled).kind).toBe('labelled')
    const asText = inspect(labelled, 'text')
    expect(asText.kind).toBe('text')
    expect(asText.stats).toMatchObject({ lines: 20 })
  })

  it('joins several files into one corpus for a text hint', () => {
    const source = memory({ 'a.txt': 'x'.repeat(60), 'b.txt': 'y'.repeat(60) + '\n' })
    expect(inspect(source, 'text').stats).toMatchObject({ characters: 122, lines: 2 })
  })
})
