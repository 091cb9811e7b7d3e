import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunId } from '../shared/domain/ids'
import { StoreError } from './errors'
import { createRun } from './runs'
import {
  addSample,
  deleteSamplesAfter,
  deleteSamplesOfType,
  listRecentSamples,
  listSamples
} from './samples'
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

  it('lists the latest samples oldest first, optionally of one payload type', () => {
    for (const step of [10, 20, 30, 40]) {
      addSample(db, { runId, step, payload: { type: 'text', text: `t${step}` } })
      addSample(db, { runId, step, payload: { type: 'diagnostics', step } })
    }
    addSample(db, { runId, step: 50, payload: 'not an object' })
    const steps = (opts: { type?: string; limit: number }): unknown[] =>
      listRecentSamples(db, runId, opts).map((s) => [s.step, (s.payload as { type?: string }).type])
    expect(steps({ type: 'text', limit: 2 })).toEqual([
      [30, 'text'],
      [40, 'text']
    ])
    expect(steps({ limit: 3 })).toEqual([
      [40, 'text'],
      [40, 'diagnostics'],
      [50, undefined]
    ])
    expect(steps({ type: 'evaluation', limit: 5 })).toEqual([])
  })

  it('deletes the samples after a step, or of one type, of one run only', () => {
    const other = createRun(db, { name: 'o', task: 'char-lm', datasetId: null, config: {} }).id
    for (const step of [10, 20, 30]) {
      addSample(db, { runId, step, payload: { type: 'text' } })
      addSample(db, { runId: other, step, payload: { type: 'text' } })
    }
    addSample(db, { runId, step: 5, payload: { type: 'result' } })
    expect(deleteSamplesAfter(db, runId, 20)).toBe(1)
    expect(deleteSamplesOfType(db, runId, 'result')).toBe(1)
    expect(listSamples(db, runId).map((s) => s.step)).toEqual([10, 20])
    expect(listSamples(db, other)).toHaveLength(3)
  })
})
