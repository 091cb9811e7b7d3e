import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunId } from '../shared/domain/ids'
import { StoreError } from './errors'
import { createRun } from './runs'
import { addSample, listSamples } from './samples'
import { type TempStore, tempStore } from './test-support'

describe('samples', () => {
  let t: TempStore
  let db: Database.Database
  let runId: RunId
  beforeEach(() => {
    t = tempStore()
    db = t.open()
    runId = createRun(db, { name: 'r', task: 'char-lm', datasetId: null, config: {} }).id
  })
  afterEach(() => t.cleanup())

  it('round-trips payloads and lists them by step, then in the order added', () => {
    const b = addSample(db, {
      runId,
      step: 200,
      payload: { text: 'To be, or not', temperature: 0.8 }
    })
    const a = addSample(db, { runId, step: 100, payload: 'First Citizen:' })
    const c = addSample(db, { runId, step: 200, payload: [1, 2.5, null] })
    expect(a).toMatchObject({ runId, step: 100, payload: 'First Citizen:' })
    expect(listSamples(db, runId).map((s) => [s.id, s.step, s.payload])).toEqual([
      [a.id, 100, 'First Citizen:'],
      [b.id, 200, { text: 'To be, or not', temperature: 0.8 }],
      [c.id, 200, [1, 2.5, null]]
    ])
  })

  it('stores an undefined payload as null', () => {
    expect(addSample(db, { runId, step: 1, payload: undefined }).payload).toBeNull()
  })

  it("keeps each run's samples apart, and refuses a missing run with NOT_FOUND", () => {
    const other = createRun(db, { name: 'o', task: 'char-lm', datasetId: null, config: {} }).id
    addSample(db, { runId: other, step: 1, payload: 'x' })
    expect(listSamples(db, runId)).toEqual([])
    const add = (): unknown => addSample(db, { runId: 99 as RunId, step: 1, payload: 'x' })
    expect(add).toThrow(StoreError)
    expect(add).toThrow(/Run 99 does not exist/)
  })
})
