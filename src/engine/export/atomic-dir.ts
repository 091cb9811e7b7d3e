/**
 * Writing an export folder all at once or not at all: files go into a hidden temporary sibling
 * (same parent, so the same file system), which is renamed into place only when every file is
 * written. A failure removes the temporary folder (and any parent folder this call created), so
 * a refused or failed export leaves nothing behind; an existing non-empty target is refused
 * before anything is written, so nothing is ever overwritten.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path'
import { ExportError } from './errors'

/** One file of the folder. */
export interface OutputFile {
  /** Relative, `/`-separated (`tfjs/model.json`). */
  path: string
  data: Uint8Array | string
}

/**
 * Refuses a target that exists and is not an empty folder.
 * @throws ExportError TARGET_EXISTS, or TARGET_UNWRITABLE when its state cannot be read
 */
export function checkTarget(outDir: string): void {
  const target = resolve(outDir)
  if (!existsSync(target)) return
  let entries: string[]
  try {
    if (!statSync(target).isDirectory()) {
      throw new ExportError(
        'TARGET_EXISTS',
        `${target} exists and is a file: export to a new folder (nothing was overwritten).`
      )
    }
    entries = readdirSync(target)
  } catch (error) {
    if (error instanceof ExportError) throw error
    throw targetError(target, error)
  }
  if (entries.length > 0) {
    throw new ExportError(
      'TARGET_EXISTS',
      `${target} already exists and is not empty: export to a new folder (nothing was overwritten).`
    )
  }
}

/**
 * Writes `files` into `outDir` atomically.
 * @returns the absolute path written
 * @throws ExportError TARGET_EXISTS, TARGET_UNWRITABLE; nothing is left behind either way
 */
export function writeFolderAtomically(outDir: string, files: readonly OutputFile[]): string {
  const target = resolve(outDir)
  for (const file of files) {
    const path = normalize(file.path)
    if (isAbsolute(path) || path.split(sep).includes('..')) {
      throw new Error(`Export file paths must stay inside the folder: ${file.path}`)
    }
  }
  checkTarget(target)
  const parent = dirname(target)
  let createdParent: string | undefined
  try {
    createdParent = mkdirSync(parent, { recursive: true })
  } catch (error) {
    throw targetError(target, error)
  }
  let temporary: string | null = null
  let removedEmptyTarget = false
  try {
    // Not mkdtemp: its folder is private (0700), and this one becomes the export itself.
    temporary = join(parent, `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`)
    mkdirSync(temporary)
    for (const file of files) {
      const path = join(temporary, ...file.path.split('/'))
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, file.data)
    }
    // rename() replaces an empty folder on POSIX but not on Windows: remove it first (checkTarget
    // has just seen it empty).
    if (existsSync(target)) {
      rmdirSync(target)
      removedEmptyTarget = true
    }
    renameSync(temporary, target)
    temporary = null
    return target
  } catch (error) {
    if (temporary !== null) rmSync(temporary, { recursive: true, force: true })
    if (removedEmptyTarget && !existsSync(target)) mkdirSync(target)
    if (createdParent !== undefined) removeEmptyFolders(parent, createdParent)
    throw error instanceof ExportError ? error : targetError(target, error)
  }
}

/** Removes `from` and its parents up to and including `upTo` while they are empty. */
function removeEmptyFolders(from: string, upTo: string): void {
  let folder = from
  for (;;) {
    try {
      if (readdirSync(folder).length > 0) return
      rmdirSync(folder)
    } catch {
      return
    }
    if (folder === upTo || dirname(folder) === folder) return
    folder = dirname(folder)
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOTDIR: 'a folder on the path is a file',
  EEXIST: 'it was created by someone else meanwhile',
  ENOTEMPTY: 'it was filled by someone else meanwhile',
  ENAMETOOLONG: 'the path is too long'
}

function targetError(target: string, error: unknown): ExportError {
  const code = (error as NodeJS.ErrnoException).code
  const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error))
  return new ExportError(
    'TARGET_UNWRITABLE',
    `Cannot write the export to ${target}: ${reason}. Nothing was written; choose another folder.`
  )
}
