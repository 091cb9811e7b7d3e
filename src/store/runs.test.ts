import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DatasetId, RunId } from '../shared/domain/ids'
import { RunSummary } from '../shared/domain/run'
import { insertDataset } from './datasets'
import { StoreError } from './errors'
import {
  createRun,
  deleteRun,
  getRun,
  listRuns,
  markRunningRunsInterrupted,
  updateRun
} from './runs'
import { type TempStore, newDataset, tempStore } from './test-support'

describe('runs', () => {
  let t: TempStore
  let db: Database.Database
  beforeEach(() => {
    t = tempStore()
    db = t.open()
  })
  afterEach(() => t.cleanup())

  function run(name: string): RunSummary {
    return createRun(db, { name, task: 'char-lm', datasetId: null, config: {} })
  }

  it('creates a queued run and reads it back as a valid RunSummary', () => {
    const dataset = insertDataset(db, newDataset())
    const config = { cell: 'lstm', units: 128, layers: [1, 2], dropout: 0.25, nested: { a: null } }
    const created = createRun(db, {
      name: 'lstm-128',
      task: 'char-lm',
      datasetId: dataset.id,
      config
    })
    expect(created).toMatchObject({
      id: 1,
      name: 'lstm-128',
      status: 'queued',
      task: 'char-lm',
      datasetId: dataset.id,
      backend: null,
      startedAt: null,
      finishedAt: null,
      error: null,
      config
    })
    expect(RunSummary.parse(created)).toEqual(created)
    expect(getRun(db, created.id)).toEqual(created)
    expect(getRun(db, 99 as RunId)).toBeUndefined()
  })

  it('refuses a dataset that does not exist with NOT_FOUND', () => {
    const create = (): RunSummary =>
      createRun(db, { name: 'r', task: 'char-lm', datasetId: 42 as DatasetId, config: {} })
    expect(create).toThrow(StoreError)
    expect(create).toThrow(/Dataset 42 no longer exists/)
  })

  it('lists newest first, honours the limit, and filters by status', () => {
    const a = run('a')
    const b = run('b')
    const c = run('c')
    updateRun(db, a.id, { status: 'completed' })
    updateRun(db, c.id, { status: 'failed' })
    expect(listRuns(db, { limit: 10 }).map((r) => r.name)).toEqual(['c', 'b', 'a'])
    expect(listRuns(db, { limit: 2 }).map((r) => r.name)).toEqual(['c', 'b'])
    expect(listRuns(db, { status: ['completed', 'failed'], limit: 10 }).map((r) => r.name)).toEqual(
      ['c', 'a']
    )
    expect(listRuns(db, { status: ['queued'], limit: 10 }).map((r) => r.id)).toEqual([b.id])
    expect(listRuns(db, { status: [], limit: 10 })).toEqual([])
  })

  it('updates only the fields a patch sets; null clears', () => {
    const r = run('before')
    const started = updateRun(db, r.id, {
      status: 'running',
      backend: 'wasm',
      startedAt: '2024-05-01T10:00:00.000Z'
    })
    expect(started).toMatchObject({
      name: 'before',
      status: 'running',
      backend: 'wasm',
      startedAt: '2024-05-01T10:00:00.000Z',
      finishedAt: null,
      error: null
    })
    updateRun(db, r.id, {
      status: 'failed',
      error: 'Out of memory',
      finishedAt: '2024-05-01T11:00:00.000Z'
    })
    const renamed = updateRun(db, r.id, { name: 'after', error: null, backend: undefined })
    expect(renamed).toMatchObject({
      name: 'after',
      status: 'failed',
      backend: 'wasm',
      startedAt: '2024-05-01T10:00:00.000Z',
      finishedAt: '2024-05-01T11:00:00.000Z',
      error: null
    })
    expect(getRun(db, r.id)).toEqual(renamed)
    expect(updateRun(db, r.id, {})).toEqual(renamed)
  })

  it('throws NOT_FOUND when updating a run that does not exist', () => {
    expect(() => updateRun(db, 7 as RunId, { status: 'running' })).toThrow(/Run 7 does not exist/)
  })

  it('marks running and paused runs interrupted, and leaves the others alone', () => {
    const statuses = ['queued', 'running', 'paused', 'completed', 'stopped', 'failed'] as const
    for (const status of statuses) updateRun(db, run(status).id, { status })
    expect(markRunningRunsInterrupted(db)).toBe(2)
    expect(
      listRuns(db, { limit: 10 })
        .reverse()
        .map((r) => `${r.name}:${r.status}`)
    ).toEqual([
      'queued:queued',
      'running:interrupted',
      'paused:interrupted',
      'completed:completed',
      'stopped:stopped',
      'failed:failed'
    ])
    expect(markRunningRunsInterrupted(db)).toBe(0)
  })

  it('leaves runs whose owner process is alive to their owner', () => {
    const mine = run('trained elsewhere')
    const orphan = run('owner died')
    updateRun(db, mine.id, { status: 'running', ownerPid: 111 })
    updateRun(db, orphan.id, { status: 'running', ownerPid: 222 })
    expect(markRunningRunsInterrupted(db, (pid) => pid === 111)).toBe(1)
    expect(getRun(db, mine.id)?.status).toBe('running')
    expect(getRun(db, orphan.id)?.status).toBe('interrupted')
  })

  it('deletes a run with its metrics, checkpoints and samples', () => {
    const r = run('doomed')
    const keep = run('kept')
    for (const id of [r.id, keep.id]) {
      db.prepare("INSERT INTO metrics VALUES (?, 'loss', 1, 0, 1.5, 0)").run(id)
      db.prepare(
        "INSERT INTO checkpoints (run_id, step, weights, meta_json, is_best, created_at) VALUES (?, 1, x'00', '{}', 0, 'x')"
      ).run(id)
      db.prepare(
        "INSERT INTO samples (run_id, step, payload_json, created_at) VALUES (?, 1, '1', 'x')"
      ).run(id)
    }
    expect(deleteRun(db, r.id)).toBe(true)
    expect(deleteRun(db, r.id)).toBe(false)
    for (const table of ['metrics', 'checkpoints', 'samples']) {
      expect(db.prepare(`SELECT run_id FROM ${table}`).pluck().all()).toEqual([keep.id])
    }
  })
})
