import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TempStore, queryPlan, tempStore } from '../test-support'

function insertRun(db: Database.Database, over: Record<string, unknown> = {}): number {
  const result = db
    .prepare(
      `INSERT INTO runs (name, task, dataset_id, config_json, status, created_at)
       VALUES (@name, 'char-lm', @datasetId, '{}', @status, @createdAt)`
    )
    .run({
      name: 'r',
      datasetId: null,
      status: 'queued',
      createdAt: '2024-01-01T00:00:00.000Z',
      ...over
    })
  return Number(result.lastInsertRowid)
}

describe('migration 0020 runs', () => {
  let t: TempStore
  let db: Database.Database
  beforeEach(() => {
    t = tempStore()
    db = t.migratedTo(20)
  })
  afterEach(() => t.cleanup())

  it('accepts the seven run states and rejects any other', () => {
    for (const status of [
      'queued',
      'running',
      'paused',
      'completed',
      'stopped',
      'failed',
      'interrupted'
    ]) {
      insertRun(db, { status })
    }
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(7)
    expect(() => insertRun(db, { status: 'done' })).toThrow(/CHECK constraint failed/)
  })

  it('keeps a run when its dataset is deleted, with dataset_id set to NULL', () => {
    db.exec(`INSERT INTO datasets
      (id, name, kind, source_path, content_hash, size_bytes, stats_json, is_sample, created_at)
      VALUES (3, 'd', 'text', '/d.txt', 'h', 1, '{}', 0, '2024-01-01T00:00:00.000Z')`)
    const runId = insertRun(db, { datasetId: 3 })
    db.exec('DELETE FROM datasets WHERE id = 3')
    expect(db.prepare('SELECT dataset_id FROM runs WHERE id = ?').pluck().get(runId)).toBeNull()
  })

  it('rejects a dataset_id that names no dataset', () => {
    expect(() => insertRun(db, { datasetId: 99 })).toThrow(/FOREIGN KEY constraint failed/)
  })

  it('lists newest first and filters by status through indexes, not table scans', () => {
    expect(
      queryPlan(db, 'SELECT * FROM runs ORDER BY created_at DESC LIMIT 10').join('\n')
    ).toMatch(/SCAN runs USING INDEX runs_created_at/)
    expect(queryPlan(db, "SELECT * FROM runs WHERE status = 'running'").join('\n')).toMatch(
      /SEARCH runs USING INDEX runs_status \(status=\?\)/
    )
  })
})
