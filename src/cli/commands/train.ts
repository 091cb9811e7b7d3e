/**
 * `rnn-studio train` and `rnn-studio resume`: start (or continue) a run in this process's studio,
 * show its progress until it ends, and report the result. Ctrl-C stops the run after its current
 * step, with a checkpoint (it can be resumed); a second Ctrl-C abandons it at once.
 */
import { readFile } from 'node:fs/promises'
import type { Studio } from '../../backend/studio'
import type { MetricPointData } from '../../shared/api/runs'
import type { RunId } from '../../shared/domain/ids'
import { RunId as RunIdSchema } from '../../shared/domain/ids'
import type { RunStatus, RunSummary } from '../../shared/domain/run'
import { getRun } from '../../store'
import { UsageError } from '../cli-error'
import type { Output } from '../output'
import { buildRunConfig, presetConfig, type TrainFlags } from '../run-config-flags'

/** Where Ctrl-C comes from: the process's SIGINT, or a test. Returns the unsubscribe function. */
export type Interrupts = (onInterrupt: () => void) => () => void

export const processInterrupts: Interrupts = (onInterrupt) => {
  process.on('SIGINT', onInterrupt)
  return () => void process.off('SIGINT', onInterrupt)
}

const FINAL: readonly RunStatus[] = ['completed', 'stopped', 'failed', 'interrupted']

/** `train`: build the config, start the run, follow it to the end. */
export async function trainCommand(
  studio: Studio,
  flags: TrainFlags & { config?: string },
  output: Output,
  interrupts: Interrupts
): Promise<boolean> {
  if (flags.config !== undefined && flags.preset !== undefined) {
    throw new UsageError('Use --config or --preset, not both.')
  }
  const datasets = await studio.service.listDatasets({})
  let base: Record<string, unknown> = {}
  if (flags.config !== undefined) base = await readConfigFile(flags.config)
  else if (flags.preset !== undefined) base = presetConfig(flags.preset, datasets)
  const config = buildRunConfig(base, flags, datasets)
  const run = await studio.service.startRun(config)
  if (!output.json) output.err(`Run #${run.id} "${run.name}" started.`)
  return followRun(studio, run, output, interrupts)
}

/** `resume RUN`: continue a paused, stopped, interrupted or failed run and follow it. */
export async function resumeCommand(
  studio: Studio,
  args: string[],
  output: Output,
  interrupts: Interrupts
): Promise<boolean> {
  const runId = parseRunId(args[0], 'resume')
  const run = await studio.service.resumeRun({ runId })
  if (!output.json) output.err(`Run #${run.id} "${run.name}" resumed.`)
  return followRun(studio, run, output, interrupts)
}

export function parseRunId(raw: string | undefined, command: string): RunId {
  const id = RunIdSchema.safeParse(Number(raw))
  if (raw === undefined || !id.success) {
    throw new UsageError(
      `${command} needs a run ID (a positive integer; see rnn-studio runs list).`
    )
  }
  return id.data
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read --config ${path}: ${(error as Error).message}`)
  }
  try {
    const parsed = JSON.parse(text) as unknown
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object')
    return parsed as Record<string, unknown>
  } catch (error) {
    throw new UsageError(
      `--config ${path} is not a JSON run configuration: ${(error as Error).message}`
    )
  }
}

/** What the progress line shows, updated from metric events. */
class Progress {
  step = 0
  /** undefined: not logged yet; null: logged, but NaN or infinite. */
  loss: number | null | undefined = undefined
  val: number | null | undefined = undefined
  #first: { step: number; time: number } | null = null
  #last: { step: number; time: number } | null = null

  constructor(readonly maxSteps: number) {}

  add(points: MetricPointData[]): boolean {
    let evaluated = false
    for (const p of points) {
      if (p.step > this.step) this.step = p.step
      if (p.name === 'loss') {
        this.loss = p.value
        this.#first ??= { step: p.step, time: p.time }
        this.#last = { step: p.step, time: p.time }
      } else if (p.name === 'val_loss') {
        this.val = p.value
        evaluated = true
      }
    }
    return evaluated
  }

  /** Optimiser steps per second since the first loss this process saw. */
  get rate(): number | null {
    if (!this.#first || !this.#last || this.#last.time <= this.#first.time) return null
    return ((this.#last.step - this.#first.step) * 1000) / (this.#last.time - this.#first.time)
  }

  line(): string {
    const parts = [`step ${this.step}/${this.maxSteps}`]
    if (this.loss !== undefined) parts.push(`loss ${formatNumber(this.loss)}`)
    if (this.val !== undefined) parts.push(`val ${formatNumber(this.val)}`)
    const rate = this.rate
    if (rate !== null && rate > 0) {
      parts.push(`${rate.toFixed(rate < 10 ? 1 : 0)} steps/s`)
      parts.push(`ETA ${formatDuration((this.maxSteps - this.step) / rate)}`)
    }
    return parts.join('  ')
  }
}

function formatNumber(value: number | null): string {
  return value === null ? 'NaN' : value.toFixed(4)
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/**
 * Shows a run's progress until it is completed, stopped, failed or interrupted, then prints the
 * result. On a terminal the progress is one line rewritten in place; elsewhere a line per
 * evaluation.
 *
 * @returns true when the run completed or was stopped (exit 0), false when it failed
 */
export async function followRun(
  studio: Studio,
  run: RunSummary,
  output: Output,
  interrupts: Interrupts
): Promise<boolean> {
  const maxSteps = (run.config.training as { maxSteps?: number } | undefined)?.maxSteps ?? 0
  const progress = new Progress(maxSteps)
  const began = Date.now()
  let interruptions = 0

  const status = await new Promise<RunStatus>((resolve) => {
    let unsubscribeInterrupts = (): void => {}
    const finish = (final: RunStatus): void => {
      unsubscribe()
      unsubscribeInterrupts()
      resolve(final)
    }
    const unsubscribe = studio.events.on((event, payload) => {
      if ((payload as { runId?: RunId }).runId !== run.id) return
      if (event === 'runMetricsAppended') {
        const evaluated = progress.add((payload as { points: MetricPointData[] }).points)
        if (output.progress) output.progress(progress.line())
        else if (evaluated) output.err(progress.line())
      } else if (event === 'runStatusChanged') {
        const next = (payload as { status: RunStatus }).status
        if (FINAL.includes(next)) finish(next)
        else if (next === 'paused' || next === 'queued') output.err(`Run #${run.id} is ${next}.`)
      }
    })
    unsubscribeInterrupts = interrupts(() => {
      interruptions++
      if (interruptions === 1) {
        output.err(
          'Stopping after the current step, with a checkpoint (Ctrl-C again to abandon it)…'
        )
        studio.service.stopRun({ runId: run.id }).catch(() => {})
      } else {
        // Kills the trainer; the run is marked interrupted (resumable from its last checkpoint).
        studio.supervisor.dispose('Abandoned with a second Ctrl-C.')
      }
    })
    // It may have ended before we listened.
    const current = getRun(studio.db, run.id)?.status ?? 'interrupted'
    if (FINAL.includes(current)) finish(current)
  })
  output.progress?.(null)

  const detail = await studio.service.getRun({ runId: run.id })
  const best = detail.checkpoints.find((c) => c.isBest) ?? null
  const result = detail.result
  const summary = {
    runId: run.id,
    name: detail.run.name,
    status,
    reason: result?.reason ?? null,
    error: detail.run.error,
    backend: detail.run.backend,
    steps: result?.steps ?? detail.lastStep ?? 0,
    finalMetrics: result?.finalMetrics ?? {},
    bestValLoss: result?.bestValLoss ?? best?.valLoss ?? null,
    bestCheckpointStep: best?.step ?? null,
    lastCheckpointStep: detail.checkpoints.at(-1)?.step ?? null,
    stepsPerSecond: result?.stepsPerSecond ?? progress.rate,
    timestepsPerSecond: result?.timestepsPerSecond ?? null,
    elapsedSeconds: (Date.now() - began) / 1000
  }
  if (output.json) output.out(JSON.stringify(summary, null, 2))
  else {
    const lines = [`Run #${run.id} ${status}${summary.reason ? `: ${summary.reason}` : ''}.`]
    if (summary.error && status !== 'completed') lines.push(summary.error)
    lines.push(`steps ${summary.steps}  backend ${summary.backend ?? '—'}`)
    const loss = summary.finalMetrics.loss
    if (loss !== undefined) lines.push(`final loss ${formatNumber(loss)}`)
    if (summary.bestValLoss !== null) {
      lines.push(
        `best val loss ${formatNumber(summary.bestValLoss)} (checkpoint at step ${summary.bestCheckpointStep ?? '—'})`
      )
    }
    if (summary.stepsPerSecond !== null) lines.push(`${summary.stepsPerSecond.toFixed(1)} steps/s`)
    if (status === 'stopped' || status === 'interrupted') {
      lines.push(`Continue with: rnn-studio resume ${run.id}`)
    }
    output.out(lines.join('\n'))
  }
  return status === 'completed' || status === 'stopped'
}
