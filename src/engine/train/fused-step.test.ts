/**
 * Training on the fused engine through the real loop: the reference kernels ('js') must follow
 * the tfjs-layers graph ('tfjs') step for step on a small LSTM text task (same initial weights,
 * same batches, same Adam; only float rounding differs), learn, and repeat exactly; a fused run
 * stopped and resumed must repeat the uninterrupted one exactly, and its checkpoints must resume
 * on the tfjs-layers graph (and the reverse) where the run would have gone.
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../shared/domain/run'
import { selectBackend } from '../compute-backend'
import { createJsKernels } from '../fused/js-kernels'
import { buildModel } from '../model/build-model'
import { NetworkSpec } from '../../shared/domain/network'
import { packModelWeights } from './checkpoint'
import { chooseTrainEngine, FusedStepper } from './fused-step'
import { deterministic, recorder, train } from './test-hooks'
import { patternTask, runConfig } from './test-tasks'
import type { CheckpointData } from './types'

describe('training on the fused engine (cpu)', () => {
  beforeAll(async () => {
    await selectBackend(tf, { force: 'cpu' })
  })
  let tensorsBefore = 0
  beforeAll(() => {
    tensorsBefore = tf.memory().numTensors
  })
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  const config = (engine: 'js' | 'tfjs', seed = 42) =>
    runConfig(
      { cell: 'lstm', layers: [{ units: 8 }], embeddingSize: 4 },
      { maxSteps: 30, batchSize: 6, learningRate: 0.02, clipNorm: 1, seed, engine }
    )

  it('follows the tfjs-layers path step for step, and learns', async () => {
    const [fused, graph] = [recorder(), recorder()]
    const fusedResult = await train(config('js'), patternTask(), fused.hooks)
    const graphResult = await train(config('tfjs'), patternTask(), graph.hooks)
    expect(fusedResult.engine).toBe('fused js')
    expect(graphResult.engine).toBe('tfjs-layers')
    expect(fused.lines.some((line) => line.startsWith('engine: fused js'))).toBe(true)

    const losses = fused.series('loss').map(([, v]) => v)
    const reference = graph.series('loss').map(([, v]) => v)
    expect(losses).toHaveLength(30)
    // Float32 rounding compounds through Adam, so compare the first steps tightly, later loosely.
    for (let i = 0; i < 5; i++) expect(losses[i]).toBeCloseTo(reference[i], 4)
    for (let i = 5; i < 30; i++) expect(Math.abs(losses[i] - reference[i])).toBeLessThan(0.02)
    const gradNorms = fused.series('grad_norm').map(([, v]) => v)
    const referenceNorms = graph.series('grad_norm').map(([, v]) => v)
    for (let i = 0; i < 5; i++) expect(gradNorms[i]).toBeCloseTo(referenceNorms[i], 3)
    // Learning: ln 3 ≈ 1.10 at the start, well below by the end.
    expect(losses[0]).toBeGreaterThan(1)
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0])
    // The evaluation (tfjs-layers model, fused-trained weights) sees the same network.
    expect(fusedResult.finalMetrics.val_loss).toBeCloseTo(graphResult.finalMetrics.val_loss, 2)
  })

  it('repeats exactly with the same seed', async () => {
    const [a, b, other] = [recorder(), recorder(), recorder()]
    const short = (seed: number) => {
      const c = config('js', seed)
      return { ...c, training: { ...c.training, maxSteps: 8 } }
    }
    await train(short(42), patternTask(), a.hooks)
    await train(short(42), patternTask(), b.hooks)
    await train(short(7), patternTask(), other.hooks)
    expect(deterministic(a.metrics)).toEqual(deterministic(b.metrics))
    expect(other.series('loss')).not.toEqual(a.series('loss'))
  })

  it('records the engine in checkpoints', async () => {
    const run = recorder()
    const c = config('js')
    await train(
      { ...c, training: { ...c.training, maxSteps: 4, checkpointEvery: 2 } },
      patternTask(),
      run.hooks
    )
    expect(run.checkpoints.at(-1)?.meta.backend).toBe('cpu + fused js')
  })

  it('keeps tfjs-layers, saying why, for networks it cannot fuse or when asked', async () => {
    const spec = NetworkSpec.parse({ cell: 'gru', layers: [{ units: 3 }] })
    const seq2seq = buildModel(
      spec,
      {
        input: { type: 'tokens', vocabSize: 4, padded: true },
        head: { type: 'tokens-per-step', vocabSize: 5 },
        steps: 3,
        decoder: { vocabSize: 5, startToken: 1, endToken: 2, maxSteps: 4 }
      },
      1
    )
    const lines: string[] = []
    const training = { optimizer: 'adam', momentum: 0 } as const
    const chosen = await chooseTrainEngine({ ...training, engine: 'js' }, seq2seq, (line) =>
      lines.push(line)
    )
    expect(chosen).toEqual({ stepper: null, name: 'tfjs-layers' })
    expect(lines).toEqual([
      expect.stringMatching(/^engine: tfjs-layers \(fused js engine skipped: encoder–decoder/)
    ])
    const asked = await chooseTrainEngine({ ...training, engine: 'tfjs' }, seq2seq, () => {})
    expect(asked.stepper).toBeNull()
    seq2seq.model.dispose()
  })

  it('keeps the master weights to itself until syncModel writes them into the model', () => {
    const net = buildModel(
      NetworkSpec.parse({ cell: 'gru', layers: [{ units: 3 }], embeddingSize: 2 }),
      {
        input: { type: 'tokens', vocabSize: 4, padded: false },
        head: { type: 'class', classes: 2 },
        steps: 3
      },
      1
    )
    const stepper = new FusedStepper(net, createJsKernels(), { optimizer: 'sgd', momentum: 0 })
    const initial = packModelWeights(net).data.slice()
    const batch = {
      x: Int32Array.from([0, 1, 2, 3, 2, 1]),
      xShape: [2, 3],
      y: Int32Array.from([0, 1]),
      yShape: [2]
    }
    const options = { clipNorm: 0, dropoutSeed: 1, layerOf: new Map<string, string>() }
    stepper.step(batch, 0.5, options)
    expect(packModelWeights(net).data).toEqual(initial)
    stepper.syncModel()
    const first = packModelWeights(net).data.slice()
    expect(first).not.toEqual(initial)
    // Written once per change: another sync without a step leaves the model alone, so weights
    // set on it in between (the final evaluation's best weights) stay.
    stepper.step(batch, 0.5, options)
    stepper.syncModel()
    const second = packModelWeights(net).data.slice()
    expect(second).not.toEqual(first)
    const zeros = net.model.weights.map((w) => tf.zerosLike(w.read()))
    net.model.setWeights(zeros)
    tf.dispose(zeros)
    stepper.syncModel()
    expect(packModelWeights(net).data.every((b) => b === 0)).toBe(true)
    stepper.dispose()
    net.model.dispose()
  })
})

describe.each(['adam', 'rmsprop', 'sgd'] as const)(
  'checkpoints of %s across engines (cpu)',
  (optimizer) => {
    beforeAll(async () => {
      await selectBackend(tf, { force: 'cpu' })
    })
    let tensorsBefore = 0
    beforeAll(() => {
      tensorsBefore = tf.memory().numTensors
    })
    afterAll(() => {
      expect(tf.memory().numTensors).toBe(tensorsBefore)
    })

    const config = (engine: 'js' | 'tfjs', dropout = 0) =>
      runConfig(
        { cell: 'lstm', layers: [{ units: 6 }, { units: 6 }], embeddingSize: 3, dropout },
        {
          maxSteps: 20,
          batchSize: 4,
          optimizer,
          momentum: 0.9,
          learningRate: optimizer === 'sgd' ? 0.2 : 0.02,
          schedule: { type: 'cosine', warmupSteps: 4, minFactor: 0.1 },
          evalEvery: 5,
          checkpointEvery: 10,
          logEvery: 1,
          clipNorm: 1,
          engine
        }
      )
    const after = (metrics: MetricPoint[], step: number) =>
      deterministic(metrics.filter((m) => m.step > step))

    it('a fused run stopped at step 10 resumes to exactly the uninterrupted metrics', async () => {
      const straight = recorder()
      const uninterrupted = await train(config('js', 0.3), patternTask(), straight.hooks)
      const first = recorder((call) => (call === 10 ? 'stop' : 'continue'))
      await train(config('js', 0.3), patternTask(), first.hooks)
      const checkpoint = first.checkpoints.at(-1) as CheckpointData
      expect(checkpoint.step).toBe(10)
      const second = recorder()
      const resumed = await train(config('js', 0.3), patternTask(), second.hooks, {
        resume: checkpoint
      })
      expect(resumed).toMatchObject({ status: 'completed', steps: 20, engine: 'fused js' })
      expect(after(second.metrics, 10).filter(([, name]) => name === 'loss')).toHaveLength(10)
      expect(after(second.metrics, 10)).toEqual(after(straight.metrics, 10))
      expect(resumed.finalMetrics.val_loss).toBe(uninterrupted.finalMetrics.val_loss)
      expect(second.checkpoints.at(-1)?.weights).toEqual(straight.checkpoints.at(-1)?.weights)
      expect(second.checkpoints.at(-1)?.optimizerState).toEqual(
        straight.checkpoints.at(-1)?.optimizerState
      )
    })

    it('writes the tfjs optimiser layout, and resumes tfjs ⇄ fused where the run would have gone', async () => {
      const runs = { js: recorder(), tfjs: recorder() }
      const stopped = {
        js: recorder((call) => (call === 10 ? 'stop' : 'continue')),
        tfjs: recorder((call) => (call === 10 ? 'stop' : 'continue'))
      }
      for (const engine of ['js', 'tfjs'] as const) {
        await train(config(engine), patternTask(), runs[engine].hooks)
        await train(config(engine), patternTask(), stopped[engine].hooks)
      }
      const [fusedCheckpoint, graphCheckpoint] = [stopped.js, stopped.tfjs].map(
        (r) => r.checkpoints.at(-1) as CheckpointData
      )
      // Same slots, names, shapes and order; values as close as the two engines' gradients.
      expect(fusedCheckpoint.meta.optimizer).toEqual(graphCheckpoint.meta.optimizer)
      expect(fusedCheckpoint.meta.optimizer[0]).toEqual({ name: 'iter', shape: [] })
      const floats = (c: CheckpointData) => new Float32Array(c.optimizerState!.slice().buffer)
      const [a, b] = [floats(fusedCheckpoint), floats(graphCheckpoint)]
      expect(a[0]).toBe(10)
      let worst = 0
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]))
      expect(worst).toBeLessThan(1e-3)

      for (const [from, to] of [
        ['js', 'tfjs'],
        ['tfjs', 'js']
      ] as const) {
        const resumed = recorder()
        const result = await train(config(to), patternTask(), resumed.hooks, {
          resume: stopped[from].checkpoints.at(-1)
        })
        expect(result.engine).toBe(to === 'js' ? 'fused js' : 'tfjs-layers')
        const losses = resumed.series('loss').map(([, v]) => v)
        const reference = runs[from]
          .series('loss')
          .slice(10)
          .map(([, v]) => v)
        expect(losses).toHaveLength(10)
        for (let i = 0; i < 10; i++) expect(Math.abs(losses[i] - reference[i])).toBeLessThan(1e-3)
      }
    })
  }
)
