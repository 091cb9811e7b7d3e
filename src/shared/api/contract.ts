/**
 * THE API between the studio's UI (and any other client) and its backend.
 *
 * One entry per method: `{ input, output }` zod schemas. Every method takes one input object and returns
 * one output. Types are inferred from the schemas, so the two sides cannot drift. Transports (Electron IPC,
 * WebSocket) validate `input` at the edge before the backend sees it.
 */
import { z } from 'zod'
import { BackendInfo } from '../domain/backend'
import { DatasetSummary } from '../domain/dataset'
import { DatasetId, RunId } from '../domain/ids'
import { RunStatus, RunSummary } from '../domain/run'
import { RunConfig } from '../domain/run-config'
import {
  ListMetricsQuery,
  ListSamplesQuery,
  MetricSeries,
  RenameRun,
  RunDetail,
  RunRef,
  StoredSample,
  type MetricPointData
} from './runs'

const Empty = z.strictObject({})

export const StudioInfo = z.strictObject({
  /** The studio's version (package.json). */
  version: z.string(),
  /** The folder holding the database and imported files. */
  home: z.string(),
  databasePath: z.string(),
  /** The compute backend training will use. */
  backend: BackendInfo
})
export type StudioInfo = z.infer<typeof StudioInfo>

export const RunQuery = z.strictObject({
  /** Only runs in these states; all when absent. */
  status: z.array(RunStatus).max(RunStatus.options.length).optional(),
  /** Newest first; at most this many. */
  limit: z.number().int().positive().max(10_000).default(500)
})

export const studioApi = {
  getStudioInfo: { input: Empty, output: StudioInfo },
  listDatasets: { input: Empty, output: z.array(DatasetSummary) },
  getDataset: { input: z.strictObject({ datasetId: DatasetId }), output: DatasetSummary },
  listRuns: { input: RunQuery, output: z.array(RunSummary) },
  /**
   * Queues a run (it starts when a training slot is free). The dataset is checked first (it exists,
   * its file is there, its kind fits the task), so a refused config leaves the store untouched;
   * problems only the trainer can find (too little data…) end the run as `failed` with a reason.
   */
  startRun: { input: RunConfig, output: RunSummary },
  /** Pauses a running run after its current step; its process and model stay in memory. */
  pauseRun: { input: RunRef, output: RunSummary },
  /**
   * Continues a run: a paused one at once; a stopped, interrupted or failed one (or one left
   * queued by an earlier session) in a new process from its latest checkpoint, from scratch if it
   * has none. Metrics and samples logged after that checkpoint are dropped, so the curves continue.
   */
  resumeRun: { input: RunRef, output: RunSummary },
  /** Stops a run after its current step, with a checkpoint; a queued run just leaves the queue. */
  stopRun: { input: RunRef, output: RunSummary },
  getRun: { input: RunRef, output: RunDetail },
  listMetrics: { input: ListMetricsQuery, output: z.array(MetricSeries) },
  listSamples: { input: ListSamplesQuery, output: z.array(StoredSample) },
  /** Removes a run with its metrics, checkpoints and samples; refused while it is queued or training. */
  deleteRun: { input: RunRef, output: Empty },
  renameRun: { input: RenameRun, output: RunSummary }
} as const

export type StudioMethod = keyof typeof studioApi
export type StudioInput<M extends StudioMethod> = z.input<(typeof studioApi)[M]['input']>
export type StudioParsedInput<M extends StudioMethod> = z.output<(typeof studioApi)[M]['input']>
export type StudioOutput<M extends StudioMethod> = z.output<(typeof studioApi)[M]['output']>

/** What a client calls: one async function per method. */
export type StudioApi = {
  [M in StudioMethod]: (input: StudioInput<M>) => Promise<StudioOutput<M>>
}

/** What the backend implements: it receives inputs already parsed (defaults applied). */
export type StudioService = {
  [M in StudioMethod]: (input: StudioParsedInput<M>) => Promise<StudioOutput<M>>
}

/** Events pushed from the backend to every connected UI; past-tense names. */
export interface StudioEvents {
  datasetsChanged: Record<string, never>
  /** A run was created (as `queued`) or changed state; fetch it for the details (error text…). */
  runStatusChanged: { runId: RunId; status: RunStatus }
  /** Metric points just stored, in batches (about 4 a second while a run trains). */
  runMetricsAppended: { runId: RunId; points: MetricPointData[] }
  runSampleAdded: { runId: RunId; step: number; payload: Record<string, unknown> }
  runCheckpointSaved: { runId: RunId; step: number; valLoss: number | null; isBest: boolean }
  runRenamed: { runId: RunId; name: string }
  runDeleted: { runId: RunId }
}
export type StudioEventName = keyof StudioEvents

export const API_METHODS = Object.keys(studioApi) as StudioMethod[]
export const EVENT_NAMES: readonly StudioEventName[] = [
  'datasetsChanged',
  'runStatusChanged',
  'runMetricsAppended',
  'runSampleAdded',
  'runCheckpointSaved',
  'runRenamed',
  'runDeleted'
]

export function isStudioMethod(name: unknown): name is StudioMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(studioApi, name)
}
