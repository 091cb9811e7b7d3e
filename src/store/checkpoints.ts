import type Database from 'better-sqlite3'
import type { RunId } from '../shared/domain/ids'
import { StoreError, isForeignKeyError } from './errors'
import { nowIso, prepared } from './statements'

/** What the engine hands over to save a checkpoint. */
export interface NewCheckpoint {
  runId: RunId
  step: number
  /** The model's weights, as the engine serialised them. */
  weights: Buffer
  /** The optimizer's slots (Adam moments…), needed to resume exactly; null when not kept. */
  optimizerState: Buffer | null
  /** Self-description: config, model spec, step, best val loss… Stored as JSON. */
  meta: unknown
  /** Validation loss at this step; null when not measured. NaN is stored as null. */
  valLoss: number | null
  /** The run's best so far; the previous best of the run stops being best. */
  isBest: boolean
}

/** A checkpoint without its blobs: what a list shows. */
export interface CheckpointInfo {
  id: number
  runId: RunId
  step: number
  meta: unknown
  valLoss: number | null
  isBest: boolean
  createdAt: string
  /** Size of the weights blob in bytes. */
  weightsBytes: number
  /** Size of the optimizer-state blob in bytes, 0 when there is none. */
  optimizerStateBytes: number
}

/** A checkpoint with the blobs needed to restore it. */
export interface Checkpoint extends CheckpointInfo {
  weights: Buffer
  optimizerState: Buffer | null
}

interface InfoRow {
  id: number
  run_id: number
  step: number
  meta_json: string
  val_loss: number | null
  is_best: number
  created_at: string
  weights_bytes: number
  optimizer_state_bytes: number
}

interface FullRow extends InfoRow {
  weights: Buffer
  optimizer_state: Buffer | null
}

// length() of a BLOB is read from the record header; the blob itself is not loaded.
const INFO_COLUMNS = `id, run_id, step, meta_json, val_loss, is_best, created_at,
  length(weights) AS weights_bytes, coalesce(length(optimizer_state), 0) AS optimizer_state_bytes`

function toInfo(row: InfoRow): CheckpointInfo {
  return {
    id: row.id,
    runId: row.run_id as RunId,
    step: row.step,
    meta: JSON.parse(row.meta_json) as unknown,
    valLoss: row.val_loss,
    isBest: row.is_best === 1,
    createdAt: row.created_at,
    weightsBytes: row.weights_bytes,
    optimizerStateBytes: row.optimizer_state_bytes
  }
}

function toCheckpoint(row: FullRow): Checkpoint {
  return { ...toInfo(row), weights: row.weights, optimizerState: row.optimizer_state }
}

/**
 * Saves a checkpoint. When it is the best, the run's previous best is cleared in the same
 * transaction, so a run never has two best checkpoints (a unique index enforces it too).
 *
 * @returns the checkpoint's id
 * @throws StoreError NOT_FOUND when the run does not exist
 */
export function saveCheckpoint(db: Database.Database, c: NewCheckpoint): number {
  const clearBest = prepared<[number]>(
    db,
    'UPDATE checkpoints SET is_best = 0 WHERE run_id = ? AND is_best = 1'
  )
  const insert = prepared<unknown[]>(
    db,
    `INSERT INTO checkpoints
       (run_id, step, weights, optimizer_state, meta_json, val_loss, is_best, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
  )
  try {
    return db.transaction(() => {
      if (c.isBest) clearBest.run(c.runId)
      const valLoss = c.valLoss === null || Number.isNaN(c.valLoss) ? null : c.valLoss
      const result = insert.run(
        c.runId,
        c.step,
        c.weights,
        c.optimizerState,
        JSON.stringify(c.meta ?? null),
        valLoss,
        c.isBest ? 1 : 0,
        nowIso()
      )
      return Number(result.lastInsertRowid)
    })()
  } catch (err) {
    if (!isForeignKeyError(err)) throw err
    throw new StoreError(
      'NOT_FOUND',
      `Run ${c.runId} does not exist; the checkpoint was not saved.`
    )
  }
}

/** The run's checkpoint with the highest step (the last one saved at that step), with blobs. */
export function latestCheckpoint(db: Database.Database, runId: RunId): Checkpoint | undefined {
  const row = prepared<[number], FullRow>(
    db,
    `SELECT ${INFO_COLUMNS}, weights, optimizer_state FROM checkpoints
     WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT 1`
  ).get(runId)
  return row === undefined ? undefined : toCheckpoint(row)
}

/** The run's checkpoint marked best, with blobs; undefined when none is. */
export function bestCheckpoint(db: Database.Database, runId: RunId): Checkpoint | undefined {
  const row = prepared<[number], FullRow>(
    db,
    `SELECT ${INFO_COLUMNS}, weights, optimizer_state FROM checkpoints
     WHERE run_id = ? AND is_best = 1`
  ).get(runId)
  return row === undefined ? undefined : toCheckpoint(row)
}

/** The run's checkpoint at `step` (the last one saved at that step), with blobs. */
export function checkpointAt(
  db: Database.Database,
  runId: RunId,
  step: number
): Checkpoint | undefined {
  const row = prepared<[number, number], FullRow>(
    db,
    `SELECT ${INFO_COLUMNS}, weights, optimizer_state FROM checkpoints
     WHERE run_id = ? AND step = ? ORDER BY id DESC LIMIT 1`
  ).get(runId, step)
  return row === undefined ? undefined : toCheckpoint(row)
}

/** The run's checkpoints by step, without their blobs. */
export function listCheckpoints(db: Database.Database, runId: RunId): CheckpointInfo[] {
  return prepared<[number], InfoRow>(
    db,
    `SELECT ${INFO_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step, id`
  )
    .all(runId)
    .map(toInfo)
}
