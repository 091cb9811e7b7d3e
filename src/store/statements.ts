import type Database from 'better-sqlite3'

const cache = new WeakMap<Database.Database, Map<string, Database.Statement<unknown[], unknown>>>()

/**
 * `db.prepare(sql)`, compiled once per connection and reused: the data-access functions call this
 * on every use, and SQLite only parses and plans each statement the first time. Entries go away
 * with the connection object.
 */
export function prepared<P extends unknown[] = unknown[], R = unknown>(
  db: Database.Database,
  sql: string
): Database.Statement<P, R> {
  let statements = cache.get(db)
  if (statements === undefined) {
    statements = new Map()
    cache.set(db, statements)
  }
  let statement = statements.get(sql)
  if (statement === undefined) {
    statement = db.prepare<unknown[], unknown>(sql)
    statements.set(sql, statement)
  }
  return statement as unknown as Database.Statement<P, R>
}

/** Now as ISO-8601 UTC text, the form every `*_at` column holds (it sorts as time sorts). */
export function nowIso(): string {
  return new Date().toISOString()
}

/**
 * Runs a one-row `INSERT/UPDATE … RETURNING` statement and returns its row (undefined: no row).
 *
 * Never `.get()` for these: in autocommit mode SQLite commits when the statement finishes, and
 * `.get()` stops after the first row and resets the statement, which rolls the change back on a
 * failed commit (SQLITE_FULL, SQLITE_IOERR) while better-sqlite3 still returns the new row — the
 * caller is told the write happened when it did not (test/faults/disk-full.test.ts found this).
 * `.all()` steps the statement to its end, so a failed commit throws.
 */
export function runReturning<P extends unknown[], R>(
  statement: Database.Statement<P, R>,
  ...params: P
): R | undefined {
  return statement.all(...params)[0]
}
