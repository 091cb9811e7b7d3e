import type { Stats } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { DataError } from './errors'

/** One file of a dataset, undecoded. */
export interface DatasetFile {
  /** Base name with extension, e.g. `Greek.txt`. */
  name: string
  bytes: Uint8Array
}

/** The raw files of a dataset, as read from a file or a folder. */
export interface DatasetFiles {
  /** The file name without extension, or the folder name. */
  name: string
  files: DatasetFile[]
}

/** Options for {@link readDatasetSource}. */
export interface ReadOptions {
  /** Refuse sources larger than this in total; checked before anything is read. */
  maxBytes?: number
}

/** 256 MiB: far above any corpus a recurrent network trains on in a desktop app. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024

/** Files in a folder that document the data rather than hold it. */
const DOC_FILE = /^(readme|license|licence|copying|notice|source)(\.[^.]*)?$/i

/**
 * Reads a dataset from a file, or from a folder holding one `<class>.txt` per class (dotfiles and
 * README/LICENSE/SOURCE files are skipped; files are sorted by name so labels come out stable).
 * Sizes are checked with `stat` first, so an oversized source is refused without being read.
 * @throws DataError NOT_FOUND, TOO_LARGE, EMPTY (a folder without .txt files) or UNRECOGNISED
 */
export async function readDatasetSource(
  path: string,
  opts: ReadOptions = {}
): Promise<DatasetFiles> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
  const info = await statOrNotFound(path)
  if (info.isFile()) {
    checkSize(path, info.size, maxBytes)
    const name = basename(path)
    return { name: stripExtension(name), files: [{ name, bytes: await readBytes(path) }] }
  }
  if (!info.isDirectory()) {
    throw new DataError(
      'UNRECOGNISED',
      `${path} is neither a file nor a folder: pick a text/CSV file or a folder of <class>.txt files.`
    )
  }
  const names = await listDataFiles(path)
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(path, n))).size))
  checkSize(
    path,
    sizes.reduce((a, b) => a + b, 0),
    maxBytes
  )
  const files = await Promise.all(
    names.map(async (name) => ({ name, bytes: await readBytes(join(path, name)) }))
  )
  return { name: basename(path), files }
}

async function statOrNotFound(path: string): Promise<Stats> {
  try {
    return await stat(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DataError(
        'NOT_FOUND',
        `${path} does not exist: check the path, or pick the file again if it was moved or renamed.`
      )
    }
    throw err
  }
}

/** The folder's regular `*.txt` files, sorted by code unit so the order never depends on locale. */
async function listDataFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const names = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !DOC_FILE.test(e.name))
    .map((e) => e.name)
    .filter((n) => extname(n).toLowerCase() === '.txt')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (names.length === 0) {
    throw new DataError(
      'EMPTY',
      `${dir} has no .txt files: a class folder holds one <class>.txt file per class, one example per line; add them or pick a single file instead.`
    )
  }
  return names
}

/**
 * Refuses a source of `size` bytes over `maxBytes`, naming it `path` in the message. Exported for
 * uploads (backend/dataset-import.ts), which check the declared sizes before any byte arrives.
 * @throws DataError TOO_LARGE
 */
export function checkSize(path: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new DataError(
      'TOO_LARGE',
      `${path} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit: use a smaller sample of the data (the first part of a corpus trains the same network).`
    )
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  const buf = await readFile(path)
  // A plain view over the Buffer's memory, so consumers never depend on Node's Buffer API.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

function stripExtension(name: string): string {
  const ext = extname(name)
  return ext ? name.slice(0, -ext.length) : name
}

/** `1536` → `1.5 KiB`; exact bytes added so two sizes near the limit can still be told apart. */
function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  if (unit === 0) return `${n} bytes`
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1)
  return `${shown} ${units[unit]} (${n.toLocaleString('en-US')} bytes)`
}
