/**
 * Where one fused training step's time goes (issue #6), measured inside one process so every
 * phase shares the machine's load at that moment:
 *
 *   tsx bench/step-breakdown.ts [--engine native|wasm|js] [--workload W1] [--steps 40]
 *     [--backend wasm|cpu] [--tiny]
 *
 * Phases of `FusedStepper.step` (minimum and median ms per step; on a busy machine the minimum is
 * the better estimate of a phase's own cost): the recurrent kernels (forward, backward),
 * the head GEMMs, the JS around them in `FusedNetwork.lossAndGradients` (embedding, merges,
 * softmax, copies), gradient norms, and the array optimiser (Adam). For comparison, what the same
 * step cost when the weights and Adam lived in tfjs (before the master weights moved into the
 * stepper): reading the variables back, building gradient tensors and `applyGradients`. Also
 * `syncModel`, which the trainer now pays only before evaluations and checkpoints.
 * A benchmark, not a test: the numbers depend on the machine and its load (run `uptime`).
 */
import * as tf from '@tensorflow/tfjs'
import { parseArgs } from 'node:util'
import { selectBackend } from '../src/engine/compute-backend'
import type { FusedKernels } from '../src/engine/fused/kernels'
import { loadKernels, type EngineChoice } from '../src/engine/fused/load-kernels'
import { FusedNetwork } from '../src/engine/fused/network'
import { createArrayOptimizer } from '../src/engine/fused/optimizers'
import { buildModel } from '../src/engine/model/build-model'
import { FusedStepper } from '../src/engine/train/fused-step'
import { createOptimizer } from '../src/engine/train/optimizers'
import { NetworkSpec } from '../src/shared/domain/network'
import { findWorkload, randomBatch } from './workloads'

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'native' },
    workload: { type: 'string', default: 'W1' },
    steps: { type: 'string', default: '40' },
    backend: { type: 'string', default: 'wasm' },
    tiny: { type: 'boolean', default: false }
  }
})

const TRAINING = { optimizer: 'adam', learningRate: 2e-3, momentum: 0.9 } as const

/** Milliseconds spent in each kernel method since the last `take()`. */
function timedKernels(inner: FusedKernels) {
  const spent = { rnnForward: 0, rnnBackward: 0, gemm: 0 }
  const time = <A, R>(key: keyof typeof spent, call: (args: A) => R) => {
    return (args: A): R => {
      const started = performance.now()
      try {
        return call(args)
      } finally {
        spent[key] += performance.now() - started
      }
    }
  }
  const kernels: FusedKernels = {
    name: inner.name,
    detail: inner.detail,
    rnnForward: time('rnnForward', (a) => inner.rnnForward(a)),
    rnnBackward: time('rnnBackward', (a) => inner.rnnBackward(a)),
    gemm: time('gemm', (a) => inner.gemm(a)),
    dispose: () => inner.dispose()
  }
  const take = () => {
    const copy = { ...spent }
    spent.rnnForward = spent.rnnBackward = spent.gemm = 0
    return copy
  }
  return { kernels, take }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main(): Promise<void> {
  const w = findWorkload(values.workload, values.tiny)
  await selectBackend(tf, { force: values.backend as 'wasm' | 'cpu' })
  const net = buildModel(NetworkSpec.parse(w.spec), w.task, 1)
  const { kernels: loaded, skipped } = await loadKernels(values.engine as EngineChoice)
  if (!loaded) throw new Error(skipped.join('; '))
  const { kernels, take } = timedKernels(loaded)
  const network = new FusedNetwork(net.spec, net.task, kernels)
  const batches = Array.from({ length: 4 }, (_, i) => randomBatch(w, 100 + i))
  const variables = net.model.trainableWeights.map((v) => ({
    variable: v.read() as tf.Variable,
    stable: v.originalName
  }))
  const weights = new Map(
    variables.map(({ variable, stable }) => [stable, (variable.dataSync() as Float32Array).slice()])
  )
  const list = variables.map(({ stable }) => weights.get(stable)!)
  const arrays = createArrayOptimizer(
    TRAINING,
    list.map((a) => a.length)
  )
  const reference = createOptimizer(TRAINING)
  const rows: Record<string, number[]> = {}
  const record = (name: string, ms: number) => (rows[name] ??= []).push(ms)
  const steps = Number(values.steps)

  for (let i = 0; i < steps + 3; i++) {
    const batch = batches[i % batches.length]
    take()
    let t = performance.now()
    const { grads } = network.lossAndGradients(weights, batch, { dropoutSeed: i })
    const fwdBwd = performance.now() - t
    const k = take()
    t = performance.now()
    const gradList = variables.map(({ stable }) => grads.get(stable)!)
    let sum = 0
    for (const g of gradList) for (let j = 0; j < g.length; j++) sum += g[j] * g[j]
    const scale = Math.sqrt(sum) > 5 ? 5 / Math.sqrt(sum) : 1
    const norms = performance.now() - t
    t = performance.now()
    arrays.apply(list, gradList, TRAINING.learningRate, scale)
    const adam = performance.now() - t

    // The step as it was: weights read back from tfjs, Adam on gradient tensors.
    t = performance.now()
    for (const { variable } of variables) variable.dataSync()
    const readBack = performance.now() - t
    t = performance.now()
    const tensors: tf.NamedTensorMap = {}
    variables.forEach(({ variable }, j) => {
      tensors[variable.name] = tf.tensor(gradList[j], variable.shape, 'float32')
    })
    reference.applyGradients(tensors)
    tf.dispose(Object.values(tensors))
    const tfjsAdam = performance.now() - t

    if (i < 3) continue // warm-up
    record('rnn forward (kernels)', k.rnnForward)
    record('rnn backward (kernels)', k.rnnBackward)
    record('head GEMMs (kernels)', k.gemm)
    record('JS in lossAndGradients', fwdBwd - k.rnnForward - k.rnnBackward - k.gemm)
    record('gradient norms', norms)
    record('Adam on arrays (now)', adam)
    record('fused step now (sum of the above)', fwdBwd + norms + adam)
    record('before: read weights back (dataSync)', readBack)
    record('before: gradient tensors + tfjs Adam', tfjsAdam)
    record('fused step before', fwdBwd + norms + readBack + tfjsAdam)
  }

  // syncModel, as the trainer pays it before an evaluation or a checkpoint.
  const stepper = new FusedStepper(net, loaded, TRAINING)
  const layerOf = new Map<string, string>()
  for (let i = 0; i < 8; i++) {
    stepper.step(batches[0], TRAINING.learningRate, { clipNorm: 5, dropoutSeed: i, layerOf })
    const t = performance.now()
    stepper.syncModel()
    if (i >= 3) record('syncModel (per evaluation / checkpoint)', performance.now() - t)
  }

  console.log(
    `${w.id} on ${loaded.name} (${loaded.detail}), tfjs ${tf.getBackend()}, ${steps} steps`
  )
  const width = Math.max(...Object.keys(rows).map((name) => name.length))
  console.log(`  ${'ms per step'.padEnd(width)}      min   median`)
  for (const [name, ms] of Object.entries(rows)) {
    const cells = [Math.min(...ms), median(ms)].map((x) => x.toFixed(2).padStart(8))
    console.log(`  ${name.padEnd(width)} ${cells.join(' ')}`)
  }
  stepper.dispose()
  reference.dispose()
  net.model.dispose()
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
})
