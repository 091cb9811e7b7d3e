/**
 * The contract between the training loop (engine/train) and whoever runs it (the trainer process,
 * tests). The loop reports through hooks and asks `control` between steps, so pause/stop are real.
 */
import type { MetricPoint } from '../../shared/domain/run'
import type { RunConfig } from '../../shared/domain/run-config'
import type { FinalEvaluation, SamplePayload } from '../../shared/domain/samples'
import type { PreparedTask, TaskMetadata } from '../tasks/types'

/** One tensor's place in a flat weights blob (float32, little-endian, in manifest order). */
export interface TensorEntry {
  name: string
  shape: number[]
}

/** Self-describing checkpoint: enough to resume training or to rebuild the model for sampling/export. */
export interface CheckpointData {
  step: number
  epoch: number
  /** Model weights, float32 concatenated in `meta.weights` order. */
  weights: Uint8Array
  /** Optimiser slots (e.g. Adam's m and v), float32 in `meta.optimizer` order; null when not kept. */
  optimizerState: Uint8Array | null
  valLoss: number | null
  isBest: boolean
  meta: CheckpointMeta
}

export interface CheckpointMeta {
  /** Format version of this meta object. */
  format: 1
  config: RunConfig
  task: TaskMetadata
  /** The task's input encoding, head, steps and decoder: what `buildModel` needs to rebuild the network. */
  taskShape: Pick<PreparedTask, 'input' | 'head' | 'steps' | 'decoder'>
  weights: TensorEntry[]
  optimizer: TensorEntry[]
  bestValLoss: number | null
  /** Evaluations without improvement so far (early stopping survives a resume). */
  evalsWithoutImprovement: number
  /** State of the seeded batch sampler, so a resumed run draws the batches it would have drawn. */
  rngState: number
  /** Compute backend that wrote it. */
  backend: string
}

export type { Diagnostics, FinalEvaluation, SamplePayload } from '../../shared/domain/samples'

export type ControlSignal = 'continue' | 'stop'

export interface TrainerHooks {
  /** Training and validation metrics, a batch at a time (loss, lr, grad_norm, val_loss…). */
  onMetrics(points: MetricPoint[]): void
  /** Awaited: the loop does not run ahead of an unsaved checkpoint. */
  onCheckpoint(checkpoint: CheckpointData): Promise<void>
  onSample(step: number, payload: SamplePayload): void
  /**
   * Asked between steps. Resolves 'continue' (possibly after a pause) or 'stop' (checkpoint, then return).
   */
  control(): Promise<ControlSignal>
  /** Which engine computes the steps (`fused onednn`, `tfjs-layers`…), once chosen. */
  onEngine?(name: string): void
  log?(line: string): void
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'failed'
  /** Why it stopped: max steps, epochs, time budget, early stopping, user, NaN loss… */
  reason: string
  steps: number
  bestValLoss: number | null
  finalMetrics: Record<string, number>
  evaluation: FinalEvaluation | null
  /** Training throughput: optimiser steps and input time steps (characters) per second. */
  stepsPerSecond: number
  timestepsPerSecond: number
  /** What computed the steps: `tfjs-layers` or `fused <kernels>` (e.g. `fused onednn`). */
  engine?: string
  error?: string
}
