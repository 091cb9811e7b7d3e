import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreError } from './errors'
import { type Migration, readUserVersion, runMigrations } from './migrate'
import { MIGRATIONS } from './migrations/index'
import { type TempStore, tempStore } from './test-support'

function tableNames(db: Database.Database): string[] {
  return db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    .pluck()
    .all() as string[]
}

describe('runMigrations', () => {
  let t: TempStore
  beforeEach(() => {
    t = tempStore()
  })
  afterEach(() => t.cleanup())

  it('brings a fresh database to the latest version and logs each step', () => {
    const db = t.track(new Database(t.path()))
    const log: string[] = []
    expect(runMigrations(db, MIGRATIONS, (m) => log.push(m))).toEqual({ from: 0, to: 70 })
    expect(readUserVersion(db)).toBe(70)
    expect(tableNames(db)).toEqual(['checkpoints', 'datasets', 'metrics', 'runs', 'samples'])
    expect(log).toEqual([
      'store: migrating database schema 0 -> 70 (7 step(s))',
      'store: applying migration 10 datasets',
      'store: applying migration 20 runs',
      'store: applying migration 30 metrics',
      'store: applying migration 40 checkpoints',
      'store: applying migration 50 samples',
      'store: applying migration 60 run owner',
      'store: applying migration 70 metrics by step',
      'store: database schema is at 70'
    ])
  })

  it('does nothing on a database already at the latest version', () => {
    const db = t.migratedTo(70)
    const log: string[] = []
    expect(runMigrations(db, MIGRATIONS, (m) => log.push(m))).toEqual({ from: 70, to: 70 })
    expect(log).toEqual([])
  })

  it('upgrades a database made at version 20 and keeps its rows', () => {
    const db = t.migratedTo(20)
    expect(readUserVersion(db)).toBe(20)
    expect(tableNames(db)).toEqual(['datasets', 'runs'])
    db.prepare(
      `INSERT INTO runs (id, name, task, config_json, status, created_at)
       VALUES (7, 'old run', 'char-lm', '{"units":32}', 'completed', '2024-01-01T00:00:00.000Z')`
    ).run()
    db.close()

    const reopened = t.track(new Database(t.path()))
    reopened.pragma('foreign_keys = ON')
    const log: string[] = []
    expect(runMigrations(reopened, MIGRATIONS, (m) => log.push(m))).toEqual({ from: 20, to: 70 })
    expect(log[0]).toBe('store: migrating database schema 20 -> 70 (5 step(s))')
    expect(reopened.prepare('SELECT name, config_json FROM runs WHERE id = 7').get()).toEqual({
      name: 'old run',
      config_json: '{"units":32}'
    })
    // The new tables work with the old row.
    reopened.prepare("INSERT INTO metrics VALUES (7, 'loss', 1, 0.5, 2.25, 1000)").run()
    expect(reopened.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(1)
  })

  it('refuses a database from a newer studio with FUTURE_VERSION and leaves its bytes alone', () => {
    const setup = new Database(t.path())
    setup.exec('CREATE TABLE future_thing (x INTEGER) STRICT')
    setup.pragma('user_version = 9999')
    setup.close()
    const before = readFileSync(t.path())

    const db = t.track(new Database(t.path()))
    let error: unknown
    try {
      runMigrations(db, MIGRATIONS)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('FUTURE_VERSION')
    expect((error as StoreError).message).toMatch(/newer version of RNN Studio.*Upgrade/)
    db.close()
    expect(readFileSync(t.path()).equals(before)).toBe(true)
  })

  it('rolls back every step, user_version included, when a migration fails', () => {
    const db = t.track(new Database(t.path()))
    const failing: Migration = {
      version: 1000,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x INTEGER) STRICT')
        throw new Error('boom')
      }
    }
    expect(() => runMigrations(db, [...MIGRATIONS, failing])).toThrow('boom')
    expect(readUserVersion(db)).toBe(0)
    expect(tableNames(db)).toEqual([])
  })

  it('leaves a database at version 20 at 20, rows kept, when a later step fails', () => {
    const db = t.migratedTo(20)
    db.prepare(
      `INSERT INTO datasets (name, kind, source_path, content_hash, size_bytes, stats_json,
         is_sample, created_at)
       VALUES ('d', 'text', '/d.txt', 'h1', 3, '{}', 0, '2024-01-01T00:00:00.000Z')`
    ).run()
    const failing: Migration = {
      version: 30,
      name: 'broken',
      up() {
        throw new Error('boom')
      }
    }
    expect(() => runMigrations(db, [...MIGRATIONS.slice(0, 2), failing])).toThrow('boom')
    expect(readUserVersion(db)).toBe(20)
    expect(db.prepare('SELECT count(*) FROM datasets').pluck().get()).toBe(1)
  })

  it('throws a programming error for versions that do not strictly rise', () => {
    const db = t.track(new Database(t.path()))
    const up = (): void => {}
    const cases: Migration[][] = [
      [
        { version: 10, name: 'a', up },
        { version: 10, name: 'b', up }
      ],
      [
        { version: 20, name: 'a', up },
        { version: 10, name: 'b', up }
      ],
      [{ version: 0, name: 'zero', up }],
      [{ version: 1.5, name: 'fraction', up }]
    ]
    for (const list of cases) {
      expect(() => runMigrations(db, list)).toThrow(/strictly rising/)
    }
    expect(readUserVersion(db)).toBe(0)
  })

  it('has migration versions 10, 20, 30, 40, 50, 60, 70 in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual([10, 20, 30, 40, 50, 60, 70])
  })
})
