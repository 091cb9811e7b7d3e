import { z } from 'zod'

/**
 * How to train. Each default has its reason beside it; named presets (engine/presets) override them
 * per sample dataset.
 */
export const TrainConfig = z.strictObject({
  /** Adam: the default for RNNs since it copes with the badly scaled gradients recurrence produces. */
  optimizer: z.enum(['adam', 'rmsprop', 'sgd']).default('adam'),
  /** 2e-3 is char-rnn's Adam rate for small LSTMs; lower it for big or deep networks. */
  learningRate: z.number().positive().max(10).default(2e-3),
  /** SGD only: classical momentum 0.9 damps the zig-zag of plain SGD. */
  momentum: z.number().min(0).max(0.999).default(0.9),
  schedule: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('constant') }),
      /** Multiply by `gamma` every `every` steps (char-rnn's decay). */
      z.strictObject({
        type: z.literal('step'),
        every: z.number().int().min(1),
        gamma: z.number().positive().max(1)
      }),
      /** Linear warm-up then cosine decay to `minFactor` × rate at the last step (nanoGPT). */
      z.strictObject({
        type: z.literal('cosine'),
        warmupSteps: z.number().int().min(0),
        minFactor: z.number().min(0).max(1).default(0.1)
      })
    ])
    .default({ type: 'constant' }),
  /** 32 sequences: enough to smooth gradients, small enough for a laptop CPU. */
  batchSize: z.number().int().min(1).max(4096).default(32),
  /** Stop after this many optimiser steps… */
  maxSteps: z.number().int().min(1).max(10_000_000).default(2000),
  /** …or this many passes over the training split, whichever comes first (0 = no epoch limit). */
  maxEpochs: z.number().min(0).max(100_000).default(0),
  /** …or this much wall time in seconds (0 = no limit). */
  timeBudgetSeconds: z
    .number()
    .min(0)
    .max(7 * 24 * 3600)
    .default(0),
  /** Share of the data held out for validation (the last part for series and text: no look-ahead). */
  validationSplit: z.number().min(0.01).max(0.5).default(0.1),
  /** Evaluate on the validation split every N steps. */
  evalEvery: z.number().int().min(1).default(100),
  /** Batches per evaluation: an estimate (nanoGPT's estimate_loss), not the whole split. */
  evalBatches: z.number().int().min(1).max(1000).default(10),
  /** Stop when validation loss has not improved for this many evaluations (0 = never). */
  earlyStoppingPatience: z.number().int().min(0).default(0),
  /** Clip the global gradient norm to this (0 = off); 5 is char-rnn's default, and keeps LSTMs from exploding. */
  clipNorm: z.number().min(0).default(5),
  /** Write a checkpoint every N steps, as well as when validation improves. */
  checkpointEvery: z.number().int().min(1).default(500),
  /** Log training metrics every N steps. */
  logEvery: z.number().int().min(1).default(10),
  /**
   * Which engine computes each step's loss and gradients (issue #6). `auto`: fused native oneDNN
   * kernels where the addon loads, else fused WebAssembly SIMD kernels, else tfjs-layers — the
   * fastest that works here, falling back (with one log line saying why) rather than failing.
   * `tfjs` keeps the tfjs-layers graph (also the fallback for networks the fused path cannot
   * compute, e.g. encoder–decoders); `js` is the slow plain-TypeScript reference, for tests.
   */
  engine: z.enum(['auto', 'native', 'wasm', 'js', 'tfjs']).default('auto'),
  /** Same seed, config, data and backend → the same loss curve. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42)
})
export type TrainConfig = z.infer<typeof TrainConfig>
export type TrainConfigInput = z.input<typeof TrainConfig>
