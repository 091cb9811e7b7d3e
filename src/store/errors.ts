/**
 * Errors the store raises for conditions a user can act on. Each message names the file (when there
 * is one) and says what to do; `code` is for the backend to branch on. Anything else the store
 * throws (an SqliteError from a bad query, a failing assertion) is a bug, not a StoreError.
 */

/**
 * - FUTURE_VERSION: the database was written by a newer RNN Studio (its user_version is ahead of ours)
 * - NOT_A_DATABASE: the file is not an SQLite database at all
 * - CORRUPT: an SQLite database, but damaged (truncated, overwritten, bad pages)
 * - LOCKED: another process holds the database and did not let go within the busy timeout
 * - READ_ONLY: a write was needed but the file, its folder or the connection is read-only
 * - CANNOT_OPEN: the file or its folder could not be opened or created (permissions, missing path)
 * - DISK_FULL: the disk (or a quota) is full
 * - NOT_FOUND: a row the caller named (a run, a dataset) does not exist
 * - DUPLICATE: a row with the same unique key already exists (a dataset with the same content)
 */
export type StoreErrorCode =
  | 'FUTURE_VERSION'
  | 'NOT_A_DATABASE'
  | 'CORRUPT'
  | 'LOCKED'
  | 'READ_ONLY'
  | 'CANNOT_OPEN'
  | 'DISK_FULL'
  | 'NOT_FOUND'
  | 'DUPLICATE'

/** A store failure with a user-readable message saying what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** The database file concerned, when the error is about a file. */
    readonly path?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

function sqliteCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/**
 * Translates an error from better-sqlite3 or node:fs into a StoreError when it is one of the
 * conditions a user can fix (foreign file, damage, lock, permissions, full disk). Other errors are
 * returned unchanged: they are bugs and must keep their own message and stack.
 *
 * @param path the database file, named in the message; omit for an in-memory database
 */
export function toStoreError(err: unknown, path?: string): unknown {
  if (err instanceof StoreError) return err
  const code = sqliteCode(err)
  if (code === undefined) return err
  const file = path === undefined ? 'The database' : `The database file "${path}"`
  const detail = err instanceof Error ? ` (${err.message})` : ''
  const cause = { cause: err }
  if (code === 'SQLITE_NOTADB') {
    return new StoreError(
      'NOT_A_DATABASE',
      `${file} is not an RNN Studio database: it is not an SQLite file at all${detail}. ` +
        'Move it aside (rename it or put it in another folder) and start RNN Studio again; ' +
        'a fresh database will be created in its place.',
      path,
      cause
    )
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      'CORRUPT',
      `${file} is damaged${detail}. Move it aside (keep the copy: some data may still be ` +
        'recoverable with the sqlite3 ".recover" command) and start RNN Studio again to create a ' +
        'fresh database, or put back a backup.',
      path,
      cause
    )
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      'LOCKED',
      `${file} is in use by another program (perhaps another RNN Studio window or a command-line ` +
        'run) and stayed locked for more than 5 seconds. Close the other program and try again.',
      path,
      cause
    )
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError(
      'READ_ONLY',
      `${file} cannot be written${detail}. Check that you may write to the file and to its ` +
        'folder (the database keeps -wal and -shm files beside it), or open it read-write.',
      path,
      cause
    )
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'EPERM') {
    return new StoreError(
      'CANNOT_OPEN',
      `${file} could not be opened or created${detail}. Check that its folder exists and that ` +
        'you may read and write there.',
      path,
      cause
    )
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new StoreError(
      'DISK_FULL',
      `${file} could not be written because the disk is full. Free some space (old runs and ` +
        'their checkpoints can be deleted from the studio) and try again.',
      path,
      cause
    )
  }
  return err
}

/** True when `err` is a failed FOREIGN KEY constraint (the referenced row does not exist). */
export function isForeignKeyError(err: unknown): boolean {
  return sqliteCode(err) === 'SQLITE_CONSTRAINT_FOREIGNKEY'
}

/** True when `err` is a failed UNIQUE or PRIMARY KEY constraint. */
export function isUniqueError(err: unknown): boolean {
  const code = sqliteCode(err)
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
