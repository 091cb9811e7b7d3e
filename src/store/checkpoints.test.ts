import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunId } from '../shared/domain/ids'
import {
  type NewCheckpoint,
  bestCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  saveCheckpoint
} from './checkpoints'
import { StoreError } from './errors'
import { createRun, deleteRun } from './runs'
import { type TempStore, tempStore } from './test-support'

describe('checkpoints', () => {
  let t: TempStore
  let db: Database.Database
  let runId: RunId
  beforeEach(() => {
    t = tempStore()
    db = t.open()
    runId = createRun(db, { name: 'r', task: 'char-lm', datasetId: null, config: {} }).id
  })
  afterEach(() => t.cleanup())

  /** A checkpoint at `step` whose weights are 4 bytes all equal to `step % 256`. */
  function checkpoint(step: number, over: Partial<NewCheckpoint> = {}): NewCheckpoint {
    return {
      runId,
      step,
      weights: Buffer.alloc(4, step % 256),
      optimizerState: null,
      meta: { step, spec: { cell: 'gru', units: 8 } },
      valLoss: null,
      isBest: false,
      ...over
    }
  }

  it('round-trips blobs, meta and val loss', () => {
    const weights = Buffer.from(new Float32Array([0.5, -1.25, 3]).buffer)
    const optimizerState = Buffer.from([9, 8, 7])
    const id = saveCheckpoint(
      db,
      checkpoint(100, { weights, optimizerState, valLoss: 1.5, isBest: true })
    )
    const loaded = latestCheckpoint(db, runId)
    expect(loaded).toMatchObject({
      id,
      runId,
      step: 100,
      meta: { step: 100, spec: { cell: 'gru', units: 8 } },
      valLoss: 1.5,
      isBest: true,
      weightsBytes: 12,
      optimizerStateBytes: 3
    })
    expect(loaded?.weights.equals(weights)).toBe(true)
    expect(Array.from(new Float32Array(new Uint8Array(loaded!.weights).buffer))).toEqual([
      0.5, -1.25, 3
    ])
    expect(loaded?.optimizerState?.equals(optimizerState)).toBe(true)
    expect(loaded?.createdAt).toMatch(/Z$/)
  })

  it('keeps exactly one best per run: a new best clears the previous one', () => {
    const first = saveCheckpoint(db, checkpoint(100, { valLoss: 2, isBest: true }))
    saveCheckpoint(db, checkpoint(200, { valLoss: 2.5, isBest: false }))
    expect(bestCheckpoint(db, runId)?.id).toBe(first)
    const third = saveCheckpoint(db, checkpoint(300, { valLoss: 1, isBest: true }))
    expect(bestCheckpoint(db, runId)?.id).toBe(third)
    expect(listCheckpoints(db, runId).map((c) => [c.step, c.isBest])).toEqual([
      [100, false],
      [200, false],
      [300, true]
    ])
  })

  it("does not touch another run's best", () => {
    const other = createRun(db, { name: 'o', task: 'char-lm', datasetId: null, config: {} }).id
    const otherBest = saveCheckpoint(db, checkpoint(50, { runId: other, isBest: true }))
    saveCheckpoint(db, checkpoint(100, { isBest: true }))
    expect(bestCheckpoint(db, other)?.id).toBe(otherBest)
  })

  it('latest is the highest step, whatever order they were saved in', () => {
    saveCheckpoint(db, checkpoint(300))
    saveCheckpoint(db, checkpoint(100))
    expect(latestCheckpoint(db, runId)?.step).toBe(300)
    expect(latestCheckpoint(db, runId)?.weights.equals(Buffer.alloc(4, 300 % 256))).toBe(true)
  })

  it('lists metadata only, by step, with blob sizes', () => {
    saveCheckpoint(
      db,
      checkpoint(200, { weights: Buffer.alloc(1000), optimizerState: Buffer.alloc(2000) })
    )
    saveCheckpoint(db, checkpoint(100))
    const list = listCheckpoints(db, runId)
    expect(list.map((c) => [c.step, c.weightsBytes, c.optimizerStateBytes])).toEqual([
      [100, 4, 0],
      [200, 1000, 2000]
    ])
    expect(list[0]).not.toHaveProperty('weights')
    expect(list[0]).not.toHaveProperty('optimizerState')
  })

  it('stores a NaN val loss as null', () => {
    saveCheckpoint(db, checkpoint(1, { valLoss: NaN }))
    expect(latestCheckpoint(db, runId)?.valLoss).toBeNull()
  })

  it('has no latest or best checkpoint for a run without any', () => {
    expect(latestCheckpoint(db, runId)).toBeUndefined()
    expect(bestCheckpoint(db, runId)).toBeUndefined()
    expect(listCheckpoints(db, runId)).toEqual([])
  })

  it('refuses a checkpoint for a missing run with NOT_FOUND, and goes with its run', () => {
    const save = (): number => saveCheckpoint(db, checkpoint(1, { runId: 99 as RunId }))
    expect(save).toThrow(StoreError)
    expect(save).toThrow(/Run 99 does not exist/)
    saveCheckpoint(db, checkpoint(1, { isBest: true }))
    deleteRun(db, runId)
    expect(db.prepare('SELECT count(*) FROM checkpoints').pluck().get()).toBe(0)
  })
})
