/** Recording hooks and a quiet `trainRun` for the training tests. */
import * as tf from '@tensorflow/tfjs'
import type { MetricPoint } from '../../shared/domain/run'
import type { RunConfig } from '../../shared/domain/run-config'
import type { PreparedTask } from '../tasks/types'
import { trainRun, type TrainOptions } from './trainer'
import type { CheckpointData, ControlSignal, SamplePayload, TrainerHooks } from './types'

/** Hooks that record everything; `control` answers from a script of signals (then 'continue'). */
export function recorder(
  control: (step: number) => ControlSignal | Promise<ControlSignal> = () => 'continue'
) {
  const metrics: MetricPoint[] = []
  const checkpoints: CheckpointData[] = []
  const samples: { step: number; payload: SamplePayload }[] = []
  const lines: string[] = []
  let calls = 0
  const hooks: TrainerHooks = {
    onMetrics: (points) => metrics.push(...points),
    onCheckpoint: async (checkpoint) => {
      checkpoints.push(structuredClone(checkpoint))
    },
    onSample: (step, payload) => samples.push({ step, payload }),
    control: async () => control(calls++),
    log: (line) => lines.push(line)
  }
  /** `name` → [step, value] pairs in order. */
  const series = (name: string): [number, number][] =>
    metrics.filter((m) => m.name === name).map((m) => [m.step, m.value])
  const last = (name: string): number => series(name).at(-1)?.[1] ?? NaN
  return { hooks, metrics, checkpoints, samples, lines, series, last }
}

export async function train(
  config: RunConfig,
  task: PreparedTask,
  hooks: TrainerHooks,
  options: Partial<TrainOptions> = {}
) {
  return trainRun(config, task, hooks, {
    backendName: tf.getBackend(),
    sampleLength: 12,
    ...options
  })
}

/** Metrics that must repeat exactly (throughput and wall time do not). */
export function deterministic(metrics: MetricPoint[]): [number, string, number][] {
  return metrics
    .filter((m) => !m.name.endsWith('_per_second'))
    .map((m) => [m.step, m.name, m.value])
}
