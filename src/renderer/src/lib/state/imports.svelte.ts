import type { FinishedImport } from '../../../../shared/api/imports'
import { IMPORT_CHUNK_BYTES } from '../../../../shared/api/imports'
import { ApiError } from '../../../../shared/api/errors'
import type { StudioClient } from '../api/client'
import { errorMessage } from './error-message'

/** What the user dropped or picked: one file, or the files of one folder (one per class). */
export interface ImportSource {
  /** The folder's name when the files came from a folder. */
  folder?: string
  files: readonly File[]
}

/** What a picker or a drop collected: something to import, or why there is nothing to import. */
export type Collected = { source: ImportSource } | { problem: ImportProblem }

/**
 * - `idle`: nothing to show
 * - `uploading`: sending chunks (`sentBytes` of `totalBytes`)
 * - `checking`: all sent; the backend reads, inspects and registers the data
 * - `done`: `result` holds the dataset (new, or the one that already had this content)
 * - `failed`: `problem` says what is wrong and what to do
 */
export type ImportPhase = 'idle' | 'uploading' | 'checking' | 'done' | 'failed'

/** Why an import did not happen, split the way the UI shows it. */
export interface ImportProblem {
  /** A short headline: "Not a text file". */
  title: string
  /** What is wrong, as the studio said it: "photo.png is a PNG image, not text". */
  message: string
  /** What to do about it, when the message says: "Export the data as a UTF-8 .txt…". */
  advice: string | null
}

type ImportClient = Pick<
  StudioClient,
  'beginImport' | 'uploadChunk' | 'finishImport' | 'cancelImport'
>

/** Headlines for the engine's reasons (engine/data/errors.ts `DataErrorCode`). */
const REASON_TITLES: Record<string, string> = {
  EMPTY: 'Nothing to learn from',
  BINARY: 'Not a text file',
  ENCODING: 'Not UTF-8 text',
  TOO_LARGE: 'Too large',
  TOO_SHORT: 'Too little text',
  NO_NUMERIC_COLUMNS: 'No numbers to forecast',
  RAGGED: 'Rows of different lengths',
  BAD_QUOTE: 'A quote that never closes',
  DUPLICATE_HEADER: 'Two columns with the same name',
  BAD_LINE: 'A line without text or label',
  ONE_CLASS: 'Only one class',
  EMPTY_CLASS: 'A class without examples',
  UNRECOGNISED: 'Not data the studio can read'
}

/** A rate-limited chunk is sent again after this long, at most this many times. */
const RETRY_DELAY_MS = 1000
const MAX_RETRIES = 5

/**
 * One dataset import at a time, from the files the user gave to the backend and back: the content
 * goes up in {@link IMPORT_CHUNK_BYTES} base64 chunks (never a path), then the backend checks it.
 * One instance per screen that accepts data.
 */
export class ImportsState {
  readonly #client: ImportClient
  #phase = $state<ImportPhase>('idle')
  #label = $state('')
  #sentBytes = $state(0)
  #totalBytes = $state(0)
  #result = $state.raw<FinishedImport | null>(null)
  #problem = $state.raw<ImportProblem | null>(null)
  /** Bumped by every start and cancel, so a superseded upload loop stops at its next step. */
  #attempt = 0

  readonly #retryDelayMs: number

  /** @param options.retryDelayMs wait before resending a rate-limited chunk (tests shorten it) */
  constructor(client: ImportClient, options: { retryDelayMs?: number } = {}) {
    this.#client = client
    this.#retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS
  }

  /** Uploads and registers `source`; ignored while another import is under way. */
  async start(source: ImportSource): Promise<void> {
    if (this.busy) return
    const attempt = ++this.#attempt
    const files = source.files
    this.#label = source.folder ?? files[0]?.name ?? ''
    this.#sentBytes = 0
    this.#totalBytes = files.reduce((sum, f) => sum + f.size, 0)
    this.#result = null
    this.#problem = null
    this.#phase = 'uploading'

    let importId: string | null = null
    try {
      ;({ importId } = await this.#client.beginImport({
        folder: source.folder,
        files: files.map((f) => ({ name: f.name, size: f.size }))
      }))
      for (const [fileIndex, file] of files.entries()) {
        for (let offset = 0; offset < file.size; offset += IMPORT_CHUNK_BYTES) {
          if (attempt !== this.#attempt) return
          const chunk = file.slice(offset, offset + IMPORT_CHUNK_BYTES)
          const base64 = await readBase64(chunk)
          await this.#sendChunk({ importId, fileIndex, offset, base64 })
          this.#sentBytes += chunk.size
        }
      }
      if (attempt !== this.#attempt) return
      this.#phase = 'checking'
      const result = await this.#client.finishImport({ importId })
      if (attempt !== this.#attempt) return
      this.#result = result
      this.#phase = 'done'
    } catch (error) {
      if (attempt !== this.#attempt) return
      this.#problem = describeProblem(error, this.#label)
      this.#phase = 'failed'
      // A refusal already dropped the import; a lost connection may not have.
      if (importId !== null) this.#cancelQuietly(importId)
    } finally {
      if (attempt !== this.#attempt && importId !== null) this.#cancelQuietly(importId)
    }
  }

  /** Starts an import of what a picker or a drop collected, or shows why it cannot be imported. */
  accept(collected: Collected | null): void {
    if (collected === null) return
    if ('problem' in collected) this.refuse(collected.problem)
    else void this.start(collected.source)
  }

  /** Shows a problem found before anything was sent (two files dropped, an empty folder…). */
  refuse(problem: ImportProblem): void {
    if (this.busy) return
    this.#attempt++
    this.#result = null
    this.#problem = problem
    this.#phase = 'failed'
  }

  /** Stops the upload under way; the backend drops what it received. */
  cancel(): void {
    if (!this.busy) return
    this.#attempt++
    this.#phase = 'idle'
  }

  /** Hides the result or the problem. */
  dismiss(): void {
    if (this.busy) return
    this.#result = null
    this.#problem = null
    this.#phase = 'idle'
  }

  get phase(): ImportPhase {
    return this.#phase
  }

  /** An import is being sent or checked. */
  get busy(): boolean {
    return this.#phase === 'uploading' || this.#phase === 'checking'
  }

  /** The file or folder being imported, as the user knows it. */
  get label(): string {
    return this.#label
  }

  get sentBytes(): number {
    return this.#sentBytes
  }

  get totalBytes(): number {
    return this.#totalBytes
  }

  /** 0 to 1; an empty upload counts as sent. */
  get progress(): number {
    return this.#totalBytes === 0 ? 1 : this.#sentBytes / this.#totalBytes
  }

  get result(): FinishedImport | null {
    return this.#result
  }

  get problem(): ImportProblem | null {
    return this.#problem
  }

  async #sendChunk(input: Parameters<ImportClient['uploadChunk']>[0]): Promise<void> {
    for (let retry = 0; ; retry++) {
      try {
        await this.#client.uploadChunk(input)
        return
      } catch (error) {
        // The WebSocket server refuses bursts before they reach the backend: the import is intact.
        const limited = error instanceof ApiError && error.code === 'RATE_LIMITED'
        if (!limited || retry >= MAX_RETRIES) throw error
        await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs))
      }
    }
  }

  #cancelQuietly(importId: string): void {
    this.#client.cancelImport({ importId }).catch(() => {
      // Gone already, or the connection is: the backend drops idle imports by itself.
    })
  }
}

/** A blob's bytes as standard base64, read by the browser (no string building in JS). */
export function readBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'))
    reader.readAsDataURL(blob)
  })
}

/**
 * Splits a refusal into headline, what is wrong and what to do. Engine messages read
 * `<what is wrong>: <what to do>`; the split skips the file's own name, which may hold a colon.
 */
export function describeProblem(error: unknown, label: string): ImportProblem {
  const message = errorMessage(error)
  if (!(error instanceof ApiError)) {
    return { title: 'Could not import', message, advice: null }
  }
  const reason = (error.details as { reason?: unknown } | undefined)?.reason
  const title =
    (typeof reason === 'string' ? REASON_TITLES[reason] : undefined) ??
    (error.code === 'TOO_LARGE' ? 'Too large' : 'Could not import')
  // Only the engine's refusals follow that pattern; protocol errors are shown whole.
  const fromEngine = error.code === 'UNSUPPORTED' || error.code === 'TOO_LARGE'
  const from = label !== '' && message.startsWith(label) ? label.length : 0
  const colon = fromEngine ? message.indexOf(': ', from) : -1
  if (colon < 0) return { title, message, advice: null }
  const advice = message.slice(colon + 2)
  return {
    title,
    message: `${message.slice(0, colon)}.`,
    advice: advice.charAt(0).toUpperCase() + advice.slice(1)
  }
}
