/**
 * Dataset import by upload: the UI (drag and drop, file pickers) sends the *content* of the files,
 * in order and in chunks, never a path, so a renderer can only ever add data, not point the
 * backend at a file of its choosing.
 *
 * Life of an import:
 * 1. `begin` checks the declared names and sizes (over the limit: TOO_LARGE before any byte is sent)
 *    and creates `<home>/imports/<pid>/<importId>/files/[<folder>/]<file>`;
 * 2. `upload` appends each chunk at exactly the offset reached so far, never past the declared size;
 * 3. `finish` reads, hashes, inspects and registers the staged source through the same
 *    `registerDatasetFromPath` the CLI uses; data that passes is moved to
 *    `<home>/datasets/<contentHash>/` (it outlives the user's originals) just before the insert.
 *
 * Any refusal, a cancel, an import left idle, or the studio closing deletes the staging folder, so
 * nothing half-imported stays. Staging is per process (`<pid>`) because several studio processes
 * (the app and the CLI) may share a home: start-up cleans only folders of processes that are gone.
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, join, sep } from 'node:path'
import type Database from 'better-sqlite3'
import { checkSize, DataError, DEFAULT_MAX_BYTES } from '../engine/data'
import { ApiError } from '../shared/api/errors'
import type { BeginImport, FinishedImport, UploadChunk } from '../shared/api/imports'
import type { DatasetKind, DatasetSummary } from '../shared/domain/dataset'
import { findDatasetByHash } from '../store'
import { registerDatasetFromPath } from './dataset-registry'

export interface DatasetImportsOptions {
  db: Database.Database
  /** Where finished imports are kept: `<home>/datasets`. */
  datasetsDir: string
  /** This process's staging folder, `<home>/imports/<pid>`; created on the first import. */
  stagingDir: string
  /** Called after an import added a dataset (the studio announces `datasetsChanged`). */
  onAdded?: (dataset: DatasetSummary) => void
  /** Largest total size of one import; default the engine's limit for files added by path. */
  maxBytes?: number
  /** An import untouched this long is cancelled (a closed tab never says goodbye). Default 15 min. */
  idleMs?: number
  /** Imports in progress at once; each may stage up to `maxBytes` on disk. Default 4. */
  maxActive?: number
}

interface StagedFile {
  name: string
  size: number
  path: string
  received: number
}

interface PendingImport {
  id: string
  /** `<stagingDir>/<id>`: deleted whatever happens. */
  dir: string
  /** `<dir>/files`: moved as a whole to `<datasetsDir>/<contentHash>` once accepted. */
  filesDir: string
  /** What is read, relative to `filesDir`: the one file, or the folder. */
  entry: string
  files: StagedFile[]
  name?: string
  kind?: DatasetKind
  /** Calls on one import run one at a time, in the order they arrived. */
  tail: Promise<unknown>
  idle: NodeJS.Timeout
}

/** The uploads in progress of one studio process; `dispose` when the studio closes. */
export class DatasetImports {
  readonly #db: Database.Database
  readonly #datasetsDir: string
  readonly #stagingDir: string
  readonly #onAdded: (dataset: DatasetSummary) => void
  readonly #maxBytes: number
  readonly #idleMs: number
  readonly #maxActive: number
  readonly #pending = new Map<string, PendingImport>()

  constructor(options: DatasetImportsOptions) {
    this.#db = options.db
    this.#datasetsDir = options.datasetsDir
    this.#stagingDir = options.stagingDir
    this.#onAdded = options.onAdded ?? (() => {})
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    this.#idleMs = options.idleMs ?? 15 * 60_000
    this.#maxActive = options.maxActive ?? 4
  }

  /** Imports in progress. */
  get size(): number {
    return this.#pending.size
  }

  /** Declares the files and creates them empty in a fresh staging folder. */
  async begin(input: BeginImport): Promise<{ importId: string }> {
    if (this.#pending.size >= this.#maxActive) {
      throw new ApiError(
        'CONFLICT',
        `${this.#pending.size} imports are already in progress: wait for one to finish or cancel it.`
      )
    }
    const total = input.files.reduce((sum, f) => sum + f.size, 0)
    try {
      checkSize(input.folder ?? input.files[0].name, total, this.#maxBytes)
    } catch (error) {
      if (!(error instanceof DataError)) throw error
      throw new ApiError('TOO_LARGE', error.message, {
        reason: error.code,
        limitBytes: this.#maxBytes
      })
    }

    const id = randomBytes(16).toString('hex')
    const dir = join(this.#stagingDir, id)
    const filesDir = join(dir, 'files')
    const entry = input.folder ?? input.files[0].name
    const parent = input.folder === undefined ? filesDir : join(filesDir, bareName(input.folder))
    const files = input.files.map((f) => ({
      name: f.name,
      size: f.size,
      path: join(parent, bareName(f.name)),
      received: 0
    }))
    try {
      await mkdir(parent, { recursive: true })
      // 'wx': two names one file system treats as the same (é composed or not on macOS) collide here.
      for (const file of files) await writeFile(file.path, '', { flag: 'wx' })
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      throw unstorableName(error, files)
    }
    const idle = setTimeout(() => void this.cancel({ importId: id }), this.#idleMs)
    idle.unref()
    this.#pending.set(id, {
      id,
      dir,
      filesDir,
      entry,
      files,
      name: input.name,
      kind: input.kind,
      tail: Promise.resolve(),
      idle
    })
    return { importId: id }
  }

  /** Appends one chunk; it must start where the file's bytes so far end and stay within its size. */
  upload({ importId, fileIndex, offset, base64 }: UploadChunk): Promise<{ received: number }> {
    return this.#serial(importId, async (pending) => {
      const file = pending.files[fileIndex]
      if (file === undefined) {
        throw new ApiError(
          'INVALID_INPUT',
          `This import has ${pending.files.length} file(s); there is no file number ${fileIndex}.`
        )
      }
      if (offset !== file.received) {
        throw new ApiError(
          'INVALID_INPUT',
          `Chunks must arrive in order: ${file.name} has ${file.received} bytes so far, so the next chunk starts at ${file.received}, not ${offset}.`
        )
      }
      const bytes = Buffer.from(base64, 'base64')
      if (file.received + bytes.byteLength > file.size) {
        throw new ApiError(
          'INVALID_INPUT',
          `${file.name} was declared as ${file.size} bytes, but this chunk would make it ${file.received + bytes.byteLength}: start the import again.`
        )
      }
      await appendFile(file.path, bytes)
      file.received += bytes.byteLength
      return { received: file.received }
    })
  }

  /**
   * Checks the complete upload like any dataset and registers it; the staging folder is gone
   * afterwards, accepted or not. Known content returns the existing dataset (`created: false`).
   */
  finish({ importId }: { importId: string }): Promise<FinishedImport> {
    return this.#serial(importId, async (pending) => {
      const short = pending.files.find((f) => f.received !== f.size)
      if (short !== undefined) {
        throw new ApiError(
          'CONFLICT',
          `${short.name} has ${short.received} of its ${short.size} bytes: upload the rest before finishing, or start the import again.`
        )
      }
      let adopted: string | null = null
      let contentHash = ''
      try {
        const { dataset, created } = await registerDatasetFromPath(
          this.#db,
          join(pending.filesDir, pending.entry),
          {
            name: pending.name,
            kind: pending.kind,
            adopt: async (hash) => {
              contentHash = hash
              const target = join(this.#datasetsDir, hash)
              await mkdir(this.#datasetsDir, { recursive: true })
              // A folder without a row is what an earlier import left when it died mid-insert.
              await rm(target, { recursive: true, force: true })
              await rename(pending.filesDir, target)
              adopted = target
              return join(target, pending.entry)
            }
          }
        )
        await this.#drop(pending)
        if (created) this.#onAdded(dataset)
        return { dataset, created }
      } catch (error) {
        if (adopted !== null) {
          // Another studio process registered the same content in the same folder meanwhile.
          const existing = findDatasetByHash(this.#db, contentHash)
          if (existing?.sourcePath.startsWith(adopted + sep)) {
            await this.#drop(pending)
            return { dataset: existing, created: false }
          }
          await rm(adopted, { recursive: true, force: true })
        }
        throw withoutStagingPath(error, pending.filesDir)
      }
    })
  }

  /** Drops an import and its files; nothing happens for one that is already gone. */
  async cancel({ importId }: { importId: string }): Promise<void> {
    const pending = this.#pending.get(importId)
    if (pending === undefined) return
    // Out of the map at once, so later chunks are refused; deleted after any call in flight.
    this.#pending.delete(importId)
    clearTimeout(pending.idle)
    await pending.tail
    await rm(pending.dir, { recursive: true, force: true })
  }

  /** Forgets every import and deletes this process's staging folder; for the studio's close. */
  dispose(): void {
    for (const pending of this.#pending.values()) clearTimeout(pending.idle)
    this.#pending.clear()
    rmSync(this.#stagingDir, { recursive: true, force: true })
  }

  /**
   * Runs `call` after the import's earlier calls; any refusal from it cancels the import, so a
   * client never has to guess what the backend kept.
   */
  #serial<T>(importId: string, call: (pending: PendingImport) => Promise<T>): Promise<T> {
    const pending = this.#pending.get(importId)
    if (pending === undefined) return Promise.reject(notFound())
    pending.idle.refresh()
    const result = pending.tail.then(async () => {
      if (this.#pending.get(importId) !== pending) throw notFound()
      try {
        return await call(pending)
      } catch (error) {
        await this.#drop(pending)
        throw error
      }
    })
    pending.tail = result.catch(() => {})
    return result
  }

  async #drop(pending: PendingImport): Promise<void> {
    if (this.#pending.get(pending.id) === pending) this.#pending.delete(pending.id)
    clearTimeout(pending.idle)
    await rm(pending.dir, { recursive: true, force: true })
  }
}

/**
 * Deletes staging folders of studio processes that are gone (a crash, a kill, a power cut). Each
 * process stages under `imports/<pid>/`, so uploads of another live process are left alone.
 * @param isLive whether `pid` is a running studio process other than this one
 * @returns how many folders were removed
 */
export function removeStaleImports(importsDir: string, isLive: (pid: number) => boolean): number {
  let names: string[]
  try {
    names = readdirSync(importsDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
  let removed = 0
  for (const name of names) {
    if (/^[1-9]\d*$/.test(name) && isLive(Number(name))) continue
    rmSync(join(importsDir, name), { recursive: true, force: true })
    removed++
  }
  return removed
}

function notFound(): ApiError {
  return new ApiError(
    'NOT_FOUND',
    'This import is no longer in progress (it was finished, refused, cancelled or left idle): start it again.'
  )
}

/** The contract already refuses separators and dots; this keeps a path inside its folder regardless. */
function bareName(name: string): string {
  if (basename(name) !== name || name === '.' || name === '..') {
    throw new ApiError('INVALID_INPUT', `"${name}" is not a bare file name.`)
  }
  return name
}

/** A name this file system cannot store (Windows forbids `:` `*` `?`…) or holds twice. */
function unstorableName(error: unknown, files: StagedFile[]): unknown {
  const code = (error as NodeJS.ErrnoException).code
  const path = (error as NodeJS.ErrnoException).path
  const file = files.find((f) => f.path === path)
  if (file === undefined || !['EEXIST', 'EINVAL', 'ENOENT', 'ENAMETOOLONG'].includes(code ?? '')) {
    return error
  }
  const why = code === 'EEXIST' ? 'another file has the same name here' : 'it is not a valid name'
  return new ApiError(
    'INVALID_INPUT',
    `${file.name} cannot be stored on this computer (${why}): rename it and import again.`
  )
}

/**
 * Engine messages name folders by path; for an upload that path is the staging folder, which means
 * nothing to the user (and is an inside path). They read `names has no .txt files…` instead.
 */
function withoutStagingPath(error: unknown, filesDir: string): unknown {
  if (!(error instanceof ApiError) || !error.message.includes(filesDir)) return error
  return new ApiError(error.code, error.message.replaceAll(filesDir + sep, ''), error.details)
}
