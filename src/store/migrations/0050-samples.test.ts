import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TempStore, queryPlan, tempStore } from '../test-support'

describe('migration 0050 samples', () => {
  let t: TempStore
  let db: Database.Database
  const insert = (run: number, step: number, payload: unknown): void => {
    db.prepare(
      `INSERT INTO samples (run_id, step, payload_json, created_at)
       VALUES (?, ?, ?, '2024-01-01T00:00:00.000Z')`
    ).run(run, step, payload)
  }
  beforeEach(() => {
    t = tempStore()
    db = t.migratedTo(50)
    db.exec(`INSERT INTO runs (id, name, task, config_json, status, created_at) VALUES
      (1, 'a', 'char-lm', '{}', 'running', '2024-01-01T00:00:00.000Z'),
      (2, 'b', 'char-lm', '{}', 'running', '2024-01-01T00:00:00.000Z')`)
  })
  afterEach(() => t.cleanup())

  it('requires a JSON payload', () => {
    expect(() => insert(1, 1, null)).toThrow(/NOT NULL constraint failed/)
    expect(() => insert(1, 1, 'not json')).toThrow(/CHECK constraint failed/)
    insert(1, 1, '{"text":"hello"}')
  })

  it("deletes a run's samples with the run", () => {
    insert(1, 1, '"a"')
    insert(2, 1, '"b"')
    db.exec('DELETE FROM runs WHERE id = 1')
    expect(db.prepare('SELECT payload_json FROM samples').pluck().all()).toEqual(['"b"'])
  })

  it("reads a run's samples by step through the (run_id, step) index", () => {
    expect(queryPlan(db, 'SELECT * FROM samples WHERE run_id = ? ORDER BY step', 1)).toEqual([
      'SEARCH samples USING INDEX samples_run_step (run_id=?)'
    ])
  })
})
