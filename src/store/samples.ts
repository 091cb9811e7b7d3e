import type Database from 'better-sqlite3'
import type { RunId } from '../shared/domain/ids'
import { StoreError, isForeignKeyError } from './errors'
import { nowIso, prepared } from './statements'

/** Something a run produced while training (generated text, a forecast…), as stored. */
export interface Sample {
  id: number
  runId: RunId
  step: number
  /** Whatever the task produced; JSON round-trips it. */
  payload: unknown
  createdAt: string
}

interface SampleRow {
  id: number
  run_id: number
  step: number
  payload_json: string
  created_at: string
}

function toSample(row: SampleRow): Sample {
  return {
    id: row.id,
    runId: row.run_id as RunId,
    step: row.step,
    payload: JSON.parse(row.payload_json) as unknown,
    createdAt: row.created_at
  }
}

/**
 * Stores one sample; `payload` is saved as JSON (undefined is saved as null).
 *
 * @returns the sample as stored
 * @throws StoreError NOT_FOUND when the run does not exist
 */
export function addSample(
  db: Database.Database,
  sample: { runId: RunId; step: number; payload: unknown }
): Sample {
  try {
    const row = prepared<[number, number, string, string], SampleRow>(
      db,
      `INSERT INTO samples (run_id, step, payload_json, created_at) VALUES (?, ?, ?, ?)
       RETURNING *`
    ).get(sample.runId, sample.step, JSON.stringify(sample.payload ?? null), nowIso())
    return toSample(row as SampleRow)
  } catch (err) {
    if (!isForeignKeyError(err)) throw err
    throw new StoreError(
      'NOT_FOUND',
      `Run ${sample.runId} does not exist; the sample was not saved.`
    )
  }
}

/** A run's samples by step (then in the order they were added). */
export function listSamples(db: Database.Database, runId: RunId): Sample[] {
  return prepared<[number], SampleRow>(
    db,
    'SELECT * FROM samples WHERE run_id = ? ORDER BY step, id'
  )
    .all(runId)
    .map(toSample)
}
