import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TempStore, tempStore } from '../test-support'

const INSERT = `INSERT INTO datasets
  (name, kind, source_path, content_hash, size_bytes, stats_json, is_sample, created_at)
  VALUES (@name, @kind, '/d.txt', @hash, @size, @stats, @isSample, '2024-01-01T00:00:00.000Z')`

function insert(db: Database.Database, over: Record<string, unknown> = {}): void {
  db.prepare(INSERT).run({
    name: 'd',
    kind: 'text',
    hash: 'h1',
    size: 3,
    stats: '{"kind":"text"}',
    isSample: 0,
    ...over
  })
}

describe('migration 0010 datasets', () => {
  let t: TempStore
  let db: Database.Database
  beforeEach(() => {
    t = tempStore()
    db = t.migratedTo(10)
  })
  afterEach(() => t.cleanup())

  it('accepts each of the four kinds and defaults notice to empty', () => {
    for (const [i, kind] of ['text', 'csv', 'labelled', 'class-folder'].entries()) {
      insert(db, { kind, hash: `h${i}` })
    }
    expect(db.prepare('SELECT DISTINCT notice FROM datasets').pluck().all()).toEqual([''])
    expect(db.prepare('SELECT count(*) FROM datasets').pluck().get()).toBe(4)
  })

  it('rejects an unknown kind', () => {
    expect(() => insert(db, { kind: 'image' })).toThrow(/CHECK constraint failed/)
  })

  it('rejects a second dataset with the same content hash', () => {
    insert(db, { name: 'first' })
    expect(() => insert(db, { name: 'second' })).toThrow(/UNIQUE constraint failed/)
  })

  it('is STRICT: a size that is not an integer is refused, not coerced', () => {
    expect(() => insert(db, { size: 'big' })).toThrow(/cannot store TEXT value in INTEGER column/)
    expect(() => insert(db, { size: -1 })).toThrow(/CHECK constraint failed/)
  })

  it('rejects is_sample other than 0 or 1, and stats that are not JSON', () => {
    expect(() => insert(db, { isSample: 2 })).toThrow(/CHECK constraint failed/)
    expect(() => insert(db, { stats: '{not json' })).toThrow(/CHECK constraint failed/)
  })
})
