import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import type * as FsPromises from 'node:fs/promises'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { inspectDataset } from './inspect'
import { readDatasetSource } from './read-files'
import { asyncDataErrorOf, samplePath } from './test-helpers'

// readFile is wrapped in a spy so a test can prove an oversized file was never read.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>()
  return { ...actual, readFile: vi.fn(actual.readFile) }
})

let root = ''

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rnn-studio-read-'))
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

beforeEach(() => {
  vi.mocked(readFile).mockClear()
})

describe('readDatasetSource on a file', () => {
  it('reads the bytes and names the dataset after the file', async () => {
    const source = await readDatasetSource(samplePath('airline-passengers/airline-passengers.csv'))
    expect(source.name).toBe('airline-passengers')
    expect(source.files).toHaveLength(1)
    expect(source.files[0].name).toBe('airline-passengers.csv')
    expect(source.files[0].bytes.length).toBe(2180)
    expect(source.files[0].bytes).toBeInstanceOf(Uint8Array)
  })

  it('works with spaces and non-ASCII characters in the path', async () => {
    const dir = join(root, 'my data — Ünïcödé 日本')
    mkdirSync(dir)
    const file = join(dir, 'corpus café ✓.txt')
    writeFileSync(file, 'a line of text\n'.repeat(10))
    const source = await readDatasetSource(file)
    expect(source.name).toBe('corpus café ✓')
    expect(source.files[0].name).toBe('corpus café ✓.txt')
    expect(inspectDataset(source).stats).toMatchObject({ kind: 'text', lines: 10 })
  })

  it('refuses a missing path with NOT_FOUND', async () => {
    const err = await asyncDataErrorOf(readDatasetSource(join(root, 'nope', 'missing.txt')))
    expect(err.code).toBe('NOT_FOUND')
    expect(err.message).toContain('does not exist')
  })

  it('refuses a file over the default 256 MiB limit without reading it', async () => {
    const big = join(root, 'big sparse.txt')
    writeFileSync(big, '')
    truncateSync(big, 300 * 1024 * 1024) // sparse: nothing is written to disk
    const err = await asyncDataErrorOf(readDatasetSource(big))
    expect(err.code).toBe('TOO_LARGE')
    expect(err.message).toContain('300 MiB (314,572,800 bytes)')
    expect(err.message).toContain('over the 256 MiB')
    expect(readFile).not.toHaveBeenCalled()
  })

  it('honours a smaller maxBytes and accepts a file exactly at the limit', async () => {
    const file = join(root, 'hundred.txt')
    writeFileSync(file, 'x'.repeat(100))
    const err = await asyncDataErrorOf(readDatasetSource(file, { maxBytes: 99 }))
    expect(err.code).toBe('TOO_LARGE')
    expect(err.message).toContain('100 bytes, over the 99 bytes limit')
    expect(readFile).not.toHaveBeenCalled()
    const ok = await readDatasetSource(file, { maxBytes: 100 })
    expect(ok.files[0].bytes.length).toBe(100)
    expect(readFile).toHaveBeenCalledTimes(1) // the spy is live, so "not called" above means something
  })
})

describe('readDatasetSource on a folder', () => {
  it('reads the sorted .txt files, skipping docs, dotfiles, other types and subfolders', async () => {
    const dir = join(root, 'classes')
    mkdirSync(join(dir, 'sub'), { recursive: true })
    for (const name of ['b.txt', 'a.txt', 'B.txt', 'README.md', 'readme.txt', 'LICENSE']) {
      writeFileSync(join(dir, name), 'x\n')
    }
    for (const name of ['.hidden.txt', 'SOURCE.md', 'notes.csv', 'sub/c.txt']) {
      writeFileSync(join(dir, name), 'x\n')
    }
    const source = await readDatasetSource(dir)
    expect(source.name).toBe('classes')
    expect(source.files.map((f) => f.name)).toEqual(['B.txt', 'a.txt', 'b.txt'])
  })

  it('reads the names-by-language sample: 18 class files, SOURCE.md left out', async () => {
    const source = await readDatasetSource(samplePath('names-by-language'))
    expect(source.name).toBe('names-by-language')
    expect(source.files).toHaveLength(18)
    expect(source.files[0].name).toBe('Arabic.txt')
    expect(source.files.reduce((n, f) => n + f.bytes.length, 0)).toBe(163_419)
  })

  it('leaves the sentiment readme.txt out', async () => {
    const source = await readDatasetSource(samplePath('sentiment-labelled-sentences'))
    expect(source.files.map((f) => f.name)).toEqual([
      'amazon_cells_labelled.txt',
      'imdb_labelled.txt'
    ])
  })

  it('refuses a folder whose files add up to more than maxBytes, reading none', async () => {
    const dir = join(root, 'two files')
    mkdirSync(dir)
    writeFileSync(join(dir, 'one.txt'), 'x'.repeat(60))
    writeFileSync(join(dir, 'two.txt'), 'y'.repeat(60))
    const err = await asyncDataErrorOf(readDatasetSource(dir, { maxBytes: 100 }))
    expect(err.code).toBe('TOO_LARGE')
    expect(err.message).toContain('120 bytes')
    expect(readFile).not.toHaveBeenCalled()
  })

  it('refuses a folder without .txt files', async () => {
    const dir = join(root, 'no text')
    mkdirSync(dir)
    writeFileSync(join(dir, 'README.md'), '# nothing')
    const err = await asyncDataErrorOf(readDatasetSource(dir))
    expect(err.code).toBe('EMPTY')
    expect(err.message).toContain('has no .txt files')
  })
})
