import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type TempStore, tempStore } from '../test-support'

describe('migration 0060 run owner', () => {
  let t: TempStore
  let db: Database.Database
  beforeEach(() => {
    t = tempStore()
    db = t.migratedTo(50)
    db.exec(`INSERT INTO runs (id, name, task, config_json, status, created_at) VALUES
      (1, 'old', 'text-generation', '{}', 'running', '2024-01-01T00:00:00.000Z')`)
  })
  afterEach(() => t.cleanup())

  it('keeps existing runs, with no owner', () => {
    db.close()
    db = t.migratedTo(60)
    expect(db.prepare('SELECT name, owner_pid FROM runs').get()).toEqual({
      name: 'old',
      owner_pid: null
    })
  })

  it('stores an integer pid and refuses text (STRICT)', () => {
    db.close()
    db = t.migratedTo(60)
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = 1').run(4242)
    expect(db.prepare('SELECT owner_pid FROM runs').pluck().get()).toBe(4242)
    expect(() => db.prepare("UPDATE runs SET owner_pid = 'me' WHERE id = 1").run()).toThrow(
      /cannot store TEXT/
    )
  })
})
