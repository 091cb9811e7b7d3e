/**
 * The reference workloads of issue #6, as network specs and task shapes the studio builds, plus
 * seeded random batches (throughput does not depend on the data). PyTorch gets the same numbers
 * through `torchSpec`.
 */
import type { TaskShape } from '../src/engine/model/build-model'
import { Random } from '../src/engine/tasks/random'
import type { Batch } from '../src/engine/tasks/types'
import type { NetworkSpecInput } from '../src/shared/domain/network'

export interface Workload {
  id: string
  title: string
  spec: NetworkSpecInput
  task: TaskShape
  batch: number
  /** I1 samples one token at a time instead of training. */
  sampling?: boolean
}

const chars = (vocab: number, steps: number): TaskShape => ({
  input: { type: 'tokens', vocabSize: vocab, padded: false },
  head: { type: 'tokens-per-step', vocabSize: vocab },
  steps
})

export const WORKLOADS: Workload[] = [
  {
    id: 'W1',
    title: 'char-LSTM: vocab 65, emb 32, LSTM 128, seq 64, batch 32',
    spec: { cell: 'lstm', layers: [{ units: 128 }], embeddingSize: 32 },
    task: chars(65, 64),
    batch: 32
  },
  {
    id: 'W2',
    title: 'emb 64, 2×LSTM 256, seq 100, batch 64, vocab 65',
    spec: { cell: 'lstm', layers: [{ units: 256 }, { units: 256 }], embeddingSize: 64 },
    task: chars(65, 100),
    batch: 64
  },
  {
    id: 'W3',
    title: 'GRU regression: 1 feature, GRU 64, seq 48, batch 64, MSE',
    spec: { cell: 'gru', layers: [{ units: 64 }] },
    task: {
      input: { type: 'features', size: 1 },
      head: { type: 'regression', size: 1 },
      steps: 48
    },
    batch: 64
  },
  {
    id: 'W4',
    title: 'vanilla tanh RNN 128, otherwise W1',
    spec: { cell: 'rnn', activation: 'tanh', layers: [{ units: 128 }], embeddingSize: 32 },
    task: chars(65, 64),
    batch: 32
  },
  {
    id: 'W5',
    title: 'bidirectional GRU 128, seq 64, batch 32, 18 classes',
    spec: { cell: 'gru', layers: [{ units: 128 }], embeddingSize: 32, bidirectional: true },
    task: {
      input: { type: 'tokens', vocabSize: 60, padded: false },
      head: { type: 'class', classes: 18 },
      steps: 64
    },
    batch: 32
  },
  {
    id: 'I1',
    title: 'sampling: one character from a given state, W1 network, batch 1',
    spec: { cell: 'lstm', layers: [{ units: 128 }], embeddingSize: 32 },
    task: chars(65, 64),
    batch: 1,
    sampling: true
  }
]

/** Tiny shapes for the harness's smoke test (`--tiny`): same kinds, seconds on the js engine. */
export function tinyWorkloads(): Workload[] {
  return WORKLOADS.map((w) => ({
    ...w,
    spec: {
      ...w.spec,
      layers: (w.spec.layers ?? []).map(() => ({ units: 4 })),
      embeddingSize: w.spec.embeddingSize === undefined ? undefined : 3
    },
    task: { ...w.task, steps: 5 },
    batch: w.sampling ? 1 : 3
  }))
}

export function findWorkload(id: string, tiny: boolean): Workload {
  const found = (tiny ? tinyWorkloads() : WORKLOADS).find((w) => w.id === id)
  if (!found) throw new Error(`Unknown workload ${id}.`)
  return found
}

/** One seeded random batch of the workload's shape. */
export function randomBatch(w: Workload, seed: number): Batch {
  const random = new Random(seed)
  const { batch: N } = w
  const T = w.task.steps
  const input = w.task.input
  const x =
    input.type === 'tokens'
      ? Int32Array.from({ length: N * T }, () => random.int(input.vocabSize))
      : Float32Array.from({ length: N * T * input.size }, () => random.normal())
  const xShape = input.type === 'tokens' ? [N, T] : [N, T, input.size]
  const head = w.task.head
  switch (head.type) {
    case 'tokens-per-step':
      return {
        x,
        xShape,
        y: Int32Array.from({ length: N * T }, () => random.int(head.vocabSize)),
        yShape: [N, T]
      }
    case 'class':
      return {
        x,
        xShape,
        y: Int32Array.from({ length: N }, () => random.int(head.classes)),
        yShape: [N]
      }
    case 'regression':
      return {
        x,
        xShape,
        y: Float32Array.from({ length: N * head.size }, () => random.normal()),
        yShape: [N, head.size]
      }
  }
}

/** What bench/torch_rnn.py needs to build the same network (it reads this as JSON). */
export function torchSpec(w: Workload) {
  const input = w.task.input
  const head = w.task.head
  return {
    id: w.id,
    cell: w.spec.cell === 'rnn' ? 'rnn' : w.spec.cell,
    activation: w.spec.activation ?? 'tanh',
    layers: (w.spec.layers ?? []).map((l) => l.units),
    bidirectional: w.spec.bidirectional ?? false,
    vocab: input.type === 'tokens' ? input.vocabSize : 0,
    features: input.type === 'features' ? input.size : 0,
    embedding: input.type === 'tokens' ? (w.spec.embeddingSize ?? 32) : 0,
    head: head.type,
    outputs:
      head.type === 'tokens-per-step'
        ? head.vocabSize
        : head.type === 'class'
          ? head.classes
          : head.size,
    steps: w.task.steps,
    batch: w.batch,
    sampling: w.sampling ?? false
  }
}
