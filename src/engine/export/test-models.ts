/**
 * Tiny networks of every shape the export supports, trained for a few steps in-process (so the
 * weights are no longer their initial draws), and the studio's own predictions to compare the
 * exported models against. Test support only.
 */
import * as tf from '@tensorflow/tfjs'
import type { NetworkSpecInput } from '../../shared/domain/network'
import type { MetricPoint } from '../../shared/domain/run'
import { NetworkSpec } from '../../shared/domain/network'
import { buildModel, type RnnModel } from '../model/build-model'
import { disposeInputs, forward, toModelInputs } from '../model/forward'
import type { Batch, PreparedTask } from '../tasks/types'
import { packModelWeights } from '../train/checkpoint'
import { greedyDecode } from '../train/sample'
import { recorder, train } from '../train/test-hooks'
import {
  copyTask,
  firstTokenTask,
  firstValueTask,
  patternTask,
  runConfig
} from '../train/test-tasks'
import type { CheckpointData } from '../train/types'

export interface ExportCase {
  name: string
  network: NetworkSpecInput
  task: () => PreparedTask
}

/** One case per network shape; each line says what it covers. */
export const EXPORT_CASES: ExportCase[] = [
  // SimpleRNN (tanh), token embedding, next-token head at every step
  {
    name: 'rnn tanh, embedding, per-step',
    network: { cell: 'rnn', layers: [{ units: 5 }], embeddingSize: 3 },
    task: () => patternTask(5)
  },
  // SimpleRNN (relu), features in, regression out
  {
    name: 'rnn relu, features, regression',
    network: { cell: 'rnn', activation: 'relu', layers: [{ units: 4 }] },
    task: () => firstValueTask(5)
  },
  // LSTM, padded (masked) tokens, class head
  {
    name: 'lstm, padded tokens, class',
    network: { cell: 'lstm', layers: [{ units: 5 }], embeddingSize: 3 },
    task: firstTokenTask
  },
  // GRU, one-hot tokens (no embedding), per-step
  {
    name: 'gru, one-hot tokens, per-step',
    network: { cell: 'gru', layers: [{ units: 4 }], embeddingSize: 0 },
    task: () => patternTask(5)
  },
  // bidirectional LSTM (concat), stacked, padded tokens, class head
  {
    name: 'bidirectional lstm concat, 2 layers, padded, class',
    network: {
      cell: 'lstm',
      layers: [{ units: 4 }, { units: 3 }],
      bidirectional: true,
      merge: 'concat',
      embeddingSize: 3
    },
    task: firstTokenTask
  },
  // bidirectional GRU (sum), features, regression
  {
    name: 'bidirectional gru sum, features, regression',
    network: { cell: 'gru', layers: [{ units: 4 }], bidirectional: true, merge: 'sum' },
    task: () => firstValueTask(5)
  },
  // stacked GRU, one-hot padded tokens (Masking layer), class head
  {
    name: 'gru 2 layers, one-hot padded, class',
    network: { cell: 'gru', layers: [{ units: 4 }, { units: 3 }], embeddingSize: 0 },
    task: firstTokenTask
  },
  // bidirectional SimpleRNN (ave), per-step
  {
    name: 'bidirectional rnn ave, per-step',
    network: { cell: 'rnn', layers: [{ units: 4 }], bidirectional: true, merge: 'ave' },
    task: () => patternTask(5)
  },
  // encoder–decoder: bidirectional LSTM (concat) 2 layers, embeddings
  {
    name: 'seq2seq bidirectional lstm concat, 2 layers',
    network: {
      cell: 'lstm',
      layers: [{ units: 4 }, { units: 3 }],
      bidirectional: true,
      embeddingSize: 3
    },
    task: copyTask
  },
  // encoder–decoder: GRU, one-hot inputs
  {
    name: 'seq2seq gru, one-hot',
    network: { cell: 'gru', layers: [{ units: 5 }], embeddingSize: 0 },
    task: copyTask
  }
]

export interface TrainedCase {
  checkpoint: CheckpointData
  task: PreparedTask
  metrics: MetricPoint[]
}

/** Trains a case for `steps` optimiser steps; returns its last checkpoint. */
export async function trainCase(c: ExportCase, steps = 3): Promise<TrainedCase> {
  const task = c.task()
  const hooks = recorder()
  const config = runConfig(c.network, {
    maxSteps: steps,
    batchSize: 8,
    learningRate: 0.05,
    evalEvery: steps,
    checkpointEvery: steps,
    seed: 3
  })
  await train(config, task, hooks.hooks, { sampleLength: 4 })
  const checkpoint = hooks.checkpoints.at(-1)
  if (!checkpoint) throw new Error(`${c.name}: training wrote no checkpoint`)
  return { checkpoint, task, metrics: hooks.metrics }
}

/**
 * A batch the comparisons feed: the task's validation batch; for padded inputs every third row
 * loses its first token to padding (padding at the start, as the tasks pad) and the last row is
 * all padding, so masking is exercised even where the task's examples all have one length.
 */
export function probeBatch(task: PreparedTask): Batch {
  const batch = task.validationBatches(64)[0]
  if (task.input.type !== 'tokens' || !task.input.padded) return batch
  const [rows, steps] = batch.xShape
  const x = Int32Array.from(batch.x)
  for (let r = 0; r < rows; r += 3) x[r * steps] = 0
  x.fill(0, (rows - 1) * steps)
  return { ...batch, x }
}

/**
 * The studio's own answer for a batch: the eager forward pass (what predict and evaluation use)
 * with the head's softmax, `[batch, steps, V]` or `[batch, outputs]`.
 */
export function studioOutputs(
  net: RnnModel,
  batch: Batch
): { values: Float32Array; shape: number[] } {
  const inputs = toModelInputs(net, batch)
  try {
    const out = tf.tidy(() => {
      const logits = forward(net, inputs, { dropoutSeed: null }).logits
      return net.task.head.type === 'regression' ? logits : tf.softmax(logits)
    })
    const values = out.dataSync() as Float32Array
    const shape = [...out.shape]
    out.dispose()
    return { values: Float32Array.from(values), shape }
  } finally {
    disposeInputs(inputs)
  }
}

/** The studio's greedy decoding of a batch (encoder–decoders): `[rows, steps]` ids. */
export function studioGreedy(net: RnnModel, batch: Batch, steps: number): Int32Array {
  const inputs = toModelInputs(net, { x: batch.x, xShape: batch.xShape })
  try {
    return greedyDecode(net, inputs, steps)
  } finally {
    disposeInputs(inputs)
  }
}

/** Largest absolute difference between two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Lengths differ: ${a.length} vs ${b.length}`)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]))
  return max
}

/** Row-major `[rows, steps]` ids as int32 or int64 (BigInt) arrays. */
export function idsOf(batch: { x: ArrayLike<number> }): number[] {
  return Array.from(batch.x)
}

/** A checkpoint of a freshly built (untrained) network: for tests about structure, not values. */
export function untrainedCheckpoint(network: NetworkSpecInput, task: PreparedTask): CheckpointData {
  const config = runConfig(network, { seed: 1 })
  const net = buildModel(NetworkSpec.parse(network), task, 1)
  const packed = packModelWeights(net)
  net.model.dispose()
  return {
    step: 0,
    epoch: 0,
    weights: packed.data,
    optimizerState: null,
    valLoss: null,
    isBest: false,
    meta: {
      format: 1,
      config,
      task: task.metadata,
      taskShape: {
        input: task.input,
        head: task.head,
        steps: task.steps,
        ...(task.decoder ? { decoder: task.decoder } : {})
      },
      weights: packed.manifest,
      optimizer: [],
      bestValLoss: null,
      evalsWithoutImprovement: 0,
      rngState: 0,
      backend: 'cpu'
    }
  }
}
