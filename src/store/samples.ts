import type Database from 'better-sqlite3'
import type { RunId } from '../shared/domain/ids'
import { StoreError, isForeignKeyError } from './errors'
import { nowIso, prepared, runReturning } from './statements'

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
    const row = runReturning(
      prepared<[number, number, string, string], SampleRow>(
        db,
        `INSERT INTO samples (run_id, step, payload_json, created_at) VALUES (?, ?, ?, ?)
         RETURNING *`
      ),
      sample.runId,
      sample.step,
      JSON.stringify(sample.payload ?? null),
      nowIso()
    )
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

/** Which samples {@link listRecentSamples} returns. */
export interface RecentSamplesOptions {
  /** Only samples whose payload is an object with this `type` (`text`, `diagnostics`…). */
  type?: string
  /** At most this many: the latest ones. */
  limit: number
}

/**
 * A run's latest samples (highest steps), returned oldest first like {@link listSamples}: a UI
 * shows the last few generations of a long run without loading all of them.
 */
export function listRecentSamples(
  db: Database.Database,
  runId: RunId,
  opts: RecentSamplesOptions
): Sample[] {
  // Walks the (run_id, step) index backwards; the type filter reads each payload it passes, which
  // is fine for the hundreds of samples a run keeps.
  const rows = prepared<[number, string | null, string | null, number], SampleRow>(
    db,
    `SELECT * FROM samples
     WHERE run_id = ? AND (? IS NULL OR json_extract(payload_json, '$.type') = ?)
     ORDER BY step DESC, id DESC
     LIMIT ?`
  ).all(runId, opts.type ?? null, opts.type ?? null, opts.limit)
  return rows.reverse().map(toSample)
}

/**
 * Removes a run's samples from after `step`, so a run resumed from the checkpoint at `step` does
 * not keep what the abandoned stretch produced.
 *
 * @returns how many samples were removed
 */
export function deleteSamplesAfter(db: Database.Database, runId: RunId, step: number): number {
  return prepared<[number, number]>(db, 'DELETE FROM samples WHERE run_id = ? AND step > ?').run(
    runId,
    step
  ).changes
}

/**
 * Removes a run's samples of one payload `type` at any step (e.g. the final result of a run that
 * is being trained further).
 *
 * @returns how many samples were removed
 */
export function deleteSamplesOfType(db: Database.Database, runId: RunId, type: string): number {
  return prepared<[number, string]>(
    db,
    `DELETE FROM samples WHERE run_id = ? AND json_extract(payload_json, '$.type') = ?`
  ).run(runId, type).changes
}
