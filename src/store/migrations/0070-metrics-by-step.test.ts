import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TempStore, tempStore } from '../test-support'

describe('migration 0070 metrics by step', () => {
  let t: TempStore
  let db: Database.Database
  beforeEach(() => {
    t = tempStore()
    db = t.migratedTo(60)
    db.exec(`INSERT INTO runs (id, name, task, config_json, status, created_at) VALUES
      (1, 'old', 'text-generation', '{}', 'completed', '2024-01-01T00:00:00.000Z')`)
    const insert = db.prepare(
      'INSERT INTO metrics (run_id, name, step, epoch, value, time) VALUES (1, ?, ?, 0, 1, 1000)'
    )
    for (const name of ['loss', 'lr', 'val_loss'])
      for (let s = 1; s <= 5; s++) insert.run(name, s * 10)
  })
  afterEach(() => t.cleanup())

  it('keeps the points and finds a run’s last step by a covering index seek', () => {
    const query = 'SELECT max(step) FROM metrics WHERE run_id = ?'
    const before = db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(1) as { detail: string }[]
    expect(before.map((r) => r.detail).join()).not.toMatch(/metrics_by_step/)
    db.close()
    db = t.migratedTo(70)
    expect(db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(15)
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(1) as { detail: string }[]
    expect(plan.map((r) => r.detail)).toEqual([
      'SEARCH metrics USING COVERING INDEX metrics_by_step (run_id=?)'
    ])
    expect(db.prepare(query).pluck().get(1)).toBe(50)
  })
})
