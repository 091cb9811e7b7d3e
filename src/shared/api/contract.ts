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
  BeginImport,
  FinishedImport,
  ImportId,
  ImportRef,
  UploadChunk,
  UploadedChunk
} from './imports'
import { ExportCurvesInput, ExportCurvesOutput, ExportRunInput, ExportRunOutput } from './exports'
import {
  ForecastInput,
  ForecastOutput,
  ModelInfo,
  PredictInput,
  Prediction,
  SampleTextInput,
  SampleTextOutput
} from './inference'
import {
  ListMetricsQuery,
  ListSamplesQuery,
  MetricSeries,
  RenameRun,
  RunDetail,
  RunRef,
  RunStats,
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

/** A named starting point for the designer (engine/tasks/presets.ts), ready for this store. */
export const PresetInfo = z.strictObject({
  /** Kebab-case key, e.g. `tiny-shakespeare-char`. */
  name: z.string(),
  /** One line: what it trains and what to expect. */
  description: z.string(),
  /** The sample dataset it trains on (its name in the catalogue), or null for generated data. */
  sample: z.string().nullable(),
  /** The run config, with the sample's dataset id of this store filled in. */
  config: RunConfig
})
export type PresetInfo = z.infer<typeof PresetInfo>

export const studioApi = {
  getStudioInfo: { input: Empty, output: StudioInfo },
  listDatasets: { input: Empty, output: z.array(DatasetSummary) },
  getDataset: { input: z.strictObject({ datasetId: DatasetId }), output: DatasetSummary },
  /**
   * Dataset import by upload (drag and drop, file pickers): the UI sends file *contents*, never
   * paths. Declares the files; refused with TOO_LARGE before any byte is sent when they are over
   * the size limit. Staged in the studio home until finished or cancelled.
   */
  beginImport: { input: BeginImport, output: z.strictObject({ importId: ImportId }) },
  /** One base64 chunk of one file, in order; any refusal cancels the whole import. */
  uploadChunk: { input: UploadChunk, output: UploadedChunk },
  /**
   * Checks the uploaded files exactly like a dataset added from a path and registers them, kept in
   * the studio home; refused data (UNSUPPORTED, with what to do) leaves the store untouched.
   */
  finishImport: { input: ImportRef, output: FinishedImport },
  /** Drops an import and its staged files; a no-op for an import that is already gone. */
  cancelImport: { input: ImportRef, output: Empty },
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
  renameRun: { input: RenameRun, output: RunSummary },
  /** Per-run numbers a runs table sorts by (best validation loss, last step), for every run. */
  listRunStats: { input: Empty, output: z.array(RunStats) },
  /**
   * The named presets. One whose sample dataset is not registered in this store is left out
   * (its config needs the dataset's id).
   */
  listPresets: { input: Empty, output: z.array(PresetInfo) },
  /** What the run's network reads and answers, from its best checkpoint (else its latest). */
  describeModel: { input: RunRef, output: ModelInfo },
  /** Text from a text-generation run's network. */
  sampleText: { input: SampleTextInput, output: SampleTextOutput },
  /** The network's answer for one input: class probabilities, values, a decoding, next tokens. */
  predict: { input: PredictInput, output: Prediction },
  /** A forecast run's predictions over the last validation rows, with the persistence baseline. */
  forecast: { input: ForecastInput, output: ForecastOutput },
  /**
   * Writes a run's checkpoint as TensorFlow.js and/or ONNX files with studio.json and README.md
   * into `<home>/exports/<run-name>-<timestamp>/` and answers where (the API names no folders:
   * see exports.ts). A format that cannot represent the network is refused (UNSUPPORTED).
   */
  exportRun: { input: ExportRunInput, output: ExportRunOutput },
  /** Writes a run's metrics (metrics.csv) and config (config.json) for reports, like exportRun. */
  exportCurves: { input: ExportCurvesInput, output: ExportCurvesOutput }
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
