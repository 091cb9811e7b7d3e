import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../../shared/api/errors'
import { IMPORT_CHUNK_BYTES, type FinishedImport } from '../../../../shared/api/imports'
import { deferred, fakeClient, type FakeHandlers } from '../testing/fake-client'
import { textDataset } from '../testing/fixtures'
import { describeProblem, ImportsState } from './imports.svelte'

const importId = 'c'.repeat(32)
const finished: FinishedImport = { dataset: textDataset({ isSample: false }), created: true }

/** Handlers that accept everything; a test overrides the step it is about. */
function handlers(overrides: FakeHandlers = {}): FakeHandlers {
  return {
    beginImport: () => ({ importId }),
    uploadChunk: (input) => ({ received: (input as { offset: number }).offset }),
    finishImport: () => finished,
    cancelImport: () => ({}),
    ...overrides
  }
}

function decode(base64: string): number[] {
  return [...atob(base64)].map((c) => c.charCodeAt(0))
}

/** Lets pending promise callbacks (and FileReader's queued load) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('ImportsState', () => {
  it('uploads a file in 512 KiB chunks in order, reporting progress, then holds the dataset', async () => {
    // 524,288 + 10 bytes: two chunks; byte i is i mod 251, so a misplaced chunk shows.
    const bytes = Uint8Array.from({ length: IMPORT_CHUNK_BYTES + 10 }, (_, i) => i % 251)
    const firstChunk = deferred<{ received: number }>()
    const fake = fakeClient(
      handlers({
        uploadChunk: (input) =>
          (input as { offset: number }).offset === 0 ? firstChunk.promise : { received: 0 }
      })
    )
    const state = new ImportsState(fake.client)

    const done = state.start({ files: [new File([bytes], 'corpus.txt')] })
    expect(state.phase).toBe('uploading')
    expect(state.label).toBe('corpus.txt')
    expect(state.busy).toBe(true)
    await settle()
    expect(state.progress).toBe(0)

    firstChunk.resolve({ received: IMPORT_CHUNK_BYTES })
    await done

    expect(state.phase).toBe('done')
    expect(state.sentBytes).toBe(IMPORT_CHUNK_BYTES + 10)
    expect(state.progress).toBe(1)
    expect(state.result).toEqual(finished)
    expect(fake.calls.map((c) => c.method)).toEqual([
      'beginImport',
      'uploadChunk',
      'uploadChunk',
      'finishImport'
    ])
    expect(fake.calls[0].input).toEqual({
      folder: undefined,
      files: [{ name: 'corpus.txt', size: IMPORT_CHUNK_BYTES + 10 }]
    })
    const chunks = fake.calls.slice(1, 3).map((c) => c.input as Record<string, unknown>)
    expect(chunks.map((c) => [c.importId, c.fileIndex, c.offset])).toEqual([
      [importId, 0, 0],
      [importId, 0, IMPORT_CHUNK_BYTES]
    ])
    const sent = chunks.flatMap((c) => decode(c.base64 as string))
    expect(sent).toEqual([...bytes])
  })

  it('shows a refusal as headline, what is wrong and what to do, and drops the import', async () => {
    const fake = fakeClient(
      handlers({
        finishImport: () => {
          throw new ApiError(
            'UNSUPPORTED',
            'photo.png is a PNG image, not text: export the data as a UTF-8 .txt or .csv file and import that instead.',
            { reason: 'BINARY' }
          )
        }
      })
    )
    const state = new ImportsState(fake.client)

    await state.start({ files: [new File(['\x89PNG'], 'photo.png')] })

    expect(state.phase).toBe('failed')
    expect(state.busy).toBe(false)
    expect(state.problem).toEqual({
      title: 'Not a text file',
      message: 'photo.png is a PNG image, not text.',
      advice: 'Export the data as a UTF-8 .txt or .csv file and import that instead.'
    })
    expect(fake.calls.at(-1)).toEqual({ method: 'cancelImport', input: { importId } })

    state.dismiss()
    expect(state.phase).toBe('idle')
    expect(state.problem).toBeNull()
  })

  it('stops sending when cancelled and tells the backend to drop the import', async () => {
    const chunk = deferred<{ received: number }>()
    const fake = fakeClient(handlers({ uploadChunk: () => chunk.promise }))
    const state = new ImportsState(fake.client)
    const bytes = new Uint8Array(IMPORT_CHUNK_BYTES * 2)

    const done = state.start({ files: [new File([bytes], 'big.txt')] })
    await settle()
    state.cancel()
    expect(state.phase).toBe('idle')
    chunk.resolve({ received: IMPORT_CHUNK_BYTES })
    await done

    expect(fake.calls.map((c) => c.method)).toEqual(['beginImport', 'uploadChunk', 'cancelImport'])
    expect(state.result).toBeNull()
  })

  it('resends a rate-limited chunk, and ignores a second import while one is under way', async () => {
    let refusals = 1
    const fake = fakeClient(
      handlers({
        uploadChunk: () => {
          if (refusals-- > 0) throw new ApiError('RATE_LIMITED', 'Too many requests; slow down.')
          return { received: 3 }
        }
      })
    )
    const state = new ImportsState(fake.client, { retryDelayMs: 1 })

    const done = state.start({ files: [new File(['abc'], 'a.txt')] })
    await state.start({ files: [new File(['xyz'], 'b.txt')] })
    await done

    expect(state.phase).toBe('done')
    expect(fake.calls.map((c) => c.method)).toEqual([
      'beginImport',
      'uploadChunk',
      'uploadChunk',
      'finishImport'
    ])
  })

  it('sends the files of a folder with the folder name, and a refusal before any call', async () => {
    const fake = fakeClient(handlers())
    const state = new ImportsState(fake.client)
    await state.start({
      folder: 'names',
      files: [new File(['Anna\n'], 'Dutch.txt'), new File(['Eleni\n'], 'Greek.txt')]
    })
    expect(fake.calls[0].input).toEqual({
      folder: 'names',
      files: [
        { name: 'Dutch.txt', size: 5 },
        { name: 'Greek.txt', size: 6 }
      ]
    })
    expect(state.label).toBe('names')

    state.refuse({ title: 'One at a time', message: 'Several items.', advice: null })
    expect(state.phase).toBe('failed')
    expect(state.problem?.title).toBe('One at a time')
  })
})

describe('describeProblem', () => {
  it('splits after the file name, which may hold a colon itself', () => {
    const error = new ApiError(
      'UNSUPPORTED',
      'notes: v2.txt is empty: there is nothing to learn from; pick a file with data in it.',
      { reason: 'EMPTY' }
    )
    expect(describeProblem(error, 'notes: v2.txt')).toEqual({
      title: 'Nothing to learn from',
      message: 'notes: v2.txt is empty.',
      advice: 'There is nothing to learn from; pick a file with data in it.'
    })
  })

  it('shows protocol errors and plain failures whole', () => {
    const invalid = new ApiError(
      'INVALID_INPUT',
      'Invalid input for beginImport: files.0.name: bad'
    )
    expect(describeProblem(invalid, 'x')).toEqual({
      title: 'Could not import',
      message: 'Invalid input for beginImport: files.0.name: bad',
      advice: null
    })
    expect(describeProblem(new Error('Lost the connection.'), 'x').message).toBe(
      'Lost the connection.'
    )
  })
})
