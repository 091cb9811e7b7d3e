import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { StoreError, toStoreError } from './errors'
import { assertNotFromFuture, latestVersion, readUserVersion, runMigrations } from './migrate'
import { MIGRATIONS } from './migrations/index'

/** Options for {@link openDatabase}. */
export interface OpenOptions {
  /** Open without writing: no folder is created, no migration runs (the file must be current). */
  readonly?: boolean
  /** Receives one line per migration step. */
  log?: (msg: string) => void
}

/** Connection settings that write nothing to the file. */
function setConnectionPragmas(db: Database.Database): void {
  // Wait up to 5 s for another connection's lock instead of failing at once with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000')
  // Off by default in SQLite, per connection; the cascades in the schema depend on it.
  db.pragma('foreign_keys = ON')
  // Safe with WAL (a power cut can lose the last commits, never corrupt the file) and much faster
  // than FULL for the many small metric batches. See https://www.sqlite.org/pragma.html#pragma_synchronous
  db.pragma('synchronous = NORMAL')
}

/**
 * Opens (creating when absent) the studio's database at `path`, switches it to WAL and brings its
 * schema up to date.
 *
 * The file is read before anything is written, so a file that is not an SQLite database, a damaged
 * one, or one written by a newer RNN Studio is refused and left byte-for-byte as it was.
 *
 * @throws StoreError NOT_A_DATABASE | CORRUPT | FUTURE_VERSION | LOCKED | READ_ONLY | CANNOT_OPEN | DISK_FULL
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Database.Database {
  const readonly = opts.readonly ?? false
  let db: Database.Database
  try {
    if (!readonly) mkdirSync(dirname(path), { recursive: true })
    db = new Database(path, { readonly, fileMustExist: readonly })
  } catch (err) {
    throw toStoreError(err, path)
  }
  try {
    setConnectionPragmas(db)
    // The first statement that reads the file: SQLite reports NOTADB / CORRUPT here, and a future
    // schema is refused here, before journal_mode = WAL rewrites the header.
    assertNotFromFuture(db, MIGRATIONS, path)
    if (readonly) {
      if (readUserVersion(db) < latestVersion(MIGRATIONS)) {
        throw new StoreError(
          'READ_ONLY',
          `The database "${path}" was written by an older RNN Studio and must be upgraded before ` +
            'use, which needs write access. Open it once without read-only mode.',
          path
        )
      }
    } else {
      // WAL lets the UI read while a run writes, and survives crashes mid-write.
      db.pragma('journal_mode = WAL')
      runMigrations(db, MIGRATIONS, opts.log)
    }
    return db
  } catch (err) {
    db.close()
    throw toStoreError(err, path)
  }
}

/** An in-memory database with the full schema and the same connection settings; for tests. */
export function openMemoryDatabase(): Database.Database {
  const db = new Database(':memory:')
  setConnectionPragmas(db)
  runMigrations(db, MIGRATIONS)
  return db
}

/**
 * Runs SQLite's full consistency check (every page, every index).
 *
 * @returns the problems found, one line each; empty when the database is sound. Damage so bad that
 *   the check itself cannot go on is returned as one line too, rather than thrown.
 */
export function checkIntegrity(db: Database.Database): string[] {
  let rows: { integrity_check: string }[]
  try {
    rows = db.pragma('integrity_check') as { integrity_check: string }[]
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (
      typeof code === 'string' &&
      (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    ) {
      return [(err as Error).message]
    }
    throw err
  }
  const lines = rows.map((r) => r.integrity_check)
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines
}
