import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TempStore, queryPlan, tempStore } from '../test-support'

describe('migration 0030 metrics', () => {
  let t: TempStore
  let db: Database.Database
  const insert = (run: number, name: string, step: number, value: unknown): void => {
    db.prepare(
      'INSERT INTO metrics (run_id, name, step, epoch, value, time) VALUES (?, ?, ?, 0, ?, 1000)'
    ).run(run, name, step, value)
  }
  beforeEach(() => {
    t = tempStore()
    db = t.migratedTo(30)
    db.exec(`INSERT INTO runs (id, name, task, config_json, status, created_at) VALUES
      (1, 'a', 'char-lm', '{}', 'running', '2024-01-01T00:00:00.000Z'),
      (2, 'b', 'char-lm', '{}', 'running', '2024-01-01T00:00:00.000Z')`)
  })
  afterEach(() => t.cleanup())

  it('reads "metric X of run R by step" as a primary-key range, with no scan and no sort', () => {
    const plan = queryPlan(
      db,
      'SELECT step, value FROM metrics WHERE run_id = ? AND name = ? AND step > ? ORDER BY step',
      1,
      'loss',
      -1
    )
    expect(plan).toEqual(['SEARCH metrics USING PRIMARY KEY (run_id=? AND name=? AND step>?)'])
  })

  it('returns points in step order whatever order they were written in', () => {
    for (const step of [30, 10, 20]) insert(1, 'loss', step, step / 10)
    insert(1, 'acc', 15, 0.5)
    insert(2, 'loss', 5, 9)
    expect(
      db.prepare("SELECT step, value FROM metrics WHERE run_id = 1 AND name = 'loss'").all()
    ).toEqual([
      { step: 10, value: 1 },
      { step: 20, value: 2 },
      { step: 30, value: 3 }
    ])
  })

  it('holds one point per (run, name, step)', () => {
    insert(1, 'loss', 1, 0.5)
    expect(() => insert(1, 'loss', 1, 0.25)).toThrow(/UNIQUE constraint failed/)
  })

  it('stores NaN as NULL and keeps ±Infinity', () => {
    insert(1, 'loss', 1, NaN)
    insert(1, 'loss', 2, Infinity)
    insert(1, 'loss', 3, -Infinity)
    expect(db.prepare('SELECT value FROM metrics ORDER BY step').pluck().all()).toEqual([
      null,
      Infinity,
      -Infinity
    ])
  })

  it('is STRICT: a text value is refused', () => {
    expect(() => insert(1, 'loss', 1, 'high')).toThrow(/cannot store TEXT value in REAL column/)
  })

  it("deletes a run's points with the run and only those", () => {
    insert(1, 'loss', 1, 0.5)
    insert(2, 'loss', 1, 0.5)
    db.exec('DELETE FROM runs WHERE id = 1')
    expect(db.prepare('SELECT run_id FROM metrics').pluck().all()).toEqual([2])
  })

  it('rejects a point for a run that does not exist', () => {
    expect(() => insert(99, 'loss', 1, 0.5)).toThrow(/FOREIGN KEY constraint failed/)
  })
})
