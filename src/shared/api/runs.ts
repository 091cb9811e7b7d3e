/**
 * Schemas of the run methods and events of the contract (contract.ts): what a client sees of a
 * run's checkpoints, samples, metric series and final result.
 *
 * Numbers: a diverged loss is NaN, and JSON (the WebSocket transport) has no NaN or Infinity, so
 * every metric value that may be non-finite crosses the API as `null`, on both transports alike.
 */
import { z } from 'zod'
import { RunId } from '../domain/ids'
import { RunSummary } from '../domain/run'

export const RunRef = z.strictObject({ runId: RunId })

/** A metric value as the API carries it: null stands for NaN or ±Infinity. */
export const MetricValue = z.number().nullable()

/** One metric point as events carry it (MetricPoint with a JSON-safe value). */
export const MetricPointData = z.strictObject({
  step: z.number().int().nonnegative(),
  epoch: z.number().nonnegative(),
  name: z.string().min(1),
  value: MetricValue,
  /** Milliseconds since the Unix epoch. */
  time: z.number()
})
export type MetricPointData = z.infer<typeof MetricPointData>

/** A checkpoint as a list shows it: no weights, only their sizes. */
export const CheckpointSummary = z.strictObject({
  id: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  valLoss: MetricValue,
  isBest: z.boolean(),
  createdAt: z.string(),
  weightsBytes: z.number().int().nonnegative(),
  optimizerStateBytes: z.number().int().nonnegative()
})
export type CheckpointSummary = z.infer<typeof CheckpointSummary>

/**
 * Something a run produced at a step: generated text, prediction previews, diagnostics, the final
 * evaluation (`payload.type` says which; SamplePayload in engine/train/types.ts).
 */
export const StoredSample = z.strictObject({
  id: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string()
})
export type StoredSample = z.infer<typeof StoredSample>

/** How a finished run ended, as its trainer reported it. */
export const RunResult = z.strictObject({
  /** Why it stopped: max steps, time budget, early stopping, stopped by the user, NaN loss… */
  reason: z.string(),
  /** Optimiser steps done in all (across resumes). */
  steps: z.number().int().nonnegative(),
  bestValLoss: MetricValue,
  /** The last value of each metric. */
  finalMetrics: z.record(z.string(), MetricValue),
  /** Throughput of the last stretch of training (since the last start or resume). */
  stepsPerSecond: z.number().nonnegative(),
  /** Input time steps (characters for text) per second. */
  timestepsPerSecond: z.number().nonnegative()
})
export type RunResult = z.infer<typeof RunResult>

/** A run with what a detail view needs besides its metrics. */
export const RunDetail = z.strictObject({
  run: RunSummary,
  /** Oldest first, without blobs. */
  checkpoints: z.array(CheckpointSummary),
  /** The latest samples (at most 20), oldest first. */
  samples: z.array(StoredSample),
  /** Names of the metrics it logged, sorted. */
  metricNames: z.array(z.string()),
  /** The highest step it logged a metric at; null before its first. */
  lastStep: z.number().int().nonnegative().nullable(),
  /** Set once it finished (completed, stopped or failed with a report). */
  result: RunResult.nullable()
})
export type RunDetail = z.infer<typeof RunDetail>

export const ListMetricsQuery = z.strictObject({
  runId: RunId,
  /** Only these metrics (`loss`, `val_loss`…); all when absent. */
  names: z.array(z.string().min(1).max(100)).max(50).optional(),
  /** Only points after this step: what is new since the last call. */
  afterStep: z.number().int().nonnegative().optional(),
  /**
   * Thin each series to about this many points for display, keeping its first and last points
   * and each bucket's minimum and maximum (spikes survive). The store keeps every point.
   */
  maxPoints: z.number().int().min(5).max(100_000).optional()
})

export const SeriesPoint = z.strictObject({
  step: z.number().int(),
  value: MetricValue,
  time: z.number()
})
export type SeriesPoint = z.infer<typeof SeriesPoint>

export const MetricSeries = z.strictObject({ name: z.string(), points: z.array(SeriesPoint) })
export type MetricSeries = z.infer<typeof MetricSeries>

export const ListSamplesQuery = z.strictObject({
  runId: RunId,
  /** Only samples with this `payload.type` (`text`, `predictions`, `diagnostics`, `evaluation`). */
  type: z.string().min(1).max(50).optional(),
  /** The latest this many, oldest first. */
  limit: z.number().int().positive().max(1000).default(100)
})

export const RenameRun = z.strictObject({ runId: RunId, name: z.string().trim().min(1).max(200) })

/** Numbers a runs table shows and sorts by, without fetching each run's detail. */
export const RunStats = z.strictObject({
  runId: RunId,
  /** Validation loss of the best checkpoint; null before its first evaluation. */
  bestValLoss: MetricValue,
  /** Step of that checkpoint. */
  bestStep: z.number().int().nonnegative().nullable(),
  /** The highest step it logged a metric at; null before its first. */
  lastStep: z.number().int().nonnegative().nullable()
})
export type RunStats = z.infer<typeof RunStats>
