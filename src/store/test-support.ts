/**
 * Helpers for the store's tests: real database files in a fresh temp folder, and a database
 * migrated to a given version (a migration's test runs against the schema as it was then).
 */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatasetStats } from '../shared/domain/dataset'
import type { NewDataset } from './datasets'
import { runMigrations } from './migrate'
import { MIGRATIONS } from './migrations/index'
import { openDatabase } from './open-db'

/** A temp folder whose databases are closed and files removed by `cleanup()`. */
export interface TempStore {
  dir: string
  /** A path inside `dir`. */
  path(name?: string): string
  /** `openDatabase` on a file in `dir`: the full schema, WAL, foreign keys. */
  open(name?: string): Database.Database
  /** A raw connection (foreign keys on) migrated only up to `version`; no WAL. */
  migratedTo(version: number, name?: string): Database.Database
  /** Keeps `db` to be closed by `cleanup()`. */
  track(db: Database.Database): Database.Database
  cleanup(): void
}

/** Makes a temp folder (`rnn-store-*` in the OS temp dir) for one test. */
export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-store-'))
  const open: Database.Database[] = []
  const store: TempStore = {
    dir,
    path: (name = 'studio.db') => join(dir, name),
    open: (name) => store.track(openDatabase(store.path(name))),
    migratedTo(version, name) {
      const db = store.track(new Database(store.path(name)))
      db.pragma('foreign_keys = ON')
      runMigrations(
        db,
        MIGRATIONS.filter((m) => m.version <= version)
      )
      return db
    },
    track(db) {
      open.push(db)
      return db
    },
    cleanup() {
      for (const db of open) if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return store
}

/** Small text stats whose numbers are easy to check. */
export const TEXT_STATS: DatasetStats = {
  kind: 'text',
  characters: 11,
  lines: 1,
  words: 2,
  vocabularySize: 8,
  rarestCharacters: [{ char: 'h', count: 1 }],
  lineEndings: 'none'
}

/** A dataset to insert; `overrides` change any field. */
export function newDataset(overrides: Partial<NewDataset> = {}): NewDataset {
  return {
    name: 'hello',
    kind: 'text',
    sourcePath: '/data/hello.txt',
    contentHash: 'sha256-hello',
    sizeBytes: 11,
    stats: TEXT_STATS,
    isSample: false,
    notice: '',
    ...overrides
  }
}

/** The `detail` column of EXPLAIN QUERY PLAN for `sql`, one line per step. */
export function queryPlan(db: Database.Database, sql: string, ...params: unknown[]): string[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
  return rows.map((r) => r.detail)
}
