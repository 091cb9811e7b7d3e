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
