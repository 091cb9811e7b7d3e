/**
 * The trainer process's side of the host⇄trainer protocol (src/shared/protocol/trainer.ts), apart
 * from what it trains: it validates every message from the host, runs one training function with
 * hooks that report metrics (batched), checkpoints and samples, turns pause/resume/stop into the
 * answers of `control()`, and always ends with exactly one `done`.
 *
 * The training function is injected, so the same runtime drives the real engine
 * (engine-trainer.ts) and the fake trainers of the host's tests.
 */
import type { ApiErrorData } from '../../shared/api/errors'
import type { BackendInfo } from '../../shared/domain/backend'
import type { DatasetKind } from '../../shared/domain/dataset'
import type { RunId } from '../../shared/domain/ids'
import type { MetricPoint } from '../../shared/domain/run'
import type { RunConfig } from '../../shared/domain/run-config'
import {
  HostToTrainer,
  type CheckpointPayload,
  type TrainerToHost
} from '../../shared/protocol/trainer'
import { DataError } from '../data/errors'
import type {
  CheckpointData,
  CheckpointMeta,
  ControlSignal,
  TrainerHooks,
  TrainResult
} from '../train/types'
import type { ParentPort } from './parent-port'

/** What the host asked this process to train. */
export interface TrainerJob {
  runId: RunId
  config: RunConfig
  /** The dataset's files on disk; null for tasks that generate their data. */
  dataset: { path: string; kind: DatasetKind } | null
  /** Continue from this checkpoint; null starts from fresh weights. */
  resume: CheckpointData | null
  /** The best checkpoint's weights when it is older than `resume` (same manifest). */
  resumeBest?: { step: number; weights: Uint8Array } | null
}

/** What a training function gets besides its job. */
export interface TrainerContext {
  hooks: TrainerHooks
  /** Progress before the first step: the compute backend once chosen, what is being prepared. */
  report(update: { backend?: BackendInfo; message?: string }): void
}

/** Trains one job to the end (or until `control()` says stop); throws on failure. */
export type TrainFunction = (job: TrainerJob, context: TrainerContext) => Promise<TrainResult>

export interface ServeOptions {
  /** Diagnostics (stderr in a real process); never sent to the host. */
  log?: (line: string) => void
  /**
   * Metric points are sent at most this often (ms). A loop that logs every step would otherwise
   * send a message per step; the host batches its writes as well, so this only saves messages.
   */
  metricsIntervalMs?: number
  /** …or as soon as this many points are waiting. */
  metricsMaxPoints?: number
}

/** Hands one message to the host; failures (host gone) are logged, not thrown. */
type Post = (message: TrainerToHost) => Promise<void>

/**
 * Serves one run on `port`: waits for `start`, trains with `train`, posts `done`.
 *
 * @returns resolves after `done` has been handed to the channel; the caller then exits the process
 */
export function serveTrainer(
  port: ParentPort,
  train: TrainFunction,
  options: ServeOptions = {}
): Promise<void> {
  const log = options.log ?? (() => {})
  const metricsIntervalMs = options.metricsIntervalMs ?? 100
  const metricsMaxPoints = options.metricsMaxPoints ?? 200

  const post: Post = (message) =>
    port.send(message).catch((error: unknown) => log(`could not send ${message.type}: ${error}`))

  let started = false
  let finished = false
  let pauseRequested = false
  let stopRequested = false
  let isPaused = false
  let announcedRunning = false
  /** Wakes a `control()` that waits in pause. */
  let wake: (() => void) | null = null

  let pending: MetricPoint[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  function flushMetrics(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
    if (pending.length === 0) return
    const points = pending
    pending = []
    void post({ type: 'metrics', points })
  }

  const hooks: TrainerHooks = {
    onMetrics(points) {
      pending.push(...points)
      if (pending.length >= metricsMaxPoints) flushMetrics()
      else timer ??= setTimeout(flushMetrics, metricsIntervalMs)
    },
    async onCheckpoint(checkpoint) {
      // Metrics first: the host then never holds a checkpoint at step S without the points up to S.
      flushMetrics()
      await post({ type: 'checkpoint', checkpoint: toPayload(checkpoint) })
    },
    onSample(step, payload) {
      flushMetrics()
      void post({ type: 'sample', step, payload: { ...payload } })
    },
    async control(): Promise<ControlSignal> {
      // A training step is one synchronous stretch of tfjs work, and awaiting a promise that is
      // already resolved never lets the event loop turn: without this, the host's pause and stop
      // and the metrics timer would wait until an evaluation awaits a checkpoint (or forever).
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (!announcedRunning && !stopRequested) {
        announcedRunning = true
        void post({ type: 'status', status: 'running' })
      }
      if (pauseRequested && !stopRequested) {
        flushMetrics()
        isPaused = true
        void post({ type: 'status', status: 'paused' })
        while (pauseRequested && !stopRequested) {
          await new Promise<void>((resolve) => (wake = resolve))
        }
        wake = null
        isPaused = false
        if (!stopRequested) void post({ type: 'status', status: 'running' })
      }
      return stopRequested ? 'stop' : 'continue'
    },
    log,
    onEngine: (engine) => void post({ type: 'status', status: 'preparing', engine })
  }

  return new Promise<void>((resolveServed) => {
    async function run(job: TrainerJob): Promise<void> {
      void post({ type: 'status', status: 'preparing' })
      const context: TrainerContext = {
        hooks,
        report: ({ backend, message }) =>
          void post({ type: 'status', status: 'preparing', backend, message })
      }
      let done: TrainerToHost
      try {
        const result = await train(job, context)
        const { status, reason, error, ...summary } = result
        done = { type: 'done', status, reason, summary: { ...summary } }
        if (error !== undefined) done.error = error
      } catch (error) {
        log(`training failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`)
        done = {
          type: 'done',
          status: 'failed',
          reason: 'error',
          summary: {},
          error: describeFailure(error)
        }
      }
      flushMetrics()
      finished = true
      await post(done)
      resolveServed()
    }

    function reply(seq: number, error?: ApiErrorData): void {
      void post(error ? { type: 'reply', seq, ok: false, error } : { type: 'reply', seq, ok: true })
    }

    port.onMessage((raw) => {
      const parsed = HostToTrainer.safeParse(raw)
      if (!parsed.success) {
        // A process boundary is an edge: a malformed message is logged and dropped, never obeyed.
        log(`ignored an invalid message from the host: ${parsed.error.message.slice(0, 500)}`)
        const seq = (raw as { seq?: unknown } | null)?.seq
        if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) {
          reply(seq, conflict('INVALID_INPUT', 'The trainer did not understand that message.'))
        }
        return
      }
      const message = parsed.data
      if (finished) return reply(message.seq, conflict('CONFLICT', 'The run has finished.'))
      switch (message.type) {
        case 'start': {
          if (started) return reply(message.seq, conflict('CONFLICT', 'Already training.'))
          started = true
          reply(message.seq)
          void run({
            runId: message.runId,
            config: message.config,
            dataset: message.dataset,
            resume: message.resume === null ? null : fromPayload(message.resume),
            resumeBest: message.resumeBest
              ? {
                  step: message.resumeBest.step,
                  weights: new Uint8Array(message.resumeBest.weights)
                }
              : null
          })
          return
        }
        case 'pause':
          pauseRequested = true
          return reply(message.seq)
        case 'resume':
          pauseRequested = false
          wake?.()
          // Not paused yet (the step had not ended): nothing was announced, nothing to undo.
          return reply(message.seq)
        case 'stop':
          stopRequested = true
          if (isPaused) wake?.()
          return reply(message.seq)
      }
    })
  })
}

function conflict(code: ApiErrorData['code'], message: string): ApiErrorData {
  return { name: 'ApiError', code, message }
}

/**
 * The sentence a user sees for a failed run. Data problems already say what to fix; anything else
 * is prefixed so it reads as a failure of training, with the original message kept for reports.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof DataError) return error.message
  const message = error instanceof Error ? error.message : String(error)
  return `Training failed: ${message || 'unknown error'}`
}

/** A checkpoint as it crosses the process boundary (meta is opaque to the host). */
export function toPayload(checkpoint: CheckpointData): CheckpointPayload {
  return {
    step: checkpoint.step,
    epoch: checkpoint.epoch,
    weights: checkpoint.weights,
    optimizerState: checkpoint.optimizerState,
    valLoss: checkpoint.valLoss,
    isBest: checkpoint.isBest,
    meta: checkpoint.meta as unknown as Record<string, unknown>
  }
}

/**
 * The checkpoint the host sent back to resume from; its meta is what this engine wrote.
 *
 * The blobs are copied into buffers of their own: a deserialised typed array (or a Buffer) may be
 * a view into a larger buffer at any offset, and engine code reads weights as
 * `new Float32Array(weights.buffer)`.
 */
export function fromPayload(payload: CheckpointPayload): CheckpointData {
  return {
    ...payload,
    weights: new Uint8Array(payload.weights),
    optimizerState: payload.optimizerState === null ? null : new Uint8Array(payload.optimizerState),
    meta: payload.meta as unknown as CheckpointMeta
  }
}
