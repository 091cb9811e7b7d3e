/**
 * The contract's `exportRun` and `exportCurves`, and the CLI's export to a folder it names.
 *
 * Where files go: the API names no folder. An export from the UI (Electron or browser mode) is
 * written to `<home>/exports/<run-name>-<timestamp>/` and the answer says where, so the UI can
 * show it. Only the CLI, run by the user in their own shell, may pass a folder (`--out DIR`,
 * through `exportRunTo`/`exportCurvesTo`, which no transport reaches): a WebSocket client holding
 * the browser-mode token must not be able to make the studio write files anywhere it likes.
 *
 * The engine's export (and with it tfjs) is imported on first use, after the compute backend is
 * activated, as inference does. An export runs in the studio's process: building and serialising
 * the network takes well under a second for the networks the designer allows.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import type { CheckpointData, CheckpointMeta } from '../engine/train/types'
import type { StudioParsedInput, StudioService } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import type { CheckpointChoice, ExportCurvesOutput, ExportRunOutput } from '../shared/api/exports'
import type { RunId } from '../shared/domain/ids'
import type { RunSummary } from '../shared/domain/run'
import {
  bestCheckpoint,
  checkpointAt,
  getRun,
  latestCheckpoint,
  listCheckpoints,
  listMetrics,
  type Checkpoint
} from '../store'

/** Exports from the UI go into this folder of the studio home. */
export const EXPORTS_FOLDER = 'exports'

export interface ExportServiceOptions {
  db: Database.Database
  /** The studio home; exports go to its `exports/` folder. */
  home: string
  /** The studio's version, recorded in studio.json. */
  version: string
  /** Activates the compute backend (once; later calls return the same promise). */
  activateBackend: () => Promise<unknown>
  /** The clock for folder names and studio.json (tests fix it). */
  now?: () => Date
}

export type ExportMethods = Pick<StudioService, 'exportRun' | 'exportCurves'> & {
  /** `exportRun` into a folder the CLI's user named. Not part of the contract. */
  exportRunTo(input: StudioParsedInput<'exportRun'>, outDir: string): Promise<ExportRunOutput>
  /** `exportCurves` into a folder the CLI's user named. Not part of the contract. */
  exportCurvesTo(
    input: StudioParsedInput<'exportCurves'>,
    outDir: string
  ): Promise<ExportCurvesOutput>
}

type ExportEngine = typeof import('../engine/export')

export function createExportMethods(options: ExportServiceOptions): ExportMethods {
  const { db } = options
  const now = options.now ?? (() => new Date())
  let engine: Promise<ExportEngine> | null = null
  const loadEngine = async (): Promise<ExportEngine> => {
    await options.activateBackend()
    engine ??= import('../engine/export')
    return engine
  }

  async function exportRunTo(
    input: StudioParsedInput<'exportRun'>,
    outDir: string
  ): Promise<ExportRunOutput> {
    const run = requireRun(db, input.runId)
    const checkpoint = chooseCheckpoint(db, input.runId, input.checkpoint)
    const api = await loadEngine()
    const metrics = api.metricsAt(listMetrics(db, input.runId), checkpoint.step)
    try {
      const result = await api.exportRun(checkpoint, {
        format: input.format,
        outDir,
        metrics,
        run: { id: run.id, name: run.name },
        studioVersion: options.version,
        now: now()
      })
      return {
        outDir: result.outDir,
        files: result.files,
        step: checkpoint.step,
        isBest: checkpoint.isBest
      }
    } catch (error) {
      throw toApiError(error, api)
    }
  }

  async function exportCurvesTo(
    input: StudioParsedInput<'exportCurves'>,
    outDir: string
  ): Promise<ExportCurvesOutput> {
    const run = requireRun(db, input.runId)
    // Only the CSV writer: it needs no tfjs, so no backend is activated for it.
    const [curves, errors] = await Promise.all([
      import('../engine/export/curves'),
      import('../engine/export/errors')
    ])
    try {
      const result = curves.exportCurves(listMetrics(db, input.runId), run.config, outDir)
      return { outDir: result.outDir, files: result.files, points: result.points }
    } catch (error) {
      throw toApiError(error, errors)
    }
  }

  return {
    async exportRun(input) {
      const run = requireRun(db, input.runId)
      return exportRunTo(input, defaultFolder(options.home, run, '', now()))
    },
    async exportCurves(input) {
      const run = requireRun(db, input.runId)
      return exportCurvesTo(input, defaultFolder(options.home, run, '-curves', now()))
    },
    exportRunTo,
    exportCurvesTo
  }
}

/** @throws ApiError NOT_FOUND */
function requireRun(db: Database.Database, runId: RunId): RunSummary {
  const run = getRun(db, runId)
  if (run === undefined) throw new ApiError('NOT_FOUND', `There is no run with id ${runId}.`)
  return run
}

/**
 * `<home>/exports/<run-name><suffix>-<YYYYMMDD-HHMMSS>` (UTC), with `-2`, `-3`… when two exports
 * of a run start within a second. The name keeps ASCII letters (accents dropped), digits, `.`, `_`
 * and `-`, so it is a valid folder name on every platform.
 */
export function defaultFolder(home: string, run: RunSummary, suffix: string, at: Date): string {
  const name =
    run.name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 60) || `run-${run.id}`
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  const base = join(home, EXPORTS_FOLDER, `${name}${suffix}-${stamp}`)
  let folder = base
  for (let k = 2; existsSync(folder); k++) folder = `${base}-${k}`
  return folder
}

/**
 * The checkpoint `choice` names, read as the engine reads checkpoints.
 * @throws ApiError NOT_FOUND (no run, no checkpoint yet, no checkpoint at that step)
 */
export function chooseCheckpoint(
  db: Database.Database,
  runId: RunId,
  choice: CheckpointChoice
): CheckpointData {
  requireRun(db, runId)
  const latest = latestCheckpoint(db, runId)
  if (latest === undefined) {
    throw new ApiError(
      'NOT_FOUND',
      `Run ${runId} has no checkpoint yet: it writes one at each evaluation and every checkpointEvery steps.`
    )
  }
  const best = bestCheckpoint(db, runId)
  if (choice === 'latest') return toCheckpointData(latest)
  if (choice === 'best') return toCheckpointData(best ?? latest)
  const match = checkpointAt(db, runId, choice)
  if (match !== undefined) return toCheckpointData(match)
  const steps = listCheckpoints(db, runId).map((c) => c.step)
  throw new ApiError(
    'NOT_FOUND',
    `Run ${runId} has no checkpoint at step ${choice}; its checkpoints are at steps ${steps.join(', ')}.`
  )
}

/** A stored checkpoint as the engine reads it (as backend/inference.ts does). */
function toCheckpointData(row: Checkpoint): CheckpointData {
  const meta = row.meta as CheckpointMeta & { epoch?: number }
  return {
    step: row.step,
    epoch: meta.epoch ?? 0,
    // Copies: a blob read from SQLite may sit at any offset of a shared buffer.
    weights: new Uint8Array(row.weights),
    optimizerState: null,
    valLoss: row.valLoss,
    isBest: row.isBest,
    meta
  }
}

/** The engine's refusals as API errors; anything else passes through (INTERNAL). */
function toApiError(error: unknown, api: Pick<ExportEngine, 'ExportError'>): unknown {
  if (!(error instanceof api.ExportError)) return error
  switch (error.code) {
    case 'TARGET_EXISTS':
      return new ApiError('CONFLICT', error.message, { reason: error.code })
    case 'TARGET_UNWRITABLE':
    case 'UNSUPPORTED':
    case 'BAD_CHECKPOINT':
      return new ApiError('UNSUPPORTED', error.message, { reason: error.code })
  }
}
