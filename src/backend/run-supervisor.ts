/**
 * Owns the trainer processes, one per run, and is the ONLY code that writes a run's progress to the
 * store. Runs wait in a queue until one of `concurrency` training slots is free; each trainer's
 * messages are validated (a process boundary is an edge), persisted and fanned out as events.
 *
 * Writes: metric points are buffered and stored in one transaction per batch (every
 * `flushIntervalMs`, or `flushMaxPoints` points, and always before a checkpoint, a sample, `done`
 * or an exit), so a fast loop costs a few commits a second. Checkpoints are stored the moment they
 * arrive: the trainer does not wait for an acknowledgement (see CheckpointPayload in the protocol),
 * so "received" must mean "saved".
 *
 * Status: queued → running ⇄ paused → completed | stopped | failed, as the trainer reports it; a
 * trainer that exits without `done` (crash, SIGKILL, the studio closing) leaves its run
 * `interrupted`, resumable from its latest checkpoint.
 */
import type Database from 'better-sqlite3'
import { ApiError } from '../shared/api/errors'
import type { MetricPointData, RunResult } from '../shared/api/runs'
import type { RunId } from '../shared/domain/ids'
import type { MetricPoint, RunStatus, RunSummary } from '../shared/domain/run'
import { RunConfig } from '../shared/domain/run-config'
import {
  TrainerToHost,
  type CheckpointPayload,
  type HostToTrainer
} from '../shared/protocol/trainer'
import {
  addSample,
  bestCheckpoint,
  appendMetrics,
  deleteMetricsAfter,
  deleteSamplesAfter,
  deleteSamplesOfType,
  getDataset,
  getRun,
  latestCheckpoint,
  saveCheckpoint,
  StoreError,
  toStoreError,
  updateRun,
  type RunPatch
} from '../store'
import type { StudioEventBus } from './event-bus'
import type { ProcessExit, ProcessHost, TrainerHandle } from './process-host'

/** The sample `payload.type` under which a finished run's RunResult is kept. */
export const RESULT_SAMPLE_TYPE = 'result'

export interface RunSupervisorOptions {
  db: Database.Database
  events: StudioEventBus
  processHost: ProcessHost
  /** The trainer process's entry module (src/engine/worker/trainer-process.ts, or a test fake). */
  trainerEntry: string
  /** Runs trained at once. 1 by default: one run already keeps a laptop's cores busy. */
  concurrency?: number
  /** Longest time metric points wait in memory before they are stored (ms). */
  flushIntervalMs?: number
  /** Store at once when this many points wait. */
  flushMaxPoints?: number
  /** A trainer told to stop that has not finished after this long (ms) is killed. */
  stopTimeoutMs?: number
  log?: (line: string) => void
}

/** One run in its trainer process. */
interface LiveRun {
  runId: RunId
  handle: TrainerHandle
  nextSeq: number
  /** Metric points received and not stored yet. */
  pending: MetricPoint[]
  flushTimer: ReturnType<typeof setTimeout> | null
  /** The trainer said `done`; its exit is then expected. */
  done: boolean
  stopping: boolean
  killTimer: ReturnType<typeof setTimeout> | null
  /** The step of the checkpoint a restart would continue from. */
  checkpointStep: number | null
  /** Why the run failed on the host's side (a write the store refused); set before a kill. */
  hostError: string | null
  /**
   * Why the store refuses the run's output for now (its disk is full or read-only): the run is
   * paused, and what its trainer sends meanwhile waits in `backlog` until a resume stores it.
   */
  storeProblem: string | null
  /** Trainer messages not stored yet, oldest first (see `storeProblem`). */
  backlog: TrainerToHost[]
  /** The last lines the process printed: the reason for a crash is usually among them. */
  outputTail: string[]
}

interface QueueEntry {
  runId: RunId
  /** Continue from the latest checkpoint (and drop what was logged after it). */
  restart: boolean
}

const OUTPUT_TAIL_LINES = 20

type StatusPatch = RunPatch & { status: RunStatus }

/** Trainer processes, a queue in front of them, and the writes their messages cause. */
export class RunSupervisor {
  readonly #db: Database.Database
  readonly #events: StudioEventBus
  readonly #host: ProcessHost
  readonly #entry: string
  readonly #concurrency: number
  readonly #flushIntervalMs: number
  readonly #flushMaxPoints: number
  readonly #stopTimeoutMs: number
  readonly #log: (line: string) => void
  #queue: QueueEntry[] = []
  readonly #live = new Map<RunId, LiveRun>()
  /** Trainers that reported `done` and have not exited yet. */
  readonly #exiting = new Set<LiveRun>()
  /** No new processes start (shutting down); messages are still handled. */
  #draining = false
  /** Disposed: the database may be closed, so nothing is handled any more. */
  #disposed = false
  /**
   * Ends of runs (failed, interrupted) the store refused to record, its disk being full: kept here,
   * shown by the API in place of the stored `running`, and retried every second until one lands.
   */
  readonly #unrecorded = new Map<RunId, StatusPatch>()
  #retryTimer: ReturnType<typeof setInterval> | null = null

  constructor(options: RunSupervisorOptions) {
    this.#db = options.db
    this.#events = options.events
    this.#host = options.processHost
    this.#entry = options.trainerEntry
    this.#concurrency = options.concurrency ?? 1
    this.#flushIntervalMs = options.flushIntervalMs ?? 250
    this.#flushMaxPoints = options.flushMaxPoints ?? 1000
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 60_000
    this.#log = options.log ?? (() => {})
  }

  /** True while the run waits in this supervisor's queue. */
  isQueued(runId: RunId): boolean {
    return this.#queue.some((entry) => entry.runId === runId)
  }

  /** True while the run has a trainer process that has not reported `done`. */
  isLive(runId: RunId): boolean {
    return this.#live.has(runId)
  }

  /**
   * How a run ended when the store could not record it yet (see #unrecorded): the fields to show
   * over the stored row. Undefined when the store holds the truth.
   */
  unrecordedEnd(runId: RunId): Pick<RunSummary, 'status' | 'error' | 'finishedAt'> | undefined {
    const patch = this.#unrecorded.get(runId)
    if (patch === undefined) return undefined
    return {
      status: patch.status,
      error: patch.error ?? null,
      finishedAt: patch.finishedAt ?? null
    }
  }

  /** Runs with a trainer process now. */
  get liveRunIds(): RunId[] {
    return [...this.#live.keys()]
  }

  /**
   * Puts a run that is in the store at the end of the queue, as `queued`, and starts it when a
   * slot is free.
   *
   * @param restart continue from its latest checkpoint (from scratch without one), dropping what
   *   it logged after that checkpoint; false for a new run
   */
  enqueue(runId: RunId, options: { restart: boolean }): RunSummary {
    if (this.#draining) throw new ApiError('CONFLICT', 'The studio is shutting down.')
    if (this.isQueued(runId) || this.isLive(runId)) {
      throw new ApiError('CONFLICT', `Run ${runId} is already queued or training.`)
    }
    const run = this.#setStatus(runId, { status: 'queued', finishedAt: null, error: null })
    this.#unrecorded.delete(runId)
    this.#queue.push({ runId, restart: options.restart })
    this.#pump()
    return getRun(this.#db, runId) ?? run
  }

  /**
   * Asks a training run to pause after its current step; its status becomes `paused` when the
   * trainer says it has.
   */
  pause(runId: RunId): void {
    const live = this.#requireLive(runId, 'pause')
    this.#send(live, { type: 'pause', seq: live.nextSeq++ })
  }

  /**
   * Lets a paused run go on. A run paused because the store refused its output first stores what
   * waited meanwhile; while the store still refuses, the run stays paused and this says why.
   * @throws ApiError CONFLICT when the store still refuses
   */
  resume(runId: RunId): void {
    const live = this.#requireLive(runId, 'resume')
    if (live.storeProblem !== null) {
      try {
        this.#flush(live)
        while (live.backlog.length > 0) {
          this.#handle(live, live.backlog[0])
          live.backlog.shift()
        }
      } catch (error) {
        const why = persistFailure(error)
        live.storeProblem = why
        throw new ApiError('CONFLICT', `The run stays paused: ${why}`)
      }
      live.storeProblem = null
      this.#unrecorded.delete(runId)
      // The backlog may have held the run's end (it finished its last step as the disk filled).
      if (this.#live.get(runId) !== live) return
      this.#setStatus(runId, { status: 'paused', error: null })
    }
    this.#send(live, { type: 'resume', seq: live.nextSeq++ })
  }

  /**
   * Stops a run: a queued one leaves the queue (`stopped` at once); a live one is asked to stop
   * after its current step, with a checkpoint, and is killed if it has not finished within
   * `stopTimeoutMs`.
   */
  stop(runId: RunId): void {
    const queued = this.#queue.findIndex((entry) => entry.runId === runId)
    if (queued >= 0) {
      this.#queue.splice(queued, 1)
      this.#setStatus(runId, { status: 'stopped', finishedAt: new Date().toISOString() })
      return
    }
    const live = this.#requireLive(runId, 'stop')
    if (live.stopping) return
    live.stopping = true
    this.#send(live, { type: 'stop', seq: live.nextSeq++ })
    live.killTimer = setTimeout(() => {
      this.#log(`run ${runId}: no answer ${this.#stopTimeoutMs} ms after stop; killing its trainer`)
      live.handle.kill()
    }, this.#stopTimeoutMs)
  }

  /**
   * Stops every live run gracefully (each writes a checkpoint), waiting at most `timeoutMs`, then
   * kills what is left. Queued runs stay `queued` in the store. Call {@link dispose} afterwards.
   */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    this.#draining = true
    this.#queue = []
    const exits = [...this.#live.values(), ...this.#exiting].map((live) => this.#exited(live))
    for (const runId of this.#live.keys()) this.stop(runId)
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())
    await Promise.race([Promise.all(exits), timer])
    for (const live of [...this.#live.values(), ...this.#exiting]) live.handle.kill()
    await Promise.race([
      Promise.all(exits),
      new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())
    ])
  }

  /**
   * Kills every trainer at once and marks its run `interrupted`; after this nothing touches the
   * database, so it may be closed. Synchronous, for `Studio.close()`.
   *
   * @param why the first sentence of the runs' error text
   */
  dispose(why = 'The studio closed while this run was training.'): void {
    if (this.#disposed) return
    this.#draining = true
    this.#queue = []
    for (const live of this.#live.values()) {
      this.#clearTimers(live)
      live.handle.kill()
      try {
        this.#flush(live)
        this.#markInterrupted(live, why)
      } catch (error) {
        // Closing must not fail half-way; the next start marks the run interrupted anyway.
        this.#log(`run ${live.runId}: could not record its end: ${stack(error)}`)
      }
    }
    this.#live.clear()
    for (const live of this.#exiting) {
      this.#clearTimers(live)
      live.handle.kill()
    }
    this.#exiting.clear()
    // Left `running` in the store; the next start marks those runs interrupted.
    if (this.#retryTimer !== null) clearInterval(this.#retryTimer)
    this.#disposed = true
  }

  #requireLive(runId: RunId, action: string): LiveRun {
    const live = this.#live.get(runId)
    if (live === undefined || live.done) {
      const run = getRun(this.#db, runId)
      if (run === undefined) throw new ApiError('NOT_FOUND', `There is no run with id ${runId}.`)
      throw new ApiError(
        'CONFLICT',
        `Run ${runId} is ${run.status}; only a live run can ${action}.`
      )
    }
    return live
  }

  #pump(): void {
    while (!this.#draining && this.#live.size < this.#concurrency && this.#queue.length > 0) {
      const entry = this.#queue.shift()!
      try {
        this.#start(entry)
      } catch (error) {
        // A bug or a store failure: the run must not stay "queued" forever, nor block the queue.
        this.#log(`run ${entry.runId} could not start: ${stack(error)}`)
        this.#setStatusIfExists(entry.runId, {
          status: 'failed',
          finishedAt: new Date().toISOString(),
          error: `The run could not be started: ${messageOf(error)}`
        })
      }
    }
  }

  #start({ runId, restart }: QueueEntry): void {
    const run = getRun(this.#db, runId)
    if (run === undefined) return // deleted while it waited
    const parsed = RunConfig.safeParse(run.config)
    if (!parsed.success) {
      this.#fail(runId, `The run's configuration is not valid any more: ${parsed.error.message}`)
      return
    }
    const config = parsed.data
    const datasetRow = run.datasetId === null ? undefined : getDataset(this.#db, run.datasetId)
    if (needsDataset(config) && datasetRow === undefined) {
      this.#fail(
        runId,
        'Its dataset was removed from the studio; add it again and start a new run.'
      )
      return
    }

    let resume: CheckpointPayload | null = null
    let resumeBest: { step: number; weights: Uint8Array } | null = null
    let checkpointStep: number | null = null
    if (restart) {
      const checkpoint = latestCheckpoint(this.#db, runId)
      checkpointStep = checkpoint?.step ?? null
      // What was logged after the checkpoint is replayed by the new process: drop it so every
      // step appears once (-1 clears everything when there is no checkpoint).
      this.#db.transaction(() => {
        deleteMetricsAfter(this.#db, runId, checkpointStep ?? -1)
        deleteSamplesAfter(this.#db, runId, checkpointStep ?? -1)
        deleteSamplesOfType(this.#db, runId, RESULT_SAMPLE_TYPE)
      })()
      if (checkpoint !== undefined) {
        resume = {
          step: checkpoint.step,
          epoch: epochOf(checkpoint.meta),
          weights: checkpoint.weights,
          optimizerState: checkpoint.optimizerState,
          valLoss: checkpoint.valLoss,
          isBest: checkpoint.isBest,
          meta: (checkpoint.meta ?? {}) as Record<string, unknown>
        }
        const best = checkpoint.isBest ? undefined : bestCheckpoint(this.#db, runId)
        if (best !== undefined && best.step < checkpoint.step) {
          resumeBest = { step: best.step, weights: best.weights }
        }
      }
    }

    // The status first: if the store refuses it, no process has been started to leak.
    this.#setStatus(runId, {
      status: 'running',
      startedAt: run.startedAt ?? new Date().toISOString(),
      finishedAt: null,
      error: null,
      ownerPid: process.pid
    })
    const handle = this.#host.fork(this.#entry, { name: `trainer-run-${runId}` })
    const live: LiveRun = {
      runId,
      handle,
      nextSeq: 1,
      pending: [],
      flushTimer: null,
      done: false,
      stopping: false,
      killTimer: null,
      checkpointStep,
      hostError: null,
      storeProblem: null,
      backlog: [],
      outputTail: []
    }
    this.#live.set(runId, live)
    handle.onMessage((message) => this.#onMessage(live, message))
    handle.onOutput((line) => {
      live.outputTail.push(line)
      if (live.outputTail.length > OUTPUT_TAIL_LINES) live.outputTail.shift()
      this.#log(`[run ${runId}] ${line}`)
    })
    handle.onExit((exit) => this.#onExit(live, exit))
    this.#send(live, {
      type: 'start',
      seq: 0,
      runId,
      config,
      dataset:
        datasetRow === undefined ? null : { path: datasetRow.sourcePath, kind: datasetRow.kind },
      resume,
      resumeBest
    })
  }

  #onMessage(live: LiveRun, raw: unknown): void {
    if (this.#disposed || this.#live.get(live.runId) !== live) return
    const parsed = TrainerToHost.safeParse(raw)
    if (!parsed.success) {
      // Logged and dropped: a confused trainer must not crash the host or corrupt the store.
      const type = (raw as { type?: unknown } | null)?.type
      this.#log(
        `run ${live.runId}: ignored an invalid message from its trainer` +
          ` (type ${JSON.stringify(type) ?? typeof raw}): ${parsed.error.message.slice(0, 300)}`
      )
      return
    }
    const message = parsed.data
    if (live.storeProblem !== null && message.type !== 'reply') {
      live.backlog.push(message)
      return
    }
    try {
      this.#handle(live, message)
    } catch (error) {
      this.#onPersistFailure(live, error, message)
    }
  }

  #handle(live: LiveRun, message: TrainerToHost): void {
    const { runId } = live
    switch (message.type) {
      case 'reply':
        if (!message.ok)
          this.#log(`run ${runId}: trainer refused a request: ${message.error?.message}`)
        return
      case 'status': {
        // Points logged before a pause are stored (and announced) before the pause is.
        this.#flush(live)
        if (message.backend) updateRun(this.#db, runId, { backend: message.backend.selected })
        // The run records the engine beside the backend: "wasm + fused onednn".
        const backend = message.engine ? getRun(this.#db, runId)?.backend : undefined
        if (message.engine && message.engine !== 'tfjs-layers' && backend) {
          updateRun(this.#db, runId, { backend: `${backend.split(' + ')[0]} + ${message.engine}` })
        }
        if (message.status === 'paused') this.#setStatus(runId, { status: 'paused' })
        else if (message.status === 'running') this.#setStatus(runId, { status: 'running' })
        return
      }
      case 'metrics':
        live.pending.push(...message.points)
        if (live.pending.length >= this.#flushMaxPoints) this.#flush(live)
        else live.flushTimer ??= setTimeout(() => this.#flushSafely(live), this.#flushIntervalMs)
        return
      case 'checkpoint': {
        // Points first: a checkpoint at step S never lands before the points up to S.
        this.#flush(live)
        const c = message.checkpoint
        saveCheckpoint(this.#db, {
          runId,
          step: c.step,
          weights: toBuffer(c.weights),
          optimizerState: c.optimizerState === null ? null : toBuffer(c.optimizerState),
          // The payload's epoch has no column; meta carries it back on resume (epochOf).
          meta: { ...c.meta, epoch: c.epoch },
          valLoss: c.valLoss,
          isBest: c.isBest
        })
        live.checkpointStep = c.step
        this.#events.emit('runCheckpointSaved', {
          runId,
          step: c.step,
          valLoss: finiteOrNull(c.valLoss),
          isBest: c.isBest
        })
        return
      }
      case 'sample': {
        this.#flush(live)
        addSample(this.#db, { runId, step: message.step, payload: message.payload })
        this.#events.emit('runSampleAdded', {
          runId,
          step: message.step,
          payload: message.payload
        })
        return
      }
      case 'done': {
        this.#flush(live)
        live.done = true
        this.#clearTimers(live)
        const result = toRunResult(message.reason, message.summary)
        if (result !== null) {
          addSample(this.#db, {
            runId,
            step: result.steps,
            payload: { type: RESULT_SAMPLE_TYPE, ...result }
          })
        }
        this.#setStatus(runId, {
          status: message.status,
          finishedAt: new Date().toISOString(),
          error: message.status === 'failed' ? (message.error ?? message.reason) : null
        })
        // The slot is free as soon as the run is over: the next run starts while this process
        // exits (it does so right after `done`; one that lingers, on a stuck native handle, is
        // killed after a few seconds).
        this.#live.delete(runId)
        this.#exiting.add(live)
        live.killTimer = setTimeout(() => live.handle.kill(), 5000)
        this.#pump()
        return
      }
    }
  }

  #onExit(live: LiveRun, exit: ProcessExit): void {
    this.#clearTimers(live)
    this.#exiting.delete(live)
    if (this.#disposed || live.done || this.#live.get(live.runId) !== live) return
    this.#live.delete(live.runId)
    try {
      this.#flush(live)
    } catch (error) {
      live.hostError ??= `Its last metrics could not be saved: ${persistFailure(error)}`
    }
    // A trainer that ends while its output waits for the store (stopped, or crashed) loses that
    // output; the run continues from its last stored checkpoint.
    live.hostError ??= live.storeProblem
    const why = live.hostError ?? describeExit(exit, live.outputTail)
    this.#recordEnd(live.runId, {
      status: live.hostError !== null ? 'failed' : 'interrupted',
      finishedAt: new Date().toISOString(),
      error: `${why} ${resumeHint(live)}`
    })
    this.#pump()
  }

  /**
   * Records how a run ended. When the store refuses even this small write (the disk is still
   * full) it must not throw (this runs in an exit listener: a throw would take the studio down);
   * the end is kept in memory, shown by the API, and retried until the store takes it.
   */
  #recordEnd(runId: RunId, patch: StatusPatch): void {
    try {
      this.#setStatusIfExists(runId, patch)
      this.#unrecorded.delete(runId)
    } catch (error) {
      this.#log(`run ${runId}: could not record its end yet, will retry: ${messageOf(error)}`)
      this.#unrecorded.set(runId, patch)
      this.#events.emit('runStatusChanged', { runId, status: patch.status })
      this.#retryTimer ??= setInterval(() => this.#retryEnds(), 1000)
      this.#retryTimer.unref?.()
    }
  }

  #retryEnds(): void {
    for (const [runId, patch] of this.#unrecorded) {
      try {
        this.#setStatusIfExists(runId, patch)
        this.#unrecorded.delete(runId)
      } catch {
        return // still refused: the others would be too
      }
    }
    if (this.#retryTimer !== null) clearInterval(this.#retryTimer)
    this.#retryTimer = null
  }

  /**
   * The store refused a write. A full or read-only disk pauses the run: the trainer is asked to
   * pause after its step, and its output waits in memory (`message`, which failed, first) until
   * the user frees space and resumes. Anything else (the run was deleted) ends the run rather
   * than lose data silently.
   */
  #onPersistFailure(live: LiveRun, error: unknown, message?: TrainerToHost): void {
    const storeError = toStoreError(error)
    const refused =
      storeError instanceof StoreError &&
      (storeError.code === 'DISK_FULL' || storeError.code === 'READ_ONLY')
    if (refused && live.storeProblem === null) {
      const why = `${storeError.message} The run is paused; resume it once there is space.`
      this.#log(
        `run ${live.runId}: the store refused its output; pausing it: ${storeError.message}`
      )
      live.storeProblem = why
      if (message !== undefined) live.backlog.unshift(message)
      this.#send(live, { type: 'pause', seq: live.nextSeq++ })
      // Shown by the API over the stored row (which the store may not take either), retried.
      this.#recordEnd(live.runId, { status: 'paused', error: why })
      return
    }
    this.#log(`run ${live.runId}: could not store the trainer's output: ${stack(error)}`)
    live.hostError ??= `Training was ended because its progress could not be saved: ${persistFailure(error)}`
    live.handle.kill()
  }

  #flushSafely(live: LiveRun): void {
    if (this.#disposed) return
    try {
      this.#flush(live)
    } catch (error) {
      this.#onPersistFailure(live, error)
    }
  }

  /** Stores the waiting points in one transaction and announces them. */
  #flush(live: LiveRun): void {
    if (live.flushTimer !== null) clearTimeout(live.flushTimer)
    live.flushTimer = null
    if (live.pending.length === 0) return
    const points = live.pending
    live.pending = []
    try {
      appendMetrics(this.#db, live.runId, points) // one transaction: all or none
    } catch (error) {
      live.pending = points.concat(live.pending)
      throw error
    }
    this.#events.emit('runMetricsAppended', {
      runId: live.runId,
      points: points.map(toPointData)
    })
  }

  #send(live: LiveRun, message: HostToTrainer): void {
    if (!live.handle.send(message)) {
      this.#log(`run ${live.runId}: could not send ${message.type}; its trainer has gone`)
    }
  }

  #exited(live: LiveRun): Promise<void> {
    return new Promise((resolve) => live.handle.onExit(() => resolve()))
  }

  #clearTimers(live: LiveRun): void {
    if (live.flushTimer !== null) clearTimeout(live.flushTimer)
    if (live.killTimer !== null) clearTimeout(live.killTimer)
    live.flushTimer = null
    live.killTimer = null
  }

  #markInterrupted(live: LiveRun, why: string): void {
    this.#setStatusIfExists(live.runId, {
      status: 'interrupted',
      finishedAt: new Date().toISOString(),
      error: `${why} ${resumeHint(live)}`
    })
  }

  #fail(runId: RunId, error: string): void {
    this.#setStatusIfExists(runId, {
      status: 'failed',
      finishedAt: new Date().toISOString(),
      error
    })
    this.#pump()
  }

  #setStatusIfExists(runId: RunId, patch: StatusPatch): void {
    if (getRun(this.#db, runId) !== undefined) this.#setStatus(runId, patch)
  }

  /** Writes the patch and announces a status change. */
  #setStatus(runId: RunId, patch: StatusPatch): RunSummary {
    const before = getRun(this.#db, runId)
    if (before === undefined) throw new ApiError('NOT_FOUND', `There is no run with id ${runId}.`)
    // Only a live run has an owner; once it stops, another studio process may take it up.
    const live = patch.status === 'running' || patch.status === 'paused'
    const after = updateRun(this.#db, runId, live ? patch : { ...patch, ownerPid: null })
    if (before.status !== after.status) {
      this.#events.emit('runStatusChanged', { runId, status: after.status })
    }
    return after
  }
}

function needsDataset(config: RunConfig): boolean {
  const task = config.task
  return task.kind === 'seq2seq' ? task.source.type === 'dataset' : task.kind !== 'synthetic'
}

/** The epoch a checkpoint was written at (kept in its meta: the store has no column for it). */
function epochOf(meta: unknown): number {
  const epoch = (meta as { epoch?: unknown } | null)?.epoch
  return typeof epoch === 'number' && Number.isFinite(epoch) && epoch >= 0 ? epoch : 0
}

/** better-sqlite3 binds Buffers as blobs; a view over the same bytes, no copy. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null
}

function toPointData(point: MetricPoint): MetricPointData {
  return { ...point, value: finiteOrNull(point.value) }
}

/** The RunResult in a `done` summary (TrainResult minus status), or null when it has none. */
export function toRunResult(reason: string, summary: Record<string, unknown>): RunResult | null {
  const steps = summary.steps
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) return null
  const number = (value: unknown): number | null =>
    typeof value === 'number' && Number.isFinite(value) ? value : null
  const finalMetrics: Record<string, number | null> = {}
  const metrics = summary.finalMetrics
  if (metrics !== null && typeof metrics === 'object') {
    for (const [name, value] of Object.entries(metrics)) finalMetrics[name] = number(value)
  }
  return {
    reason,
    steps,
    bestValLoss: number(summary.bestValLoss),
    finalMetrics,
    stepsPerSecond: Math.max(number(summary.stepsPerSecond) ?? 0, 0),
    timestepsPerSecond: Math.max(number(summary.timestepsPerSecond) ?? 0, 0)
  }
}

/** Why a trainer ended without `done`, in words, with its last output line when it left one. */
function describeExit(exit: ProcessExit, outputTail: string[]): string {
  const how =
    exit.signal !== null
      ? `was killed (${exit.signal})`
      : exit.code === null
        ? 'could not be started'
        : `exited with code ${exit.code}`
  const lastLine = [...outputTail].reverse().find((line) => /error/i.test(line))
  return `The trainer process ${how} before the run finished${lastLine ? ` (${lastLine.trim().slice(0, 300)})` : ''}.`
}

/** Where resuming a run that ended early continues from, as the last sentence of its error. */
function resumeHint(live: LiveRun): string {
  return live.checkpointStep === null
    ? 'It saved no checkpoint: resuming starts it again from the beginning.'
    : `Resume continues from its checkpoint at step ${live.checkpointStep}.`
}

/**
 * Why the store refused a write, in words a user can act on: a full disk or a read-only folder
 * get the store's own message (what to free or fix), anything else its plain message.
 */
function persistFailure(error: unknown): string {
  return messageOf(toStoreError(error))
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function stack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}
