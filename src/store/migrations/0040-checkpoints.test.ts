import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TempStore, queryPlan, tempStore } from '../test-support'

describe('migration 0040 checkpoints', () => {
  let t: TempStore
  let db: Database.Database
  const insert = (
    run: number,
    step: number,
    isBest: number,
    weights: unknown = Buffer.from([1, 2])
  ): void => {
    db.prepare(
      `INSERT INTO checkpoints (run_id, step, weights, optimizer_state, meta_json, val_loss, is_best, created_at)
       VALUES (?, ?, ?, NULL, '{}', NULL, ?, '2024-01-01T00:00:00.000Z')`
    ).run(run, step, weights, isBest)
  }
  beforeEach(() => {
    t = tempStore()
    db = t.migratedTo(40)
    db.exec(`INSERT INTO runs (id, name, task, config_json, status, created_at) VALUES
      (1, 'a', 'char-lm', '{}', 'running', '2024-01-01T00:00:00.000Z'),
      (2, 'b', 'char-lm', '{}', 'running', '2024-01-01T00:00:00.000Z')`)
  })
  afterEach(() => t.cleanup())

  it('allows one best checkpoint per run', () => {
    insert(1, 100, 1)
    insert(2, 100, 1) // another run may have its own best
    insert(1, 200, 0)
    expect(() => insert(1, 300, 1)).toThrow(/UNIQUE constraint failed/)
  })

  it('requires weights, as a BLOB', () => {
    expect(() => insert(1, 1, 0, null)).toThrow(/NOT NULL constraint failed/)
    expect(() => insert(1, 1, 0, 'abc')).toThrow(/cannot store TEXT value in BLOB column/)
  })

  it("deletes a run's checkpoints with the run", () => {
    insert(1, 100, 1)
    insert(2, 100, 1)
    db.exec('DELETE FROM runs WHERE id = 1')
    expect(db.prepare('SELECT run_id FROM checkpoints').pluck().all()).toEqual([2])
  })

  it('finds the latest and the best checkpoint of a run through indexes', () => {
    expect(
      queryPlan(db, 'SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1', 1)
    ).toEqual(['SEARCH checkpoints USING INDEX checkpoints_run_step (run_id=?)'])
    expect(queryPlan(db, 'SELECT * FROM checkpoints WHERE run_id = ? AND is_best = 1', 1)).toEqual([
      'SEARCH checkpoints USING INDEX checkpoints_one_best (run_id=?)'
    ])
  })
})
