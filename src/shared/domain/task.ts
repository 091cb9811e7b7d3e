import { z } from 'zod'
import { DatasetId } from './ids'

/** Character- or word-level text generation (one-to-many at sampling time, many-to-many in training). */
export const TextGenerationTask = z.strictObject({
  kind: z.literal('text-generation'),
  datasetId: DatasetId,
  tokens: z.enum(['char', 'word']).default('char'),
  /** BPTT window: characters (or words) per training sequence. */
  sequenceLength: z.number().int().min(2).max(1000).default(64),
  /** Word level: keep the most frequent words, map the rest to <unk>. */
  maxVocabulary: z.number().int().min(10).max(100_000).default(10_000)
})

/** Time-series forecasting from a CSV: a window of past rows → the target `horizon` steps ahead. */
export const ForecastTask = z.strictObject({
  kind: z.literal('forecast'),
  datasetId: DatasetId,
  /** Column to predict; the first numeric non-date column when absent. */
  target: z.string().optional(),
  /** Input columns (the target is always included); numeric or categorical (one-hot). */
  features: z.array(z.string()).default([]),
  lookback: z.number().int().min(1).max(2000).default(30),
  horizon: z.number().int().min(1).max(1000).default(1)
})

/** Sequence classification of labelled lines or per-class files (many-to-one). */
export const ClassificationTask = z.strictObject({
  kind: z.literal('classification'),
  datasetId: DatasetId,
  tokens: z.enum(['char', 'word']).default('char'),
  /** Longer examples are truncated, shorter ones padded. */
  maxLength: z.number().int().min(1).max(2000).default(64),
  /** Fold accents to ASCII (NFD, drop combining marks), as the PyTorch names tutorial does. */
  foldAccents: z.boolean().default(false)
})

/** Encoder–decoder on paired text, or one of the built-in generators. */
export const Seq2SeqTask = z.strictObject({
  kind: z.literal('seq2seq'),
  source: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('dataset'), datasetId: DatasetId }),
    z.strictObject({
      type: z.literal('dates'),
      examples: z.number().int().min(100).max(1_000_000).default(20_000)
    }),
    z.strictObject({
      type: z.literal('addition'),
      digits: z.number().int().min(1).max(6).default(2),
      examples: z.number().int().min(100).max(1_000_000).default(20_000)
    })
  ])
})

/** Synthetic diagnostics that probe memory through time. */
export const SyntheticTask = z.strictObject({
  kind: z.literal('synthetic'),
  problem: z.enum(['sequence-sum', 'adding', 'copy-first']),
  /** Sequence length T. */
  length: z.number().int().min(2).max(1000).default(50),
  examples: z.number().int().min(100).max(1_000_000).default(10_000)
})

export const TaskSpec = z.discriminatedUnion('kind', [
  TextGenerationTask,
  ForecastTask,
  ClassificationTask,
  Seq2SeqTask,
  SyntheticTask
])
export type TaskSpec = z.infer<typeof TaskSpec>
export type TaskSpecInput = z.input<typeof TaskSpec>
export type TaskKind = TaskSpec['kind']
