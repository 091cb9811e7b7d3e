import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../shared/domain/run'
import { selectBackend } from '../compute-backend'
import { prepareTask } from '../tasks'
import { deterministic, recorder, train } from './test-hooks'
import { firstTokenTask, firstValueTask, patternTask, runConfig } from './test-tasks'
import type { CheckpointData } from './types'

describe('the training loop (cpu)', () => {
  beforeAll(async () => {
    await selectBackend(tf, { force: 'cpu' })
  })
  let tensorsBefore = 0
  beforeAll(() => {
    tensorsBefore = tf.memory().numTensors
  })
  afterAll(() => {
    // Every run disposes what it made: the model, the optimiser, every batch and gradient.
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  const dropoutConfig = () =>
    runConfig(
      { cell: 'lstm', layers: [{ units: 6 }, { units: 6 }], embeddingSize: 3, dropout: 0.3 },
      {
        maxSteps: 20,
        batchSize: 4,
        learningRate: 0.02,
        schedule: { type: 'cosine', warmupSteps: 4, minFactor: 0.1 },
        evalEvery: 5,
        checkpointEvery: 10,
        logEvery: 1,
        clipNorm: 1
      }
    )

  it('repeats every metric exactly with the same seed (dropout included)', async () => {
    const short = (seed: number) => {
      const config = dropoutConfig()
      return { ...config, training: { ...config.training, maxSteps: 8, seed } }
    }
    const [a, b, other] = [recorder(), recorder(), recorder()]
    await train(short(42), patternTask(), a.hooks)
    await train(short(42), patternTask(), b.hooks)
    await train(short(7), patternTask(), other.hooks)
    expect(deterministic(a.metrics)).toEqual(deterministic(b.metrics))
    expect(a.series('loss')).toHaveLength(8)
    expect(other.series('loss')).not.toEqual(a.series('loss'))
  })

  it('resumes a run stopped at step 10 to exactly the metrics of an uninterrupted run', async () => {
    const straight = recorder()
    const uninterrupted = await train(dropoutConfig(), patternTask(), straight.hooks)

    const first = recorder((call) => (call === 10 ? 'stop' : 'continue'))
    const stopped = await train(dropoutConfig(), patternTask(), first.hooks)
    expect(stopped).toMatchObject({ status: 'stopped', steps: 10, reason: 'stopped by the user' })
    const checkpoint = first.checkpoints.at(-1) as CheckpointData
    expect(checkpoint.step).toBe(10)

    const second = recorder()
    const resumed = await train(dropoutConfig(), patternTask(), second.hooks, {
      resume: checkpoint
    })
    expect(resumed).toMatchObject({ status: 'completed', steps: 20 })
    expect(second.lines[0]).toMatch(/^resumed at step 10/)
    const after = (metrics: MetricPoint[]) => deterministic(metrics.filter((m) => m.step > 10))
    expect(after(second.metrics)).toEqual(after(straight.metrics))
    expect(after(second.metrics).filter(([, name]) => name === 'loss')).toHaveLength(10)
    expect(resumed.bestValLoss).toBe(uninterrupted.bestValLoss)
    expect(resumed.finalMetrics.val_loss).toBe(uninterrupted.finalMetrics.val_loss)
    expect(second.checkpoints.at(-1)?.weights).toEqual(straight.checkpoints.at(-1)?.weights)
  })

  it('resumes an example-based task (epoch sampler) exactly too', async () => {
    // The adding problem draws examples without replacement per epoch; 12 examples of batch 4
    // cross two epoch boundaries in 20 steps, so a sampler that lost its place would diverge.
    const adding = () =>
      prepareTask({ kind: 'synthetic', problem: 'adding', length: 5, examples: 120 }, null, {
        seed: 3,
        validationSplit: 0.1
      })
    const config = runConfig(
      { cell: 'gru', layers: [{ units: 4 }] },
      { maxSteps: 20, batchSize: 36, evalEvery: 5, checkpointEvery: 10, logEvery: 1 }
    )
    const straight = recorder()
    await train(config, adding(), straight.hooks)
    const first = recorder((call) => (call === 7 ? 'stop' : 'continue'))
    await train(config, adding(), first.hooks)
    const second = recorder()
    await train(config, adding(), second.hooks, { resume: first.checkpoints.at(-1) })
    const after = (metrics: MetricPoint[]) => deterministic(metrics.filter((m) => m.step > 7))
    expect(after(second.metrics).filter(([, name]) => name === 'loss')).toHaveLength(13)
    expect(after(second.metrics)).toEqual(after(straight.metrics))
  })

  it('evaluates the best weights at the end, also after a resume', async () => {
    // Plain SGD at a rate this high overshoots: validation loss bottoms out before the last step.
    const config = runConfig(
      { cell: 'rnn', layers: [{ units: 8 }], embeddingSize: 4 },
      {
        maxSteps: 30,
        batchSize: 8,
        optimizer: 'sgd',
        momentum: 0.9,
        learningRate: 3,
        evalEvery: 3,
        evalBatches: 1000,
        checkpointEvery: 6
      }
    )
    const straight = recorder()
    const result = await train(config, patternTask(), straight.hooks)
    const valLosses = straight.series('val_loss')
    const [bestStep, bestLoss] = valLosses.reduce((a, b) => (b[1] < a[1] ? b : a))
    expect(bestStep).toBeLessThan(30) // the test means something only if the best is not the last
    expect(result.evaluation?.step).toBe(bestStep)
    expect(result.evaluation?.metrics.val_loss).toBeCloseTo(bestLoss, 5)

    // Stopped after the best step and resumed: the host hands the best checkpoint's weights back.
    const stopAt = Math.ceil((bestStep + 1) / 6) * 6
    const first = recorder((call) => (call === stopAt ? 'stop' : 'continue'))
    await train(config, patternTask(), first.hooks)
    const resumeFrom = first.checkpoints.at(-1) as CheckpointData
    const bestCheckpoint = first.checkpoints.find((c) => c.isBest && c.step === bestStep)
    expect(bestCheckpoint).toBeDefined()
    const resumed = await train(config, patternTask(), recorder().hooks, {
      resume: resumeFrom,
      ...(resumeFrom.isBest
        ? {}
        : { resumeBest: { step: bestStep, weights: (bestCheckpoint as CheckpointData).weights } })
    })
    expect(resumed.evaluation?.step).toBe(bestStep)
    expect(resumed.evaluation?.metrics.val_loss).toBe(result.evaluation?.metrics.val_loss)
  })

  it('fails with the step named and remedies when the loss turns NaN', async () => {
    const r = recorder()
    const config = runConfig({ cell: 'rnn', layers: [{ units: 3 }] }, { maxSteps: 10, logEvery: 1 })
    const result = await train(config, firstValueTask(4, { nanAtCall: 3 }), r.hooks)
    expect(result.status).toBe('failed')
    expect(result.steps).toBe(2)
    expect(result.error).toMatch(/diverged at step 3: the loss became NaN/)
    expect(result.error).toMatch(/Lower the learning rate \(now 0\.002\)/)
    expect(result.error).toMatch(/enable gradient clipping/)
    expect(result.evaluation).toBeNull()
    expect(r.series('loss').map(([step]) => step)).toEqual([1, 2])
  })

  it('pauses inside control() and stops on request after writing a checkpoint', async () => {
    let paused = false
    const r = recorder(async (call) => {
      if (call === 2) {
        paused = true
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return call === 5 ? 'stop' : 'continue'
    })
    const config = runConfig({ cell: 'gru', layers: [{ units: 3 }] }, { maxSteps: 50 })
    const result = await train(config, firstValueTask(), r.hooks)
    expect(paused).toBe(true)
    expect(result).toMatchObject({ status: 'stopped', steps: 5 })
    expect(r.checkpoints.map((c) => c.step)).toEqual([5])
    expect(r.checkpoints[0].meta).toMatchObject({
      format: 1,
      // The compute backend, and the fused engine when one computed the steps.
      backend: expect.stringMatching(/^cpu( \+ fused [a-z-]+)?$/),
      rngState: expect.any(Number)
    })
    expect(r.checkpoints[0].optimizerState).toBeInstanceOf(Uint8Array)
    // a stopped run still gets its final evaluation
    expect(result.evaluation?.metrics.val_loss).toEqual(expect.any(Number))
  })

  it('stops early when validation stops improving, and checkpoints the improvements', async () => {
    const r = recorder()
    // A rate far below float32 resolution of the weights: nothing moves, nothing improves.
    const config = runConfig(
      { cell: 'rnn', layers: [{ units: 3 }] },
      {
        maxSteps: 100,
        learningRate: 1e-12,
        evalEvery: 2,
        earlyStoppingPatience: 2,
        checkpointEvery: 1000
      }
    )
    const result = await train(config, firstValueTask(), r.hooks)
    expect(result.status).toBe('completed')
    expect(result.reason).toMatch(
      /^early stopping: validation loss has not improved for 2 evaluations/
    )
    expect(result.steps).toBe(4) // evaluations at 0 (best), 2 and 4 (no better)
    expect(r.checkpoints.map((c) => [c.step, c.isBest, c.meta.evalsWithoutImprovement])).toEqual([
      [4, false, 2]
    ])
  })

  it('stops at maxEpochs and at the time budget', async () => {
    const epochs = await train(
      runConfig(
        { cell: 'rnn', layers: [{ units: 2 }] },
        { maxSteps: 100, batchSize: 250, maxEpochs: 1 }
      ),
      firstValueTask(),
      recorder().hooks
    )
    // 1000 examples / 250 per step
    expect(epochs).toMatchObject({ steps: 4, reason: 'reached maxEpochs (1)' })
    let clock = 0
    const timed = await train(
      runConfig({ cell: 'rnn', layers: [{ units: 2 }] }, { maxSteps: 100, timeBudgetSeconds: 5 }),
      firstValueTask(),
      recorder().hooks,
      { now: () => (clock += 250) }
    )
    expect(timed.status).toBe('completed')
    expect(timed.reason).toBe('used the time budget (5 s)')
    expect(timed.steps).toBeLessThan(100)
  })

  it('logs loss, lr, global and per-layer gradient norms, clipping and throughput', async () => {
    const r = recorder()
    const config = runConfig(
      { cell: 'lstm', layers: [{ units: 4 }], embeddingSize: 3 },
      { maxSteps: 4, logEvery: 2, clipNorm: 1e-6, schedule: { type: 'step', every: 2, gamma: 0.5 } }
    )
    const result = await train(config, patternTask(), r.hooks)
    const names = new Set(r.metrics.filter((m) => m.step === 2).map((m) => m.name))
    expect([...names].sort()).toEqual(
      [
        'loss',
        'lr',
        'grad_norm',
        'grad_norm_clipped',
        'grad_norm/embedding',
        'grad_norm/rnn_1',
        'grad_norm/head',
        'steps_per_second',
        'timesteps_per_second'
      ].sort()
    )
    expect(r.series('grad_norm_clipped')).toEqual([
      [2, 1],
      [4, 1]
    ])
    // lr logged is the rate of the logged step: steps 1–2 use 2e-3, steps 3–4 (index 2, 3) 1e-3
    expect(r.series('lr')).toEqual([
      [2, 0.002],
      [4, 0.001]
    ])
    const g = Object.fromEntries(
      r.metrics.filter((m) => m.step === 2).map((m) => [m.name, m.value])
    )
    const layers =
      g['grad_norm/embedding'] ** 2 + g['grad_norm/rnn_1'] ** 2 + g['grad_norm/head'] ** 2
    expect(Math.sqrt(layers)).toBeCloseTo(g.grad_norm, 4)
    expect(g.timesteps_per_second).toBeCloseTo(g.steps_per_second * 32 * 6, 6)
    expect(result.stepsPerSecond).toBeGreaterThan(0)
  })

  it('records diagnostics at each evaluation: one input-gradient norm per step, PCA, weight norms', async () => {
    const r = recorder()
    const task = firstTokenTask()
    const config = runConfig(
      { cell: 'lstm', layers: [{ units: 4 }], embeddingSize: 3 },
      { maxSteps: 2, evalEvery: 1 }
    )
    await train(config, task, r.hooks)
    const diagnostics = r.samples.filter((s) => s.payload.type === 'diagnostics')
    expect(diagnostics.map((s) => s.step)).toEqual([0, 1, 2])
    const d =
      diagnostics[0].payload.type === 'diagnostics' ? diagnostics[0].payload.diagnostics : null
    expect(d?.inputGradientNorms).toHaveLength(task.steps)
    expect(d?.inputGradientNorms.every((n) => Number.isFinite(n) && n >= 0)).toBe(true)
    expect(d?.hiddenPca.points).toHaveLength(16)
    expect(new Set(d?.hiddenPca.labels)).toEqual(new Set(task.metadata.classNames))
    expect(Object.keys(d?.weightNorms ?? {})).toEqual([
      'embedding/kernel',
      'rnn_1/kernel',
      'rnn_1/recurrent_kernel',
      'rnn_1/bias',
      'head/kernel',
      'head/bias'
    ])
  })
})
