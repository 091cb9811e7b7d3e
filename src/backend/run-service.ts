/**
 * The run methods of the contract: checks that belong at the API's edge (does the dataset exist and
 * fit the task, may this run be paused/deleted now), then the supervisor and the store. Reads come
 * straight from the store; every write of a run's progress goes through the supervisor.
 */
import { existsSync } from 'node:fs'
import type Database from 'better-sqlite3'
import type { StudioMethod, StudioService } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import type { CheckpointSummary, MetricSeries, RunResult, StoredSample } from '../shared/api/runs'
import type { DatasetSummary } from '../shared/domain/dataset'
import type { DatasetId, RunId } from '../shared/domain/ids'
import type { RunStatus, RunSummary } from '../shared/domain/run'
import type { RunConfig } from '../shared/domain/run-config'
import type { TaskSpec } from '../shared/domain/task'
import {
  StoreError,
  createRun,
  deleteRun,
  getDataset,
  getRun,
  lastMetricStep,
  listCheckpoints,
  listMetrics,
  listRecentSamples,
  metricNames,
  runMetricSummaries,
  updateRun,
  type Sample
} from '../store'
import { preflightRun } from './run-preflight'
import { downsampleSeries } from '../shared/api/downsample'
import type { StudioEventBus } from './event-bus'
import { RESULT_SAMPLE_TYPE, type RunSupervisor } from './run-supervisor'

type RunMethodName =
  | 'startRun'
  | 'pauseRun'
  | 'resumeRun'
  | 'stopRun'
  | 'getRun'
  | 'listMetrics'
  | 'listSamples'
  | 'deleteRun'
  | 'renameRun'
  | 'listRunStats'

export type RunMethods = Pick<StudioService, RunMethodName & StudioMethod>

export interface RunServiceOptions {
  db: Database.Database
  supervisor: RunSupervisor
  events: StudioEventBus
  /**
   * pause/resume/stop wait this long (ms) for the trainer to confirm, so their answer usually
   * shows the new status; a trainer busy with a long step confirms later, by event.
   */
  confirmWaitMs?: number
}

/** Samples a run's detail includes. */
const DETAIL_SAMPLES = 20

/** Dataset kinds each task can read. */
const TASK_DATASET_KINDS: Record<TaskSpec['kind'], readonly DatasetSummary['kind'][]> = {
  'text-generation': ['text'],
  forecast: ['csv'],
  classification: ['labelled', 'class-folder'],
  // "input<TAB>target" lines, read like labelled data (engine/tasks/seq2seq.ts).
  seq2seq: ['labelled'],
  synthetic: []
}

/** The dataset a task trains on, or null for generated data. */
export function taskDatasetId(task: TaskSpec): DatasetId | null {
  if (task.kind === 'synthetic') return null
  if (task.kind === 'seq2seq') return task.source.type === 'dataset' ? task.source.datasetId : null
  return task.datasetId
}

/**
 * Refuses a dataset that cannot feed the task, from what the store already knows (kind and
 * statistics), so the mistake is reported before a run exists. The trainer re-checks everything
 * on the real data (prepareTask), so these checks only need to be right, not complete.
 *
 * @throws ApiError UNSUPPORTED
 */
export function checkDatasetFits(task: TaskSpec, dataset: DatasetSummary): void {
  const kinds = TASK_DATASET_KINDS[task.kind]
  if (!kinds.includes(dataset.kind)) {
    throw new ApiError(
      'UNSUPPORTED',
      `A ${task.kind} task needs a ${kinds.join(' or ')} dataset, but "${dataset.name}" is a ` +
        `${dataset.kind} dataset. Pick another dataset or another task.`,
      { reason: 'KIND_MISMATCH' }
    )
  }
  const stats = dataset.stats
  if (task.kind === 'text-generation' && stats.kind === 'text') {
    // A training window is sequenceLength + 1 characters (inputs and next-character targets).
    if (task.tokens === 'char' && stats.characters < 2 * (task.sequenceLength + 1)) {
      throw new ApiError(
        'UNSUPPORTED',
        `"${dataset.name}" has ${stats.characters} characters: too few for training windows of ` +
          `${task.sequenceLength} plus validation. Use a shorter sequence length or more text.`,
        { reason: 'TOO_SHORT' }
      )
    }
  }
  if (task.kind === 'forecast' && stats.kind === 'csv') {
    const columns = new Map(stats.columns.map((c) => [c.name, c]))
    for (const name of [...(task.target === undefined ? [] : [task.target]), ...task.features]) {
      const column = columns.get(name)
      if (column === undefined) {
        throw new ApiError(
          'UNSUPPORTED',
          `"${dataset.name}" has no column "${name}". Its columns: ${[...columns.keys()].join(', ')}.`,
          { reason: 'NO_SUCH_COLUMN' }
        )
      }
      if (name === task.target && column.type !== 'numeric') {
        throw new ApiError(
          'UNSUPPORTED',
          `Column "${name}" of "${dataset.name}" is ${column.type}, not numeric: a forecast target must be a number.`,
          { reason: 'TARGET_NOT_NUMERIC' }
        )
      }
    }
    if (stats.rows < 2 * (task.lookback + task.horizon)) {
      throw new ApiError(
        'UNSUPPORTED',
        `"${dataset.name}" has ${stats.rows} rows: too few for a lookback of ${task.lookback} and a ` +
          `horizon of ${task.horizon} with data left to validate on. Shorten the window.`,
        { reason: 'TOO_SHORT' }
      )
    }
  }
}

/** "LSTM 128-128 · Tiny Shakespeare": the cell, the layer widths and what it learns. */
export function defaultRunName(config: RunConfig, dataset: DatasetSummary | undefined): string {
  const n = config.network
  const cell = (n.bidirectional ? 'Bi' : '') + n.cell.toUpperCase()
  const units = n.layers.map((l) => l.units).join('-')
  const task = config.task
  const what =
    dataset?.name ??
    (task.kind === 'synthetic'
      ? `${task.problem} T=${task.length}`
      : task.kind === 'seq2seq'
        ? task.source.type
        : task.kind)
  return `${cell} ${units} · ${what}`
}

function toStoredSample(sample: Sample): StoredSample {
  const payload = sample.payload
  return {
    id: sample.id,
    step: sample.step,
    payload:
      payload !== null && typeof payload === 'object' && !Array.isArray(payload)
        ? (payload as Record<string, unknown>)
        : { value: payload },
    createdAt: sample.createdAt
  }
}

/** Store errors a caller can act on keep their meaning across the API. */
function fromStoreError(error: unknown): unknown {
  if (error instanceof StoreError && error.code === 'NOT_FOUND') {
    return new ApiError('NOT_FOUND', error.message)
  }
  return error
}

export function createRunMethods(options: RunServiceOptions): RunMethods {
  const { db, supervisor, events } = options
  const confirmWaitMs = options.confirmWaitMs ?? 2000

  /** The run as stored, with an end the store could not record yet (a full disk) shown over it. */
  function requireRun(runId: RunId): RunSummary {
    const run = getRun(db, runId)
    if (run === undefined) throw new ApiError('NOT_FOUND', `There is no run with id ${runId}.`)
    return { ...run, ...supervisor.unrecordedEnd(runId) }
  }

  /** Resolves with the run once its status is one of `wanted`, or as it is after `confirmWaitMs`. */
  function confirmed(runId: RunId, wanted: readonly RunStatus[]): Promise<RunSummary> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer)
        unsubscribe()
        resolve(requireRun(runId))
      }
      const timer = setTimeout(finish, confirmWaitMs)
      const unsubscribe = events.on((event, payload) => {
        if (event !== 'runStatusChanged') return
        const change = payload as { runId: RunId; status: RunStatus }
        if (change.runId === runId && wanted.includes(change.status)) finish()
      })
      // It may already be there (the change happened before we listened).
      if (wanted.includes(requireRun(runId).status)) finish()
    })
  }

  return {
    async startRun(config) {
      const datasetId = taskDatasetId(config.task)
      let dataset: DatasetSummary | undefined
      if (datasetId !== null) {
        dataset = getDataset(db, datasetId)
        if (dataset === undefined) {
          throw new ApiError('NOT_FOUND', `There is no dataset with id ${datasetId}.`)
        }
        checkDatasetFits(config.task, dataset)
        if (!existsSync(dataset.sourcePath)) {
          throw new ApiError(
            'NOT_FOUND',
            `The files of "${dataset.name}" are no longer at ${dataset.sourcePath}. Put them back, ` +
              'or add the dataset again from where it is now.'
          )
        }
      }
      await preflightRun(config, dataset)
      let run: RunSummary
      try {
        run = createRun(db, {
          name: config.name ?? defaultRunName(config, dataset),
          task: config.task.kind,
          datasetId,
          config: config as unknown as Record<string, unknown>
        })
      } catch (error) {
        throw fromStoreError(error)
      }
      events.emit('runStatusChanged', { runId: run.id, status: run.status })
      return supervisor.enqueue(run.id, { restart: false })
    },

    async pauseRun({ runId }) {
      const run = requireRun(runId)
      if (run.status === 'paused') return run
      supervisor.pause(runId)
      return confirmed(runId, ['paused', 'completed', 'stopped', 'failed', 'interrupted'])
    },

    async resumeRun({ runId }) {
      const run = requireRun(runId)
      if (supervisor.isLive(runId)) {
        if (run.status !== 'paused') return run
        supervisor.resume(runId)
        return confirmed(runId, ['running', 'completed', 'stopped', 'failed', 'interrupted'])
      }
      if (supervisor.isQueued(runId)) return run
      if (run.status === 'running' || run.status === 'paused') {
        // Not ours, yet live: at start-up this studio marked every run it had left running as
        // interrupted, so another process (a command-line `train`) is training it right now.
        throw new ApiError(
          'CONFLICT',
          `Run ${runId} is ${run.status} in another RNN Studio process (a command-line train?). ` +
            'Stop it there first.'
        )
      }
      if (run.status === 'completed') {
        throw new ApiError(
          'CONFLICT',
          `Run ${runId} has completed. Start a new run (with more steps) to train further.`
        )
      }
      // stopped, interrupted, failed — or queued by an earlier session that closed before it
      // started: restart from the latest checkpoint (from scratch without one).
      return supervisor.enqueue(runId, { restart: true })
    },

    async stopRun({ runId }) {
      const run = requireRun(runId)
      if (!supervisor.isLive(runId) && !supervisor.isQueued(runId)) {
        throw new ApiError('CONFLICT', `Run ${runId} is ${run.status}; it is not training.`)
      }
      supervisor.stop(runId)
      return confirmed(runId, ['completed', 'stopped', 'failed', 'interrupted'])
    },

    async getRun({ runId }) {
      const run = requireRun(runId)
      const checkpoints: CheckpointSummary[] = listCheckpoints(db, runId).map((c) => ({
        id: c.id,
        step: c.step,
        valLoss: c.valLoss,
        isBest: c.isBest,
        createdAt: c.createdAt,
        weightsBytes: c.weightsBytes,
        optimizerStateBytes: c.optimizerStateBytes
      }))
      const [resultSample] = listRecentSamples(db, runId, { type: RESULT_SAMPLE_TYPE, limit: 1 })
      let result: RunResult | null = null
      if (resultSample !== undefined) {
        const { type: _type, ...stored } = resultSample.payload as RunResult & { type: string }
        result = stored
      }
      const samples = listRecentSamples(db, runId, { limit: DETAIL_SAMPLES + 1 })
        .filter((s) => (s.payload as { type?: unknown } | null)?.type !== RESULT_SAMPLE_TYPE)
        .slice(-DETAIL_SAMPLES)
        .map(toStoredSample)
      return {
        run,
        checkpoints,
        samples,
        metricNames: metricNames(db, runId),
        lastStep: lastMetricStep(db, runId),
        result
      }
    },

    async listMetrics({ runId, names, afterStep, maxPoints }) {
      requireRun(runId)
      const wanted = names ?? metricNames(db, runId)
      const series: MetricSeries[] = []
      for (const name of wanted) {
        const points = listMetrics(db, runId, { name, afterStep }).map((p) => ({
          step: p.step,
          value: Number.isFinite(p.value) ? p.value : null,
          time: p.time
        }))
        series.push({
          name,
          points: maxPoints === undefined ? points : downsampleSeries(points, maxPoints)
        })
      }
      return series
    },

    async listSamples({ runId, type, limit }) {
      requireRun(runId)
      return listRecentSamples(db, runId, { type, limit }).map(toStoredSample)
    },

    async deleteRun({ runId }) {
      const run = requireRun(runId)
      // running/paused without a process of ours: another studio process is training it.
      const training = run.status === 'running' || run.status === 'paused'
      if (supervisor.isLive(runId) || supervisor.isQueued(runId) || training) {
        throw new ApiError(
          'CONFLICT',
          `Run ${runId} is ${run.status}. Stop it first, then delete it.`
        )
      }
      deleteRun(db, runId)
      events.emit('runDeleted', { runId })
      return {}
    },

    async listRunStats() {
      return runMetricSummaries(db, 10_000)
    },

    async renameRun({ runId, name }) {
      requireRun(runId)
      const run = updateRun(db, runId, { name })
      events.emit('runRenamed', { runId, name: run.name })
      return run
    }
  }
}
