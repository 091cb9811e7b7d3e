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
  listRuns: { input: RunQuery, output: z.array(RunSummary) }
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
  runStatusChanged: { runId: RunId; status: RunStatus }
}
export type StudioEventName = keyof StudioEvents

export const API_METHODS = Object.keys(studioApi) as StudioMethod[]
export const EVENT_NAMES: readonly StudioEventName[] = ['datasetsChanged', 'runStatusChanged']

export function isStudioMethod(name: unknown): name is StudioMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(studioApi, name)
}
