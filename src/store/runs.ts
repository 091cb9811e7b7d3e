import type Database from 'better-sqlite3'
import type { DatasetId, RunId } from '../shared/domain/ids'
import type { RunStatus, RunSummary } from '../shared/domain/run'
import { StoreError, isForeignKeyError } from './errors'
import { nowIso, prepared, runReturning } from './statements'

/** What a new run is made from; it starts `queued`. */
export interface NewRun {
  name: string
  task: string
  datasetId: DatasetId | null
  /** The run's configuration as given; stored as JSON. */
  config: Record<string, unknown>
}

/** The fields of a run that change after it is created. A field left out is left as it is. */
export type RunPatch = Partial<
  Pick<RunSummary, 'name' | 'status' | 'backend' | 'startedAt' | 'finishedAt' | 'error'> & {
    /** Process id of the studio process that trains the run (null: nobody). */
    ownerPid: number | null
  }
>

interface RunRow {
  id: number
  name: string
  task: string
  dataset_id: number | null
  config_json: string
  status: RunStatus
  backend: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  error: string | null
}

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id as RunId,
    name: row.name,
    status: row.status,
    task: row.task,
    datasetId: row.dataset_id as DatasetId | null,
    backend: row.backend,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    config: JSON.parse(row.config_json) as Record<string, unknown>
  }
}

/**
 * Records a new run in state `queued`.
 *
 * @throws StoreError NOT_FOUND when `datasetId` names no dataset
 */
export function createRun(db: Database.Database, run: NewRun): RunSummary {
  try {
    const row = runReturning(
      prepared<unknown[], RunRow>(
        db,
        `INSERT INTO runs (name, task, dataset_id, config_json, status, created_at)
         VALUES (?, ?, ?, ?, 'queued', ?)
         RETURNING *`
      ),
      run.name,
      run.task,
      run.datasetId,
      JSON.stringify(run.config),
      nowIso()
    )
    return toSummary(row as RunRow)
  } catch (err) {
    if (!isForeignKeyError(err)) throw err
    throw new StoreError(
      'NOT_FOUND',
      `Dataset ${run.datasetId} no longer exists; pick another dataset for this run.`
    )
  }
}

/** The run with this id, or undefined. */
export function getRun(db: Database.Database, id: RunId): RunSummary | undefined {
  const row = prepared<[number], RunRow>(db, 'SELECT * FROM runs WHERE id = ?').get(id)
  return row === undefined ? undefined : toSummary(row)
}

/** Which runs {@link listRuns} returns. */
export interface ListRunsOptions {
  /** Only runs in these states; every state when absent. */
  status?: readonly RunStatus[]
  /** At most this many. */
  limit: number
}

/** Runs, newest first (by creation time, then id), optionally only those in some states. */
export function listRuns(db: Database.Database, opts: ListRunsOptions): RunSummary[] {
  const rows =
    opts.status === undefined
      ? prepared<[number], RunRow>(
          db,
          'SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?'
        ).all(opts.limit)
      : // One statement for any set of states: the list travels as a JSON array.
        prepared<[string, number], RunRow>(
          db,
          `SELECT * FROM runs
           WHERE status IN (SELECT value FROM json_each(?))
           ORDER BY created_at DESC, id DESC
           LIMIT ?`
        ).all(JSON.stringify(opts.status), opts.limit)
  return rows.map(toSummary)
}

/**
 * Changes some fields of a run; `null` clears a nullable field, an absent (or undefined) key
 * leaves it alone.
 *
 * @returns the run as it is now
 * @throws StoreError NOT_FOUND when there is no such run
 */
export function updateRun(db: Database.Database, id: RunId, patch: RunPatch): RunSummary {
  // One fixed statement for every patch shape: each column takes its new value only when the
  // patch sets it (`has_x` = 1), so no SQL is built from the caller's keys.
  const row = runReturning(
    prepared<[Record<string, unknown>], RunRow>(
      db,
      `UPDATE runs SET
       name = iif(@has_name, @name, name),
       status = iif(@has_status, @status, status),
       backend = iif(@has_backend, @backend, backend),
       started_at = iif(@has_started_at, @started_at, started_at),
       finished_at = iif(@has_finished_at, @finished_at, finished_at),
       error = iif(@has_error, @error, error),
       owner_pid = iif(@has_owner_pid, @owner_pid, owner_pid)
     WHERE id = @id
     RETURNING *`
    ),
    {
      id,
      has_name: patch.name !== undefined ? 1 : 0,
      name: patch.name ?? null,
      has_status: patch.status !== undefined ? 1 : 0,
      status: patch.status ?? null,
      has_backend: patch.backend !== undefined ? 1 : 0,
      backend: patch.backend ?? null,
      has_started_at: patch.startedAt !== undefined ? 1 : 0,
      started_at: patch.startedAt ?? null,
      has_finished_at: patch.finishedAt !== undefined ? 1 : 0,
      finished_at: patch.finishedAt ?? null,
      has_error: patch.error !== undefined ? 1 : 0,
      error: patch.error ?? null,
      has_owner_pid: patch.ownerPid !== undefined ? 1 : 0,
      owner_pid: patch.ownerPid ?? null
    }
  )
  if (row === undefined) throw new StoreError('NOT_FOUND', `Run ${id} does not exist.`)
  return toSummary(row)
}

/**
 * At start-up, marks runs whose trainer died with its studio process as `interrupted`, so the UI
 * offers to resume them from their last checkpoint instead of showing them as live.
 *
 * `running` and `paused` runs are marked: a paused run's model lived in its trainer process too,
 * so both need a checkpoint to continue. `queued` runs never started and stay queued. A run whose
 * owner process is still alive (another studio process on the same home: the app beside a CLI
 * `train`) is left alone.
 *
 * @param isAlive tells whether a process id is a live process on this machine
 * @returns how many runs were marked
 */
export function markRunningRunsInterrupted(
  db: Database.Database,
  isAlive: (pid: number) => boolean = () => false
): number {
  const live = prepared<[], { id: number; owner_pid: number | null }>(
    db,
    `SELECT id, owner_pid FROM runs WHERE status IN ('running', 'paused')`
  ).all()
  const orphans = live.filter((r) => r.owner_pid === null || !isAlive(r.owner_pid))
  const mark = prepared<[number]>(
    db,
    `UPDATE runs SET status = 'interrupted', owner_pid = NULL WHERE id = ?`
  )
  db.transaction(() => orphans.forEach((r) => mark.run(r.id)))()
  return orphans.length
}

/**
 * Removes a run with its metrics, checkpoints and samples (ON DELETE CASCADE).
 *
 * @returns false when there was no such run
 */
export function deleteRun(db: Database.Database, id: RunId): boolean {
  return prepared<[number]>(db, 'DELETE FROM runs WHERE id = ?').run(id).changes > 0
}
