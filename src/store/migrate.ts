import type Database from 'better-sqlite3'
import { StoreError } from './errors'

/**
 * One schema change. Migrations are append-only: once released, a migration's `up` is never
 * edited; a later migration changes what an earlier one made.
 */
export interface Migration {
  /** Strictly rising across the list; stored in `PRAGMA user_version` once applied. */
  version: number
  /** What it does, for the log (`datasets`, `runs`…). */
  name: string
  /**
   * Applies the change. Runs inside the runner's transaction, so it must not begin or commit one
   * itself, and must not change `journal_mode` (SQLite refuses that inside a transaction).
   */
  up(db: Database.Database): void
}

/** The schema version recorded in the database file (0 for a new file). */
export function readUserVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** The version a database reaches once every migration in `migrations` has run. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version
}

/**
 * Throws if the list is not in strictly rising order of positive integer versions. That is a
 * programming error (two migrations given the same number, or appended out of order), so it
 * throws a plain Error rather than a StoreError.
 */
export function assertMigrationOrder(migrations: readonly Migration[]): void {
  let previous = 0
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(
        `Migration versions must be positive integers in strictly rising order: ` +
          `${m.version} (${m.name}) follows ${previous}`
      )
    }
    previous = m.version
  }
}

/**
 * Refuses a database written by a newer RNN Studio, without writing anything to it.
 *
 * @param path named in the message when given
 * @throws StoreError FUTURE_VERSION
 */
export function assertNotFromFuture(
  db: Database.Database,
  migrations: readonly Migration[],
  path?: string
): void {
  const current = readUserVersion(db)
  const latest = latestVersion(migrations)
  if (current > latest) {
    const file = path === undefined ? 'This database' : `The database "${path}"`
    throw new StoreError(
      'FUTURE_VERSION',
      `${file} was written by a newer version of RNN Studio (schema ${current}; this version ` +
        `understands up to ${latest}). Upgrade RNN Studio to open it. It has not been changed.`,
      path
    )
  }
}

/**
 * Brings the database's schema up to the last migration in `migrations`.
 *
 * All pending migrations and the `user_version` updates run in ONE transaction: either the database
 * reaches the latest version or it stays exactly as it was. Each step is logged.
 *
 * @returns the version found and the version reached (equal when there was nothing to do)
 * @throws Error when versions do not strictly rise (a programming error)
 * @throws StoreError FUTURE_VERSION when the database is newer than the newest migration; nothing is written
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  log: (msg: string) => void = () => {}
): { from: number; to: number } {
  assertMigrationOrder(migrations)
  assertNotFromFuture(db, migrations)
  const to = latestVersion(migrations)
  const found = readUserVersion(db)
  if (found === to) return { from: found, to }

  // IMMEDIATE takes the write lock before the version is read again inside the transaction, so two
  // processes opening the same new file cannot both see version 0 and race to create the tables.
  const from = db
    .transaction(() => {
      assertNotFromFuture(db, migrations) // a newer studio may have got there while we waited
      const current = readUserVersion(db)
      const pending = migrations.filter((m) => m.version > current)
      if (pending.length > 0) {
        log(`store: migrating database schema ${current} -> ${to} (${pending.length} step(s))`)
      }
      for (const m of pending) {
        log(`store: applying migration ${m.version} ${m.name}`)
        m.up(db)
        // user_version lives in the file header and is written inside the transaction, so it
        // rolls back with the schema if a later step fails. The value is an integer checked above.
        db.pragma(`user_version = ${m.version}`)
      }
      return current
    })
    .immediate()
  log(`store: database schema is at ${to}`)
  return { from, to }
}
