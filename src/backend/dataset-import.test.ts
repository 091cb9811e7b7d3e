import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import type { StudioMethod, StudioOutput } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import { IMPORT_CHUNK_BYTES } from '../shared/api/imports'
import { DatasetImports } from './dataset-import'
import { dispatchRequest } from './dispatch'
import { openStudio, type Studio } from './studio'

let home: ReturnType<typeof tempHome>
let studio: Studio
let events: string[]

/** A studio without samples (resourcesDir has none): quicker, and its store starts empty. */
async function start(): Promise<Studio> {
  const opened = await openStudio({
    home: home.path,
    resourcesDir: join(home.path, 'no-resources'),
    version: '0',
    probeBackend: async () => ({ selected: 'cpu', forced: true, probes: [] })
  })
  events = []
  opened.events.on((event) => events.push(event))
  return opened
}

/** Calls through the dispatcher every transport uses, so the contract's validation applies. */
async function call<M extends StudioMethod>(method: M, input: unknown): Promise<StudioOutput<M>> {
  const reply = await dispatchRequest(studio.service, method, input)
  if (!reply.ok) throw ApiError.fromData(reply.error)
  return reply.output as StudioOutput<M>
}

interface Upload {
  name: string
  bytes: Uint8Array
}

/** begin → every file in IMPORT_CHUNK_BYTES chunks → finish, as the UI does it. */
async function importFiles(
  files: Upload[],
  folder?: string
): Promise<StudioOutput<'finishImport'>> {
  const { importId } = await call('beginImport', {
    folder,
    files: files.map((f) => ({ name: f.name, size: f.bytes.byteLength }))
  })
  for (const [fileIndex, file] of files.entries()) {
    for (let offset = 0; offset < file.bytes.byteLength; offset += IMPORT_CHUNK_BYTES) {
      const chunk = file.bytes.subarray(offset, offset + IMPORT_CHUNK_BYTES)
      const base64 = Buffer.from(chunk).toString('base64')
      await call('uploadChunk', { importId, fileIndex, offset, base64 })
    }
  }
  return call('finishImport', { importId })
}

function stagingDir(): string {
  return join(home.path, 'imports', String(process.pid))
}

/** What a refused import must leave behind: nothing. */
async function expectNothingLeft(): Promise<void> {
  expect(await call('listDatasets', {})).toEqual([])
  expect(existsSync(join(home.path, 'datasets'))).toBe(false)
  expect(existsSync(stagingDir()) ? readdirSync(stagingDir()) : []).toEqual([])
  expect(events).toEqual([])
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

const b64 = (text: string): string => Buffer.from(text).toString('base64')

beforeEach(async () => {
  home = tempHome()
  studio = await start()
})
afterEach(() => {
  studio.close()
  home.remove()
})

describe('dataset import by upload', () => {
  it('round-trips a chunked corpus byte for byte, keeps it in the home and registers it once', async () => {
    // 50,000 lines × 24 bytes = 1,200,000 bytes = 3 chunks (524,288 + 524,288 + 151,424); the
    // second boundary (1,048,576 = 43,690 lines + 16 bytes) cuts the 3-byte "—" after 2 bytes.
    const line = 'héllo wörld — 12345\n' // 20 code points, 24 bytes
    const bytes = new TextEncoder().encode(line.repeat(50_000))
    expect(bytes.byteLength).toBe(1_200_000)
    expect(bytes.subarray(1_048_574, 1_048_577)).toEqual(new TextEncoder().encode('—'))

    const { dataset, created } = await importFiles([{ name: 'corpus.txt', bytes }])

    expect(created).toBe(true)
    expect(dataset).toMatchObject({ name: 'corpus', kind: 'text', sizeBytes: 1_200_000 })
    expect(dataset.stats).toMatchObject({ kind: 'text', characters: 1_000_000, lines: 50_000 })
    expect(dataset.sourcePath).toBe(join(home.path, 'datasets', dataset.contentHash, 'corpus.txt'))
    expect(Buffer.compare(readFileSync(dataset.sourcePath), bytes)).toBe(0)
    expect(readdirSync(stagingDir())).toEqual([])
    expect(events).toEqual(['datasetsChanged'])
    expect(await call('listDatasets', {})).toEqual([dataset])
  })

  it('returns the existing dataset for the same content, uploaded or added by path', async () => {
    const bytes = new TextEncoder().encode('To be, or not to be, that is the question.\n'.repeat(5))
    const first = await importFiles([{ name: 'hamlet.txt', bytes }])
    const again = await importFiles([{ name: 'hamlet.txt', bytes }])

    expect(again).toEqual({ dataset: first.dataset, created: false })
    expect(events).toEqual(['datasetsChanged'])
    expect(readdirSync(join(home.path, 'datasets'))).toEqual([first.dataset.contentHash])

    const original = join(home.path, 'hamlet.txt')
    writeFileSync(original, bytes)
    expect((await studio.addDatasetFromPath(original)).id).toBe(first.dataset.id)
  })

  it('imports a folder of three class files as class-folder data', async () => {
    const classes = {
      'Dutch.txt': 'de Vries\nJansen\nBakker\n',
      'Greek.txt': 'Papadopoulos\nGeorgiou\n',
      'Irish.txt': "O'Brien\nMurphy\nKelly\nWalsh\n"
    }
    const files = Object.entries(classes).map(([name, text]) => ({
      name,
      bytes: new TextEncoder().encode(text)
    }))

    const { dataset } = await importFiles(files, 'surnames')

    expect(dataset).toMatchObject({ name: 'surnames', kind: 'class-folder' })
    expect(dataset.stats).toMatchObject({
      kind: 'class-folder',
      examples: 9,
      classes: [
        { label: 'Irish', count: 4 },
        { label: 'Dutch', count: 3 },
        { label: 'Greek', count: 2 }
      ]
    })
    expect(dataset.sourcePath).toBe(join(home.path, 'datasets', dataset.contentHash, 'surnames'))
    expect(readdirSync(dataset.sourcePath).sort()).toEqual(Object.keys(classes))
  })

  it.each([
    ['a PNG image', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['a binary file', randomBytes(4096)],
    ['UTF-16 text', Uint8Array.from(Buffer.from('\ufeffhello world, '.repeat(20), 'utf16le'))],
    ['is empty', new Uint8Array(0)],
    ['only 11 characters', new TextEncoder().encode('hello world')]
  ])('refuses %s with the engine message and leaves nothing behind', async (what, bytes) => {
    const error = await refusal(importFiles([{ name: 'data.txt', bytes }]))

    expect(error.code).toBe('UNSUPPORTED')
    expect(error.message).toContain('data.txt')
    expect(error.message).toContain(what)
    await expectNothingLeft()
  })

  it('names a refused folder by its own name, never by the staging path', async () => {
    const error = await refusal(
      importFiles([{ name: 'notes.md', bytes: new TextEncoder().encode('# notes\n') }], 'langs')
    )
    expect(error.code).toBe('UNSUPPORTED')
    expect(error.message).toMatch(/^langs has no \.txt files: /)
    await expectNothingLeft()
  })

  it('refuses names that could leave the staging folder, before creating anything', async () => {
    for (const name of ['../x', 'a/b', '..', '.', 'a\\b', 'nul\0.txt', 'tab\t.txt', '']) {
      const error = await refusal(call('beginImport', { files: [{ name, size: 1 }] }))
      expect(error.code, JSON.stringify(name)).toBe('INVALID_INPUT')
      expect(error.message).toContain('files.0.name')
    }
    const folder = await refusal(
      call('beginImport', { folder: '../up', files: [{ name: 'a.txt', size: 1 }] })
    )
    expect(folder.code).toBe('INVALID_INPUT')
    expect(existsSync(join(home.path, 'imports'))).toBe(false)
  })

  it('refuses over-large imports with TOO_LARGE before any byte is sent', async () => {
    const error = await refusal(
      call('beginImport', {
        folder: 'big',
        files: [
          { name: 'a.txt', size: 200 * 1024 * 1024 },
          { name: 'b.txt', size: 100 * 1024 * 1024 }
        ]
      })
    )
    expect(error.code).toBe('TOO_LARGE')
    expect(error.message).toMatch(/^big is 300 MiB .*, over the 256 MiB .* limit: /)
    expect(existsSync(join(home.path, 'imports'))).toBe(false)
  })

  it('refuses a chunk out of order and cancels the import', async () => {
    const { importId } = await call('beginImport', { files: [{ name: 'a.txt', size: 10 }] })
    expect(readdirSync(stagingDir())).toEqual([importId])

    const error = await refusal(
      call('uploadChunk', { importId, fileIndex: 0, offset: 5, base64: b64('abcde') })
    )
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('starts at 0, not 5')
    expect(readdirSync(stagingDir())).toEqual([])
    const gone = await refusal(
      call('uploadChunk', { importId, fileIndex: 0, offset: 0, base64: b64('abcde') })
    )
    expect(gone.code).toBe('NOT_FOUND')
  })

  it('refuses a chunk beyond the declared size, or for a file that was not declared', async () => {
    const first = await call('beginImport', { files: [{ name: 'a.txt', size: 3 }] })
    const over = await refusal(
      call('uploadChunk', {
        importId: first.importId,
        fileIndex: 0,
        offset: 0,
        base64: b64('abcd')
      })
    )
    expect(over.code).toBe('INVALID_INPUT')
    expect(over.message).toContain('declared as 3 bytes')

    const second = await call('beginImport', { files: [{ name: 'a.txt', size: 3 }] })
    const missing = await refusal(
      call('uploadChunk', { importId: second.importId, fileIndex: 1, offset: 0, base64: b64('a') })
    )
    expect(missing.code).toBe('INVALID_INPUT')
    await expectNothingLeft()
  })

  it('refuses to finish an incomplete upload', async () => {
    const { importId } = await call('beginImport', { files: [{ name: 'a.txt', size: 6 }] })
    expect(
      await call('uploadChunk', { importId, fileIndex: 0, offset: 0, base64: b64('abc') })
    ).toEqual({
      received: 3
    })
    const error = await refusal(call('finishImport', { importId }))
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toContain('a.txt has 3 of its 6 bytes')
    await expectNothingLeft()
  })

  it('deletes the staged files on cancel, and a second cancel is a no-op', async () => {
    const { importId } = await call('beginImport', { files: [{ name: 'a.txt', size: 6 }] })
    await call('uploadChunk', { importId, fileIndex: 0, offset: 0, base64: b64('abc') })
    expect(await call('cancelImport', { importId })).toEqual({})
    expect(await call('cancelImport', { importId })).toEqual({})
    await expectNothingLeft()
  })

  it('cancels an import left idle (a closed tab never says goodbye)', async () => {
    const imports = new DatasetImports({
      db: studio.db,
      datasetsDir: join(home.path, 'datasets'),
      stagingDir: join(home.path, 'imports', 'idle-test'),
      idleMs: 20
    })
    const { importId } = await imports.begin({ files: [{ name: 'a.txt', size: 6 }] })
    expect(imports.size).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(imports.size).toBe(0)
    expect(readdirSync(join(home.path, 'imports', 'idle-test'))).toEqual([])
    await expect(imports.finish({ importId })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('deletes unfinished uploads when the studio closes', async () => {
    await call('beginImport', { files: [{ name: 'a.txt', size: 6 }] })
    expect(existsSync(stagingDir())).toBe(true)
    studio.close()
    expect(existsSync(stagingDir())).toBe(false)
    studio = await start()
  })

  it("removes staging left by a dead studio at start-up, and keeps a live process's", async () => {
    studio.close()
    const dead = join(home.path, 'imports', '999999999', 'f'.repeat(32), 'files')
    const live = join(home.path, 'imports', String(process.ppid), 'e'.repeat(32), 'files')
    const junk = join(home.path, 'imports', 'not-a-pid')
    for (const dir of [dead, live, junk]) mkdirSync(dir, { recursive: true })
    writeFileSync(join(dead, 'half.txt'), 'half an upl')

    studio = await start()

    expect(readdirSync(join(home.path, 'imports'))).toEqual([String(process.ppid)])
  })
})

describe('import input validation at the dispatcher', () => {
  const importId = 'a'.repeat(32)

  it.each<[string, StudioMethod, unknown]>([
    ['no files', 'beginImport', { files: [] }],
    ['an extra field', 'beginImport', { files: [{ name: 'a.txt', size: 1 }], path: '/etc' }],
    ['a negative size', 'beginImport', { files: [{ name: 'a.txt', size: -1 }] }],
    ['a fractional size', 'beginImport', { files: [{ name: 'a.txt', size: 1.5 }] }],
    ['an unknown kind', 'beginImport', { kind: 'audio', files: [{ name: 'a.txt', size: 1 }] }],
    ['a 256-byte name', 'beginImport', { files: [{ name: 'é'.repeat(128), size: 1 }] }],
    [
      'two files without a folder',
      'beginImport',
      {
        files: [
          { name: 'a.txt', size: 1 },
          { name: 'b.txt', size: 1 }
        ]
      }
    ],
    [
      'the same name twice, up to case',
      'beginImport',
      {
        folder: 'f',
        files: [
          { name: 'A.txt', size: 1 },
          { name: 'a.txt', size: 1 }
        ]
      }
    ],
    [
      '1001 files',
      'beginImport',
      {
        folder: 'f',
        files: Array.from({ length: 1001 }, (_, i) => ({ name: `${i}.txt`, size: 1 }))
      }
    ],
    [
      'a malformed import id',
      'uploadChunk',
      { importId: '../../x', fileIndex: 0, offset: 0, base64: 'YQ==' }
    ],
    [
      'text that is not base64',
      'uploadChunk',
      { importId, fileIndex: 0, offset: 0, base64: 'a b!' }
    ],
    ['an empty chunk', 'uploadChunk', { importId, fileIndex: 0, offset: 0, base64: '' }],
    [
      'a chunk over 512 KiB',
      'uploadChunk',
      { importId, fileIndex: 0, offset: 0, base64: 'A'.repeat(699_052) }
    ],
    ['a negative offset', 'uploadChunk', { importId, fileIndex: 0, offset: -1, base64: 'YQ==' }],
    ['an uppercase id', 'finishImport', { importId: 'A'.repeat(32) }],
    ['a missing id', 'cancelImport', {}]
  ])('refuses %s with INVALID_INPUT', async (_what, method, input) => {
    const error = await refusal(call(method, input))
    expect(error.code).toBe('INVALID_INPUT')
    expect(existsSync(join(home.path, 'imports'))).toBe(false)
  })

  it('accepts a chunk of exactly 512 KiB, which fits a WebSocket frame', async () => {
    const { importId: id } = await call('beginImport', {
      files: [{ name: 'a.txt', size: IMPORT_CHUNK_BYTES }]
    })
    const base64 = Buffer.alloc(IMPORT_CHUNK_BYTES, 'a').toString('base64')
    const frame = JSON.stringify({
      seq: 1,
      method: 'uploadChunk',
      input: { importId: id, fileIndex: 0, offset: 0, base64 }
    })
    expect(frame.length).toBeLessThan(1024 * 1024)
    expect(await call('uploadChunk', { importId: id, fileIndex: 0, offset: 0, base64 })).toEqual({
      received: IMPORT_CHUNK_BYTES
    })
  })

  it('answers NOT_FOUND for an import that does not exist', async () => {
    const error = await refusal(call('finishImport', { importId }))
    expect(error.code).toBe('NOT_FOUND')
  })
})

/** Deterministic noise (a 32-bit LCG), so a failure reproduces. */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n)
  let state = 12345
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0
    out[i] = state >>> 24
  }
  return out
}
