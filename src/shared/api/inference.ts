/**
 * Schemas of the contract's inference methods (contract.ts): using a run's trained network from
 * the UI's playground. The backend loads the run's best checkpoint (its latest when none is marked
 * best) once and keeps the rebuilt network for the next call.
 *
 * Every input is bounded: these calls run the network in the studio's process, and the bounds keep
 * one call to a few seconds on a laptop CPU (each generated token costs one cell step per layer).
 */
import { z } from 'zod'
import { RunId } from '../domain/ids'
import { TaskSpec } from '../domain/task'
import { MetricValue } from './runs'

/** Limits of the inference inputs, each with its reason. */
export const INFERENCE_LIMITS = {
  /** Tokens one sampleText call generates: 2,000 characters is a page of text. */
  sampleLength: 2000,
  /** Characters of priming text: more context than any sequence length the designer allows. */
  primeLength: 2000,
  /** Characters of a text input to predict: a long review; tasks keep only their last T tokens. */
  textInput: 10_000,
  /** Rows of a feature window (time steps T). */
  rows: 2000,
  /** Values per row: a wide CSV after one-hot encoding. */
  features: 512,
  /** Points of a forecast plot. */
  forecastPoints: 2000,
  /** Most likely next tokens a next-token prediction lists. */
  nextTokens: 50
} as const

export const SampleTextInput = z.strictObject({
  runId: RunId,
  /** Text the network reads before it writes. */
  prime: z.string().max(INFERENCE_LIMITS.primeLength).default(''),
  /** Tokens to generate (characters or words). */
  length: z.number().int().min(1).max(INFERENCE_LIMITS.sampleLength).default(200),
  /** `softmax(logits / T)`; 0 always takes the most likely token. */
  temperature: z.number().min(0).max(10).default(0.8),
  /** Sample among the `topK` most likely tokens only; 0 = all. */
  topK: z.number().int().min(0).max(100_000).default(0),
  /** Same seed, same text; a fresh one per call when absent. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional()
})

export const SampleTextOutput = z.strictObject({
  /** The continuation, without the prime. */
  text: z.string()
})

/** A window of feature rows `[T][features]` in the data's units. */
export const FeatureRows = z
  .array(z.array(z.number()).min(1).max(INFERENCE_LIMITS.features))
  .min(1)
  .max(INFERENCE_LIMITS.rows)

export const PredictInput = z.strictObject({
  runId: RunId,
  /** Text for networks that read tokens; feature rows for networks that read numbers. */
  input: z.union([z.string().min(1).max(INFERENCE_LIMITS.textInput), FeatureRows])
})

const Probability = z.number().min(0).max(1)

/** What a network answers for one input (Prediction in engine/train/sample.ts). */
export const Prediction = z.discriminatedUnion('type', [
  /** Class head: every class with its probability, most likely first. */
  z.strictObject({
    type: z.literal('class'),
    classes: z.array(z.strictObject({ name: z.string(), probability: Probability }))
  }),
  /** Regression head: the outputs in the data's units; null stands for NaN. */
  z.strictObject({ type: z.literal('values'), values: z.array(MetricValue) }),
  /** Encoder–decoder: the greedy decoding. */
  z.strictObject({
    type: z.literal('sequence'),
    text: z.string(),
    tokens: z.array(z.number().int())
  }),
  /** Next-token model: the most likely next tokens (at most `nextTokens`), most likely first. */
  z.strictObject({
    type: z.literal('next-token'),
    tokens: z
      .array(z.strictObject({ token: z.string(), probability: Probability }))
      .max(INFERENCE_LIMITS.nextTokens)
  })
])
export type Prediction = z.infer<typeof Prediction>

/** What a playground needs to know about a run's network before it asks anything. */
export const ModelInfo = z.strictObject({
  runId: RunId,
  /** Step of the checkpoint in use. */
  step: z.number().int().nonnegative(),
  /** Whether that checkpoint is the run's best (else it is its latest). */
  isBest: z.boolean(),
  task: TaskSpec,
  input: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('tokens'),
      level: z.enum(['char', 'word']),
      vocabularySize: z.number().int().nonnegative()
    }),
    z.strictObject({
      type: z.literal('features'),
      /** One name per value of a row: the target first for forecasts. */
      names: z.array(z.string())
    })
  ]),
  /** Time steps the network was trained on (T; the lookback for forecasts). */
  steps: z.number().int().positive(),
  output: z.enum(['class', 'values', 'sequence', 'next-token']),
  classNames: z.array(z.string()).nullable(),
  /** Text can be generated from it (a next-token model over tokens). */
  canSample: z.boolean(),
  bidirectional: z.boolean(),
  /** Synthetic problems: inputs are fed as given (sequence-sum: `(a + t) · inputScale`). */
  inputScale: z.number().nullable()
})
export type ModelInfo = z.infer<typeof ModelInfo>

export const ForecastInput = z.strictObject({
  runId: RunId,
  /** The last this many validation windows. */
  maxPoints: z.number().int().min(10).max(INFERENCE_LIMITS.forecastPoints).default(400)
})

export const ForecastPoint = z.strictObject({
  /** Row of the dataset (0-based) whose value was forecast. */
  row: z.number().int().nonnegative(),
  actual: MetricValue,
  predicted: MetricValue,
  /** The persistence baseline: the last value of the window. */
  persistence: MetricValue
})
export type ForecastPoint = z.infer<typeof ForecastPoint>

/** A forecast run's network on the validation rows, in the data's units. */
export const ForecastOutput = z.strictObject({
  target: z.string(),
  lookback: z.number().int().positive(),
  horizon: z.number().int().positive(),
  /** Oldest first. */
  points: z.array(ForecastPoint),
  /** Mean absolute errors over `points`. */
  mae: z.strictObject({ model: MetricValue, persistence: MetricValue })
})
export type ForecastOutput = z.infer<typeof ForecastOutput>
