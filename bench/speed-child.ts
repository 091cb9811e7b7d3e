/**
 * One engine × one workload, in its own process so peak RSS belongs to it alone (bench/speed.ts
 * starts one per cell of the table). Prints one line `RESULT {json}` on stdout.
 *
 *   tsx bench/speed-child.ts --engine native|wasm|js|tfjs --workload W1 [--seconds 3]
 *     [--warmup 3] [--tiny] [--soak 1000] [--backend wasm|cpu]
 *
 * Training: the studio's own step with Adam, random batches from a small seeded pool (fused:
 * FusedStepper, weights and Adam on its own arrays; tfjs: the trainer's trainStep, Adam on the
 * tfjs backend). Sampling (I1): µs per character
 * from a warmed-up state, embedding + one step + head + softmax + draw.
 */
import * as tf from '@tensorflow/tfjs'
import { parseArgs } from 'node:util'
import { selectBackend } from '../src/engine/compute-backend'
import { loadKernels, type EngineChoice } from '../src/engine/fused/load-kernels'
import { buildModel } from '../src/engine/model/build-model'
import { Random } from '../src/engine/tasks/random'
import { FusedStepper } from '../src/engine/train/fused-step'
import { createOptimizer } from '../src/engine/train/optimizers'
import { pickToken, sampleText } from '../src/engine/train/sample'
import { trainStep } from '../src/engine/train/trainer'
import { NetworkSpec } from '../src/shared/domain/network'
import { findWorkload, randomBatch, type Workload } from './workloads'

export interface ChildResult {
  engine: string
  /** Kernels' detail line, or the tfjs backend. */
  detail: string
  workload: string
  steps: number
  seconds: number
  stepsPerSecond?: number
  timestepsPerSecond?: number
  usPerChar?: number
  peakRssMiB: number
  /** Soak runs: RSS (MiB) after warm-up, halfway and at the end. */
  soakRssMiB?: [number, number, number]
}

const TRAINING = { optimizer: 'adam', learningRate: 2e-3, momentum: 0.9 } as const

const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    workload: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    tiny: { type: 'boolean', default: false },
    soak: { type: 'string' },
    backend: { type: 'string', default: 'wasm' }
  }
})

const rssMiB = () => process.memoryUsage().rss / 2 ** 20
const peakMiB = () => process.resourceUsage().maxRSS / 1024

async function main(): Promise<ChildResult> {
  const engine = values.engine as EngineChoice
  const w = findWorkload(values.workload ?? '', values.tiny)
  await selectBackend(tf, { force: values.backend as 'wasm' | 'cpu' })
  const spec = NetworkSpec.parse(w.spec)
  const net = buildModel(spec, w.task, 1)
  let stepper: FusedStepper | null = null
  let detail = `tfjs-layers on tfjs ${tf.getBackend()}`
  if (engine !== 'tfjs') {
    const { kernels, skipped } = await loadKernels(engine)
    if (!kernels) throw new Error(skipped.join('; '))
    stepper = new FusedStepper(net, kernels, TRAINING)
    detail = kernels.detail
  }
  const warmup = Number(values.warmup)
  const seconds = Number(values.seconds)
  const base: Pick<ChildResult, 'engine' | 'detail' | 'workload'> = {
    engine,
    detail,
    workload: w.id
  }
  try {
    if (w.sampling) return { ...base, ...sample(w, net, stepper, warmup, seconds) }
    return { ...base, ...trainLoop(w, net, stepper, warmup, seconds, values.soak) }
  } finally {
    stepper?.dispose()
  }
}

function trainLoop(
  w: Workload,
  net: ReturnType<typeof buildModel>,
  stepper: FusedStepper | null,
  warmup: number,
  seconds: number,
  soak: string | undefined
): Omit<ChildResult, 'engine' | 'detail' | 'workload'> {
  const optimizer = createOptimizer(TRAINING)
  const batches = Array.from({ length: 4 }, (_, i) => randomBatch(w, 100 + i))
  const layerOf = new Map<string, string>()
  const step = (i: number) => {
    const options = { clipNorm: 5, dropoutSeed: i, layerOf }
    const batch = batches[i % batches.length]
    const outcome = stepper
      ? stepper.step(batch, TRAINING.learningRate, options)
      : trainStep(net, optimizer, w.task.head, batch, options)
    if (!Number.isFinite(outcome.loss)) throw new Error(`loss became ${outcome.loss}`)
  }
  for (let i = 0; i < warmup; i++) step(i)
  const soakSteps = soak ? Number(soak) : 0
  const samples: number[] = []
  const started = performance.now()
  let steps = 0
  if (soakSteps > 0) {
    samples.push(rssMiB())
    for (; steps < soakSteps; steps++) {
      step(warmup + steps)
      if (steps === Math.floor(soakSteps / 2)) samples.push(rssMiB())
    }
    samples.push(rssMiB())
  } else {
    // At least 3 timed steps, then until the time is up.
    while (steps < 3 || performance.now() - started < seconds * 1000) step(warmup + steps++)
  }
  const elapsed = (performance.now() - started) / 1000
  optimizer.dispose()
  net.model.dispose()
  const stepsPerSecond = steps / elapsed
  return {
    steps,
    seconds: elapsed,
    stepsPerSecond,
    timestepsPerSecond: stepsPerSecond * w.batch * w.task.steps,
    peakRssMiB: peakMiB(),
    ...(soakSteps > 0 ? { soakRssMiB: samples as [number, number, number] } : {})
  }
}

/** µs per sampled character, each from the state the previous one left. */
function sample(
  w: Workload,
  net: ReturnType<typeof buildModel>,
  stepper: FusedStepper | null,
  warmup: number,
  seconds: number
): Omit<ChildResult, 'engine' | 'detail' | 'workload'> {
  const V = w.task.input.type === 'tokens' ? w.task.input.vocabSize : 0
  const random = new Random(5)
  let chars = 0
  let started: number
  if (stepper) {
    const weights = new Map<string, Float32Array>()
    for (const v of net.model.trainableWeights) {
      weights.set(v.originalName, v.read().dataSync() as Float32Array)
    }
    const state = stepper.network.zeroState(1)
    let id = 0
    const next = () => {
      const logits = stepper.network.stepTokens(weights, [id], state)
      id = pickToken(logits, 1, 0, random)
    }
    for (let i = 0; i < 16 + warmup * 100; i++) next()
    started = performance.now()
    while (chars < 100 || performance.now() - started < seconds * 1000) {
      for (let i = 0; i < 100; i++) next()
      chars += 100
    }
  } else {
    // The studio's own sampler: stepped tfjs-layers cells from the state the prime left.
    const vocabulary = Array.from({ length: V }, (_, i) => String.fromCharCode(65 + i))
    const metadata = { kind: 'text-generation' as const, vocabulary, tokens: 'char' }
    const run = (length: number) =>
      sampleText(net, metadata, { prime: 'A', length, temperature: 1, topK: 0, seed: 3 })
    run(20 * Math.max(warmup, 1))
    started = performance.now()
    while (chars < 50 || performance.now() - started < seconds * 1000) {
      run(50)
      chars += 50
    }
  }
  const elapsed = (performance.now() - started) / 1000
  net.model.dispose()
  return {
    steps: chars,
    seconds: elapsed,
    usPerChar: (elapsed * 1e6) / chars,
    peakRssMiB: peakMiB()
  }
}

main().then(
  (result) => {
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
)
