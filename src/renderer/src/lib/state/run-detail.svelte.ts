import type { MetricPointData, RunDetail, SeriesPoint } from '../../../../shared/api/runs'
import type { RunId } from '../../../../shared/domain/ids'
import type { RunStatus, RunSummary } from '../../../../shared/domain/run'
import type { StudioClient } from '../api/client'
import { appendPoints, DISPLAY_MAX_POINTS, lastValue } from '../charts/series'
import { runProgress, type Progress } from '../training/progress'
import { sampleType, type RunSample } from '../training/samples'
import { errorMessage } from './error-message'

type Client = Pick<
  StudioClient,
  'getRun' | 'listMetrics' | 'listSamples' | 'pauseRun' | 'resumeRun' | 'stopRun' | 'on'
>

/** Diagnostics kept for the Insight views: one per evaluation, the latest this many. */
const DIAGNOSTICS_KEPT = 200
/** Text samples and prediction previews kept for the streaming list. */
const SAMPLES_KEPT = 50

export type RunAction = 'pause' | 'resume' | 'stop'

/**
 * One run as its detail screen shows it: the run, every metric series (fetched thinned to about
 * {@link DISPLAY_MAX_POINTS} points, then grown by live points), and its samples. One instance per
 * open detail screen; `start()` follows the run's events, `load()` fetches everything.
 */
export class RunDetailState {
  readonly runId: RunId
  readonly #client: Client
  /** Raw: replaced whole (reloads, status changes), never edited in place. */
  #detail = $state.raw<RunDetail | null>(null)
  /** Metric name → points, step order. Raw and reassigned on every batch (streamed data). */
  #series = $state.raw<Record<string, SeriesPoint[]>>({})
  #diagnostics = $state.raw<RunSample[]>([])
  /** Text samples and prediction previews, oldest first. */
  #samples = $state.raw<RunSample[]>([])
  #evaluation = $state.raw<RunSample | null>(null)
  #loaded = $state(false)
  #error = $state<string | null>(null)
  #deleted = $state(false)
  #busy = $state<RunAction | null>(null)
  #actionError = $state<string | null>(null)
  #request = 0
  /** Live points that arrived while a load was in flight; merged (by step) once it lands. */
  #pending: MetricPointData[] | null = null
  #refreshing = false

  constructor(client: Client, runId: RunId) {
    this.#client = client
    this.runId = runId
  }

  /** Follows this run's events; returns the stop function. Does not load by itself. */
  start(): () => void {
    const mine = (payload: { runId: RunId }): boolean => payload.runId === this.runId
    const stops = [
      this.#client.on('runMetricsAppended', (e) => {
        if (!mine(e)) return
        if (this.#pending !== null) this.#pending.push(...e.points)
        else this.#appendMetrics(e.points)
      }),
      this.#client.on('runSampleAdded', (e) => {
        if (mine(e)) this.#addSample({ step: e.step, payload: e.payload })
      }),
      // A status change also moves startedAt/finishedAt/error and, after a resume from a
      // checkpoint, drops what was logged after it: fetch everything again.
      this.#client.on('runStatusChanged', (e) => {
        if (mine(e)) void this.load()
      }),
      this.#client.on('runCheckpointSaved', (e) => {
        if (mine(e)) void this.#refreshDetail()
      }),
      this.#client.on('runRenamed', (e) => {
        if (mine(e) && this.#detail) {
          this.#detail = { ...this.#detail, run: { ...this.#detail.run, name: e.name } }
        }
      }),
      this.#client.on('runDeleted', (e) => {
        if (mine(e)) this.#deleted = true
      })
    ]
    return () => stops.forEach((stop) => stop())
  }

  /** Fetches the run, its series and samples; a newer call supersedes an older one. */
  async load(): Promise<void> {
    const request = ++this.#request
    this.#pending = []
    try {
      const runId = this.runId
      const [detail, series, diagnostics, texts, predictions] = await Promise.all([
        this.#client.getRun({ runId }),
        this.#client.listMetrics({ runId, maxPoints: DISPLAY_MAX_POINTS }),
        this.#client.listSamples({ runId, type: 'diagnostics', limit: DIAGNOSTICS_KEPT }),
        this.#client.listSamples({ runId, type: 'text', limit: SAMPLES_KEPT }),
        this.#client.listSamples({ runId, type: 'predictions', limit: SAMPLES_KEPT })
      ])
      if (request !== this.#request) return
      this.#detail = detail
      this.#series = Object.fromEntries(series.map((s) => [s.name, s.points]))
      this.#diagnostics = diagnostics
      this.#samples = [...texts, ...predictions].sort((a, b) => a.step - b.step)
      this.#evaluation = detail.samples.findLast((s) => sampleType(s) === 'evaluation') ?? null
      this.#loaded = true
      this.#error = null
      const pending = this.#pending ?? []
      this.#pending = null
      this.#appendMetrics(pending)
    } catch (error) {
      if (request !== this.#request) return
      this.#pending = null
      this.#error = errorMessage(error)
    }
  }

  async #refreshDetail(): Promise<void> {
    if (this.#refreshing) return
    this.#refreshing = true
    try {
      const detail = await this.#client.getRun({ runId: this.runId })
      if (this.#pending === null) this.#detail = detail
    } catch {
      // The next status change or reload fetches it again.
    } finally {
      this.#refreshing = false
    }
  }

  #appendMetrics(points: readonly MetricPointData[]): void {
    if (points.length === 0) return
    const byName: Record<string, SeriesPoint[]> = {}
    for (const p of points) {
      ;(byName[p.name] ??= []).push({ step: p.step, value: p.value, time: p.time })
    }
    const next = { ...this.#series }
    for (const [name, added] of Object.entries(byName)) {
      next[name] = appendPoints(next[name] ?? [], added)
    }
    this.#series = next
    // The trainer names its compute backend while it prepares, without a status change: fetch
    // the run again once its first points show it has started.
    if (this.#detail !== null && this.#detail.run.backend === null) void this.#refreshDetail()
  }

  #addSample(sample: RunSample): void {
    const type = sampleType(sample)
    if (type === 'diagnostics') {
      this.#diagnostics = [...this.#diagnostics, sample].slice(-DIAGNOSTICS_KEPT)
    } else if (type === 'text' || type === 'predictions') {
      this.#samples = [...this.#samples, sample].slice(-SAMPLES_KEPT)
    } else if (type === 'evaluation') {
      this.#evaluation = sample
    }
  }

  /** Pauses, resumes or stops the run; the reply's status shows at once, events follow. */
  async act(action: RunAction): Promise<void> {
    if (this.#busy !== null) return
    this.#busy = action
    this.#actionError = null
    try {
      const call = { pause: 'pauseRun', resume: 'resumeRun', stop: 'stopRun' } as const
      const run = await this.#client[call[action]]({ runId: this.runId })
      this.#patchRun(run)
    } catch (error) {
      this.#actionError = errorMessage(error)
    } finally {
      this.#busy = null
    }
  }

  #patchRun(run: RunSummary): void {
    if (this.#detail !== null) this.#detail = { ...this.#detail, run }
  }

  get detail(): RunDetail | null {
    return this.#detail
  }

  get run(): RunSummary | null {
    return this.#detail?.run ?? null
  }

  get status(): RunStatus | null {
    return this.#detail?.run.status ?? null
  }

  /** Every series by metric name; each holds every point fetched or streamed. */
  get series(): Readonly<Record<string, SeriesPoint[]>> {
    return this.#series
  }

  /** Diagnostics samples, one per evaluation, oldest first. */
  get diagnostics(): readonly RunSample[] {
    return this.#diagnostics
  }

  /** Text samples and prediction previews, oldest first. */
  get samples(): readonly RunSample[] {
    return this.#samples
  }

  get evaluation(): RunSample | null {
    return this.#evaluation
  }

  get loaded(): boolean {
    return this.#loaded
  }

  get error(): string | null {
    return this.#error
  }

  /** The run was deleted while shown. */
  get deleted(): boolean {
    return this.#deleted
  }

  /** The control action in flight. */
  get busy(): RunAction | null {
    return this.#busy
  }

  /** Why the last pause/resume/stop was refused. */
  get actionError(): string | null {
    return this.#actionError
  }

  /** The latest step seen, in the detail or in a live point. */
  get step(): number {
    let step = this.#detail?.lastStep ?? 0
    for (const points of Object.values(this.#series))
      step = Math.max(step, points.at(-1)?.step ?? 0)
    return step
  }

  get maxSteps(): number | null {
    const training = this.#detail?.run.config.training as { maxSteps?: unknown } | undefined
    return typeof training?.maxSteps === 'number' ? training.maxSteps : null
  }

  get stepsPerSecond(): number | null {
    return lastValue(this.#series.steps_per_second)
  }

  get timestepsPerSecond(): number | null {
    return lastValue(this.#series.timesteps_per_second)
  }

  get progress(): Progress {
    return runProgress(this.status ?? 'queued', this.step, this.maxSteps, this.stepsPerSecond)
  }
}
