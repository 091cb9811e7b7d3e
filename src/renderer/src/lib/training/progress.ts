/**
 * How far a run is and what can be done with it now: the numbers of the run header and which
 * control buttons are enabled, as plain functions of the run's status and series.
 */
import type { RunStatus } from '../../../../shared/domain/run'

/** The buttons a run's status allows (what the backend would accept). */
export interface RunControls {
  pause: boolean
  /** A paused run continues at once; a stopped, interrupted or failed one from its checkpoint. */
  resume: boolean
  /** A queued run leaves the queue; a running or paused one stops with a checkpoint. */
  stop: boolean
}

export function controlsFor(status: RunStatus): RunControls {
  switch (status) {
    case 'queued':
      return { pause: false, resume: false, stop: true }
    case 'running':
      return { pause: true, resume: false, stop: true }
    case 'paused':
      return { pause: false, resume: true, stop: true }
    case 'stopped':
    case 'interrupted':
    case 'failed':
      return { pause: false, resume: true, stop: false }
    case 'completed':
      return { pause: false, resume: false, stop: false }
  }
}

/** Whether the run's trainer may still send points. */
export function isLive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'paused'
}

export interface Progress {
  step: number
  maxSteps: number | null
  /** `step / maxSteps` in `[0, 1]`, or null without a step limit. */
  fraction: number | null
  /** Milliseconds to `maxSteps` at the current speed; null when not running or unknown. */
  etaMs: number | null
}

/**
 * Where a run is and when it will reach `maxSteps` at `stepsPerSecond`. Early stopping or a time
 * budget may end it sooner; the ETA is the longest it will take.
 */
export function runProgress(
  status: RunStatus,
  step: number,
  maxSteps: number | null,
  stepsPerSecond: number | null
): Progress {
  const fraction = maxSteps === null || maxSteps <= 0 ? null : Math.min(1, step / maxSteps)
  const etaMs =
    status === 'running' && maxSteps !== null && stepsPerSecond !== null && stepsPerSecond > 0
      ? (Math.max(0, maxSteps - step) / stepsPerSecond) * 1000
      : null
  return { step, maxSteps, fraction, etaMs }
}
