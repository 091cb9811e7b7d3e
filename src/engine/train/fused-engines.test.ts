/**
 * The production fused engines (oneDNN, WebAssembly SIMD) keep the loop's promises the reference
 * engine's tests prove: the same seed gives the same metrics, and a run stopped and resumed in
 * a new trainer repeats the uninterrupted one exactly (what resume after SIGKILL relies on). A
 * multithreaded kernel that summed in a different order from run to run would break both.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../shared/domain/run'
import { selectBackend } from '../compute-backend'
import { loadKernels } from '../fused/load-kernels'
import { deterministic, recorder, train } from './test-hooks'
import { patternTask, runConfig } from './test-tasks'
import type { CheckpointData } from './types'

const ENGINES = [
  {
    engine: 'native',
    name: 'fused onednn',
    required: process.env.RNN_STUDIO_REQUIRE_NATIVE === '1'
  },
  { engine: 'wasm', name: 'fused wasm-simd', required: process.env.RNN_STUDIO_REQUIRE_WASM === '1' }
] as const

describe.each(ENGINES)('the $engine engine through the training loop (cpu)', (e) => {
  let available = false
  beforeAll(async () => {
    await selectBackend(tf, { force: 'cpu' })
    const loaded = await loadKernels(e.engine)
    available = loaded.kernels !== null
    loaded.kernels?.dispose()
    if (!available && e.required) throw new Error(`${e.engine} engine required but unavailable`)
  })

  // Wide enough that the kernels split work across threads (2¹⁸ flops per step and more).
  const config = (seed = 42) =>
    runConfig(
      { cell: 'lstm', layers: [{ units: 96 }, { units: 64 }], embeddingSize: 16, dropout: 0.2 },
      { maxSteps: 16, batchSize: 32, learningRate: 0.01, clipNorm: 1, seed, engine: e.engine }
    )
  const after = (metrics: MetricPoint[], step: number) =>
    deterministic(metrics.filter((m) => m.step > step))

  it('repeats exactly with the same seed, and resumes to exactly the uninterrupted run', async (context) => {
    if (!available) context.skip()
    const straight = recorder()
    const uninterrupted = await train(config(), patternTask(24), straight.hooks)
    expect(uninterrupted.engine).toBe(e.name)
    const again = recorder()
    await train(config(), patternTask(24), again.hooks)
    expect(deterministic(again.metrics)).toEqual(deterministic(straight.metrics))

    const first = recorder((call) => (call === 8 ? 'stop' : 'continue'))
    await train(config(), patternTask(24), first.hooks)
    const checkpoint = first.checkpoints.at(-1) as CheckpointData
    expect(checkpoint.step).toBe(8)
    const second = recorder()
    await train(config(), patternTask(24), second.hooks, { resume: checkpoint })
    expect(after(second.metrics, 8).filter(([, name]) => name === 'loss')).toHaveLength(8)
    expect(after(second.metrics, 8)).toEqual(after(straight.metrics, 8))
    expect(second.checkpoints.at(-1)?.weights).toEqual(straight.checkpoints.at(-1)?.weights)
  }, 120_000)
})
