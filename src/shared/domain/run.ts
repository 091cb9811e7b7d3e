import { z } from 'zod'
import { DatasetId, RunId } from './ids'

/**
 * A run's life: queued → running ⇄ paused → completed | stopped | failed.
 * `interrupted` marks a run whose process died (crash, SIGKILL, app killed) while it was running;
 * it can be resumed from its last checkpoint.
 */
export const RunStatus = z.enum([
  'queued',
  'running',
  'paused',
  'completed',
  'stopped',
  'failed',
  'interrupted'
])
export type RunStatus = z.infer<typeof RunStatus>

export const RunSummary = z.strictObject({
  id: RunId,
  name: z.string(),
  status: RunStatus,
  task: z.string(),
  datasetId: DatasetId.nullable(),
  /** Compute backend that trained it (e.g. `tensorflow`, `wasm`, `cpu`), null before it starts. */
  backend: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Why it failed, in words a user can act on. */
  error: z.string().nullable(),
  /** The run's configuration as given (a RunConfig once the engine lands). */
  config: z.record(z.string(), z.unknown())
})
export type RunSummary = z.infer<typeof RunSummary>

export const MetricPoint = z.strictObject({
  step: z.number().int().nonnegative(),
  epoch: z.number().nonnegative(),
  name: z.string().min(1),
  value: z.number(),
  /** Milliseconds since the Unix epoch when the value was measured. */
  time: z.number()
})
export type MetricPoint = z.infer<typeof MetricPoint>
