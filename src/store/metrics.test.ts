import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunId } from '../shared/domain/ids'
import type { MetricPoint } from '../shared/domain/run'
import { StoreError } from './errors'
import {
  appendMetrics,
  deleteMetricsAfter,
  lastMetricStep,
  listMetrics,
  metricNames,
  runMetricSummaries
} from './metrics'
import { createRun } from './runs'
import { type TempStore, tempStore } from './test-support'

/** A point whose value is easy to check: loss at step s is 1 / (s + 1). */
function loss(step: number): MetricPoint {
  return {
    step,
    epoch: step / 100,
    name: 'loss',
    value: 1 / (step + 1),
    time: 1_700_000_000_000 + step
  }
}

describe('metrics', () => {
  let t: TempStore
  let db: Database.Database
  let runId: RunId
  beforeEach(() => {
    t = tempStore()
    db = t.open()
    runId = createRun(db, { name: 'r', task: 'char-lm', datasetId: null, config: {} }).id
  })
  afterEach(() => t.cleanup())

  it('round-trips points, ordered by name then step', () => {
    appendMetrics(db, runId, [
      loss(2),
      { step: 1, epoch: 0.01, name: 'val_loss', value: 0.75, time: 1_700_000_000_001.5 },
      loss(0),
      loss(1)
    ])
    expect(listMetrics(db, runId)).toEqual([
      { step: 0, epoch: 0, name: 'loss', value: 1, time: 1_700_000_000_000 },
      { step: 1, epoch: 0.01, name: 'loss', value: 0.5, time: 1_700_000_000_001 },
      { step: 2, epoch: 0.02, name: 'loss', value: 1 / 3, time: 1_700_000_000_002 },
      { step: 1, epoch: 0.01, name: 'val_loss', value: 0.75, time: 1_700_000_000_001.5 }
    ])
    expect(listMetrics(db, runId, { name: 'val_loss' }).map((p) => p.value)).toEqual([0.75])
    expect(listMetrics(db, runId, { afterStep: 1 }).map((p) => `${p.name}@${p.step}`)).toEqual([
      'loss@2'
    ])
    expect(listMetrics(db, runId, { name: 'loss', afterStep: 0 }).map((p) => p.step)).toEqual([
      1, 2
    ])
    expect(metricNames(db, runId)).toEqual(['loss', 'val_loss'])
    expect(lastMetricStep(db, runId)).toBe(2)
  })

  it('stores 10,000 points given in one call, and keeps each run apart', () => {
    const other = createRun(db, { name: 'other', task: 'char-lm', datasetId: null, config: {} }).id
    const points: MetricPoint[] = []
    for (let step = 0; step < 5_000; step++) {
      points.push(loss(step), { ...loss(step), name: 'lr', value: 0.001 })
    }
    appendMetrics(db, runId, points)
    appendMetrics(db, other, [loss(7)])
    expect(db.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(runId)).toBe(
      10_000
    )
    const series = listMetrics(db, runId, { name: 'loss' })
    expect(series).toHaveLength(5_000)
    expect(series[4_999]).toEqual(loss(4_999))
    expect(lastMetricStep(db, runId)).toBe(4_999)
    expect(listMetrics(db, other)).toEqual([loss(7)])
  })

  it('is all-or-nothing: one bad point in a batch of 10,000 stores none', () => {
    const points = Array.from({ length: 10_000 }, (_, step) => loss(step))
    points[9_000] = { ...points[9_000], step: 1.5 } // STRICT: a REAL in an INTEGER column
    expect(() => appendMetrics(db, runId, points)).toThrow(/cannot store REAL value in INTEGER/)
    expect(listMetrics(db, runId)).toEqual([])
  })

  it('keeps NaN (stored as NULL, read back as NaN) and ±Infinity', () => {
    appendMetrics(db, runId, [
      { ...loss(0), value: NaN },
      { ...loss(1), value: Infinity },
      { ...loss(2), value: -Infinity }
    ])
    expect(db.prepare('SELECT value FROM metrics ORDER BY step').pluck().all()).toEqual([
      null,
      Infinity,
      -Infinity
    ])
    const values = listMetrics(db, runId).map((p) => p.value)
    expect(values[0]).toBeNaN()
    expect(values.slice(1)).toEqual([Infinity, -Infinity])
  })

  it('replaces a point logged again at the same step (a resumed run)', () => {
    appendMetrics(db, runId, [loss(1), loss(2)])
    appendMetrics(db, runId, [{ ...loss(2), value: 0.125, time: 5 }])
    expect(listMetrics(db, runId).map((p) => [p.step, p.value, p.time])).toEqual([
      [1, 0.5, 1_700_000_000_001],
      [2, 0.125, 5]
    ])
  })

  it('drops the points after a step, for resuming from that step', () => {
    appendMetrics(db, runId, [0, 1, 2, 3].map(loss))
    expect(deleteMetricsAfter(db, runId, 1)).toBe(2)
    expect(listMetrics(db, runId).map((p) => p.step)).toEqual([0, 1])
  })

  it('has no names and no last step for a run with no points; an empty batch is fine', () => {
    appendMetrics(db, runId, [])
    expect(metricNames(db, runId)).toEqual([])
    expect(lastMetricStep(db, runId)).toBeNull()
  })

  it('refuses points for a run that does not exist with NOT_FOUND', () => {
    const append = (): void => appendMetrics(db, 99 as RunId, [loss(0)])
    expect(append).toThrow(StoreError)
    expect(append).toThrow(/Run 99 does not exist/)
  })

  it('summarises every run: lowest finite val_loss (earliest on ties), its step, the last step', () => {
    const val = (step: number, value: number): MetricPoint => ({
      ...loss(step),
      name: 'val_loss',
      value
    })
    appendMetrics(db, runId, [
      val(10, 0.9),
      val(20, NaN), // stored as NULL
      val(30, -Infinity),
      val(40, 0.5),
      val(50, 0.5),
      loss(70)
    ])
    const empty = createRun(db, { name: 'e', task: 'char-lm', datasetId: null, config: {} }).id
    const diverged = createRun(db, { name: 'd', task: 'char-lm', datasetId: null, config: {} }).id
    appendMetrics(db, diverged, [val(5, NaN), val(10, Infinity), loss(12)])
    const byRun = new Map(runMetricSummaries(db, 100).map((s) => [s.runId, s]))
    expect(byRun.get(runId)).toEqual({ runId, bestValLoss: 0.5, bestStep: 40, lastStep: 70 })
    expect(byRun.get(empty)).toEqual({
      runId: empty,
      bestValLoss: null,
      bestStep: null,
      lastStep: null
    })
    expect(byRun.get(diverged)).toEqual({
      runId: diverged,
      bestValLoss: null,
      bestStep: null,
      lastStep: 12
    })
    expect(runMetricSummaries(db, 2)).toHaveLength(2)
  })
})
