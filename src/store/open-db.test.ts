import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreError } from './errors'
import { readUserVersion } from './migrate'
import { checkIntegrity, openDatabase, openMemoryDatabase } from './open-db'
import { type TempStore, tempStore } from './test-support'

/** Runs `fn`, which must throw a StoreError, and returns it. */
function storeErrorOf(fn: () => unknown): StoreError {
  try {
    fn()
  } catch (err) {
    if (err instanceof StoreError) return err
    throw err
  }
  throw new Error('expected a StoreError, nothing was thrown')
}

/** A closed database of about 60 pages: one run with 40 checkpoints of 5,000 bytes each. */
function makeFilledDatabase(path: string): void {
  const db = openDatabase(path)
  db.exec(`INSERT INTO runs (id, name, task, config_json, status, created_at)
    VALUES (1, 'a', 'char-lm', '{}', 'completed', '2024-01-01T00:00:00.000Z')`)
  const insert = db.prepare(`INSERT INTO checkpoints
    (run_id, step, weights, meta_json, is_best, created_at) VALUES (1, ?, ?, '{}', 0, 'x')`)
  for (let i = 0; i < 40; i++) insert.run(i, Buffer.alloc(5000, i))
  db.close() // the last close checkpoints the WAL into the file and removes -wal and -shm
}

describe('openDatabase', () => {
  let t: TempStore
  beforeEach(() => {
    t = tempStore()
  })
  afterEach(() => t.cleanup())

  it('creates the folder and a database with WAL, foreign keys and the latest schema', () => {
    const path = join(t.dir, 'nested', 'deeper', 'studio.db')
    const log: string[] = []
    const db = t.track(openDatabase(path, { log: (m) => log.push(m) }))
    expect(existsSync(path)).toBe(true)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
    expect(readUserVersion(db)).toBe(70)
    expect(log).toContain('store: applying migration 10 datasets')
  })

  it('reopens an existing database without migrating again, and keeps its rows', () => {
    const first = openDatabase(t.path())
    first.exec(`INSERT INTO runs (name, task, config_json, status, created_at)
      VALUES ('kept', 'char-lm', '{}', 'queued', '2024-01-01T00:00:00.000Z')`)
    first.close()
    const log: string[] = []
    const db = t.track(openDatabase(t.path(), { log: (m) => log.push(m) }))
    expect(log).toEqual([])
    expect(db.prepare('SELECT name FROM runs').pluck().all()).toEqual(['kept'])
  })

  it('refuses a file of random bytes with NOT_A_DATABASE and leaves it untouched', () => {
    writeFileSync(t.path(), randomBytes(8192))
    const before = readFileSync(t.path())
    const error = storeErrorOf(() => openDatabase(t.path()))
    expect(error.code).toBe('NOT_A_DATABASE')
    expect(error.path).toBe(t.path())
    expect(error.message).toContain(t.path())
    expect(error.message).toMatch(/Move it aside/)
    expect(readFileSync(t.path()).equals(before)).toBe(true)
    expect(readdirSync(t.dir)).toEqual(['studio.db']) // no -wal / -shm / -journal left beside it
  })

  it('refuses a truncated database with CORRUPT and leaves it untouched', () => {
    makeFilledDatabase(t.path())
    const size = statSync(t.path()).size
    expect(size).toBeGreaterThan(50 * 4096)
    truncateSync(t.path(), Math.floor(size / 2))
    const before = readFileSync(t.path())
    const error = storeErrorOf(() => openDatabase(t.path()))
    expect(error.code).toBe('CORRUPT')
    expect(error.message).toContain(t.path())
    expect(error.message).toMatch(/Move it aside/)
    expect(readFileSync(t.path()).equals(before)).toBe(true)
    expect(readdirSync(t.dir)).toEqual(['studio.db'])
  })

  it('refuses a database from a newer studio with FUTURE_VERSION and leaves it untouched', () => {
    const future = new Database(t.path())
    future.exec('CREATE TABLE from_the_future (x INTEGER) STRICT')
    future.pragma('user_version = 9999')
    future.close()
    const before = readFileSync(t.path())
    const error = storeErrorOf(() => openDatabase(t.path()))
    expect(error.code).toBe('FUTURE_VERSION')
    expect(error.message).toContain(t.path())
    expect(error.message).toMatch(/schema 9999; this version understands up to 70\).*Upgrade/)
    expect(readFileSync(t.path()).equals(before)).toBe(true)
    expect(readdirSync(t.dir)).toEqual(['studio.db'])
  })

  it('opens a current database read-only, and refuses writes', () => {
    openDatabase(t.path()).close()
    const db = t.track(openDatabase(t.path(), { readonly: true }))
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0)
    expect(() => db.exec("INSERT INTO runs (name) VALUES ('x')")).toThrow(/readonly/)
  })

  it('read-only: refuses a missing file (CANNOT_OPEN) and an outdated one (READ_ONLY)', () => {
    expect(storeErrorOf(() => openDatabase(t.path('absent.db'), { readonly: true })).code).toBe(
      'CANNOT_OPEN'
    )
    expect(existsSync(t.path('absent.db'))).toBe(false)
    t.migratedTo(20).close()
    const error = storeErrorOf(() => openDatabase(t.path(), { readonly: true }))
    expect(error.code).toBe('READ_ONLY')
    expect(error.message).toMatch(/older RNN Studio/)
  })
})

describe('checkIntegrity', () => {
  let t: TempStore
  beforeEach(() => {
    t = tempStore()
  })
  afterEach(() => t.cleanup())

  it('finds nothing wrong with a sound database', () => {
    makeFilledDatabase(t.path())
    expect(checkIntegrity(t.open())).toEqual([])
  })

  it('reports a freelist count that disagrees with the free pages', () => {
    const db = openDatabase(t.path())
    db.exec(`INSERT INTO runs (id, name, task, config_json, status, created_at)
      VALUES (1, 'a', 'char-lm', '{}', 'completed', 'x')`)
    const insert = db.prepare(`INSERT INTO checkpoints
      (run_id, step, weights, meta_json, is_best, created_at) VALUES (1, ?, ?, '{}', 0, 'x')`)
    for (let i = 0; i < 3; i++) insert.run(i, Buffer.alloc(10_000, i))
    db.exec('DELETE FROM checkpoints') // 3 × 10,000 bytes of overflow pages: 8 pages go free
    expect(db.pragma('freelist_count', { simple: true })).toBe(8)
    db.close()
    // Bytes 36..39 of the header count the free pages; claim 9.
    const bytes = readFileSync(t.path())
    bytes.writeUInt32BE(9, 36)
    writeFileSync(t.path(), bytes)
    expect(checkIntegrity(t.open())).toEqual([
      '*** in database main ***\nFreelist: size is 8 but should be 9'
    ])
  })

  it('reports damage that stops the check itself as one line', () => {
    makeFilledDatabase(t.path())
    const setup = new Database(t.path())
    const root = setup
      .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'checkpoints'")
      .pluck()
      .get() as number
    setup.close()
    const bytes = readFileSync(t.path())
    bytes[(root - 1) * 4096] = 0 // the page-type byte of the table's root page: no such type
    writeFileSync(t.path(), bytes)
    expect(checkIntegrity(t.open())).toEqual(['database disk image is malformed'])
  })
})

describe('openMemoryDatabase', () => {
  it('has the full schema with foreign keys on', () => {
    const db = openMemoryDatabase()
    expect(readUserVersion(db)).toBe(70)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })
})
