/**
 * Messages between the backend (host) and a trainer process, one process per run. Both directions
 * are `{ type, … }` tagged unions; requests that expect an answer carry a `seq` echoed by a `reply`.
 * Sent with structured clone (child_process `serialization: 'advanced'`, Electron utilityProcess),
 * so typed arrays travel as they are. Validated on receipt with these schemas: a process boundary
 * is an edge like any other.
 */
import { z } from 'zod'
import { ApiErrorData } from '../api/errors'
import { BackendInfo } from '../domain/backend'
import { DatasetKind } from '../domain/dataset'
import { RunId } from '../domain/ids'
import { MetricPoint } from '../domain/run'
import { RunConfig } from '../domain/run-config'

/** Raw bytes (a Buffer is one too); typed `Uint8Array` so any backing buffer fits. */
const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'Expected bytes')

/**
 * Any JS number, NaN and ±Infinity included. zod 4's `z.number()` refuses non-finite values, but a
 * diverged loss IS a NaN and must reach the store (which keeps it as NULL) instead of getting the
 * whole message dropped as invalid.
 */
const AnyNumber = z.custom<number>((value) => typeof value === 'number', 'Expected a number')

/** A metric point as the trainer reports it: like MetricPoint, but `value` may be NaN or ±Infinity. */
export const TrainerMetricPoint = MetricPoint.extend({ value: AnyNumber })

/** A checkpoint as it crosses the process boundary (see engine/train/types.ts CheckpointData). */
export const CheckpointPayload = z.strictObject({
  step: z.number().int().nonnegative(),
  epoch: z.number().nonnegative(),
  weights: Bytes,
  optimizerState: Bytes.nullable(),
  valLoss: AnyNumber.nullable(),
  isBest: z.boolean(),
  /** CheckpointMeta: config, task metadata, weight manifest, rng state… (opaque to the host). */
  meta: z.record(z.string(), z.unknown())
})
export type CheckpointPayload = z.infer<typeof CheckpointPayload>

export const HostToTrainer = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('start'),
    seq: z.number().int().nonnegative(),
    runId: RunId,
    config: RunConfig,
    /** The dataset's files on disk, for dataset-backed tasks. */
    dataset: z.strictObject({ path: z.string(), kind: DatasetKind }).nullable(),
    /** Continue from this checkpoint instead of from fresh weights. */
    resume: CheckpointPayload.nullable(),
    /**
     * With `resume`: the best checkpoint's step and weights when it is an earlier one, so that the
     * end-of-run evaluation of a resumed run reports the best weights as an uninterrupted run does.
     */
    resumeBest: z.strictObject({ step: z.number().int().nonnegative(), weights: Bytes }).nullish()
  }),
  z.strictObject({ type: z.literal('pause'), seq: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('resume'), seq: z.number().int().nonnegative() }),
  /** Finish the current step, write a checkpoint, report `done` with status 'stopped', exit. */
  z.strictObject({ type: z.literal('stop'), seq: z.number().int().nonnegative() })
])
export type HostToTrainer = z.infer<typeof HostToTrainer>

export const TrainerStatus = z.enum(['preparing', 'running', 'paused'])

export const TrainerToHost = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('reply'),
    seq: z.number().int().nonnegative(),
    ok: z.boolean(),
    error: ApiErrorData.optional()
  }),
  z.strictObject({
    type: z.literal('status'),
    status: TrainerStatus,
    backend: BackendInfo.optional(),
    /** The engine computing the steps once chosen, e.g. `fused onednn` or `tfjs-layers`. */
    engine: z.string().max(200).optional(),
    message: z.string().optional()
  }),
  z.strictObject({ type: z.literal('metrics'), points: z.array(TrainerMetricPoint) }),
  /**
   * Not acknowledged: the host saves it synchronously in its message handler, and one channel
   * delivers messages in order, so anything the trainer sends afterwards (metrics, `done`) is
   * handled after the checkpoint is in the store. The trainer awaits the send itself (the bytes
   * handed to the channel) so a fast loop cannot queue up many weight blobs in memory.
   */
  z.strictObject({ type: z.literal('checkpoint'), checkpoint: CheckpointPayload }),
  z.strictObject({
    type: z.literal('sample'),
    step: z.number().int().nonnegative(),
    payload: z.record(z.string(), z.unknown())
  }),
  z.strictObject({
    type: z.literal('done'),
    status: z.enum(['completed', 'stopped', 'failed']),
    reason: z.string(),
    /** TrainResult (engine/train/types.ts), minus what was already sent. */
    summary: z.record(z.string(), z.unknown()),
    error: z.string().optional()
  })
])
export type TrainerToHost = z.infer<typeof TrainerToHost>
