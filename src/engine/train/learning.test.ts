/**
 * The loop learns: tiny tasks whose solutions are known, on cpu and on wasm (whose missing
 * UnsortedSegmentSum kernel is why tokens are embedded as one-hot × matrix), and every head.
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import { recorder, train } from './test-hooks'
import { copyTask, firstTokenTask, firstValueTask, patternTask, runConfig } from './test-tasks'

describe.each(['cpu', 'wasm'] as const)('training on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(tf, { force: backend })
  })

  it('learns the next token of abcabc… (embedded tokens): val_loss far below ln 3', async () => {
    const r = recorder()
    const config = runConfig(
      { cell: 'lstm', layers: [{ units: 8 }], embeddingSize: 4 },
      { maxSteps: 60, batchSize: 8, learningRate: 0.05, evalEvery: 30, logEvery: 10 }
    )
    const started = performance.now()
    const result = await train(config, patternTask(), r.hooks)
    const seconds = (performance.now() - started) / 1000
    console.info(
      `[speed] abc LSTM-8, 60 steps on ${backend}: ${seconds.toFixed(2)} s, ${result.stepsPerSecond.toFixed(1)} steps/s`
    )
    expect(result).toMatchObject({
      status: 'completed',
      steps: 60,
      reason: 'reached maxSteps (60)'
    })
    const first = r.series('val_loss')[0][1]
    expect(first).toBeGreaterThan(0.9) // ≈ ln 3 = 1.10 before training
    expect(r.last('val_loss')).toBeLessThan(0.2 * Math.log(3))
    expect(r.last('val_bpc')).toBeCloseTo(r.last('val_loss') / Math.LN2, 10)
    expect(r.last('val_perplexity')).toBeCloseTo(Math.exp(r.last('val_loss')), 10)
    expect(result.bestValLoss).toBe(r.last('val_loss'))
    // a text sample at every evaluation (steps 0, 30, 60), of abc… after the model has learnt
    const texts = r.samples.filter((s) => s.payload.type === 'text')
    expect(texts.map((s) => s.step)).toEqual([0, 30, 60])
    const lastText = texts.at(-1)?.payload
    expect(lastText).toMatchObject({ type: 'text', prime: 'abcabc' })
    expect(lastText?.type === 'text' && lastText.text).toMatch(/^(abc)+a?b?$/)
  })

  it('learns to output the first input value: MSE well below the predict-the-mean 1/3', async () => {
    const r = recorder()
    const config = runConfig(
      { cell: 'gru', layers: [{ units: 8 }] },
      { maxSteps: 80, batchSize: 16, learningRate: 0.03, evalEvery: 80, logEvery: 20 }
    )
    const result = await train(config, firstValueTask(), r.hooks)
    expect(result.status).toBe('completed')
    expect(r.last('val_loss')).toBeLessThan(0.25 * (1 / 3))
    // targetScale.std = 2: errors in the data's units are twice the model's
    expect(r.last('val_rmse')).toBeCloseTo(2 * Math.sqrt(r.last('val_loss')), 5)
    expect(r.last('val_mae')).toBeLessThan(r.last('val_rmse'))
  })
})

describe('every head (cpu)', () => {
  let tensorsBefore = 0
  beforeAll(async () => {
    await selectBackend(tf, { force: 'cpu' })
    tensorsBefore = tf.memory().numTensors
  })
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it('evaluates a class head: accuracy, confusion matrix, per-class precision and recall', async () => {
    const r = recorder()
    const task = firstTokenTask()
    const config = runConfig(
      { cell: 'gru', layers: [{ units: 8 }], embeddingSize: 4 },
      { maxSteps: 60, batchSize: 16, learningRate: 0.05, evalEvery: 60 }
    )
    const result = await train(config, task, r.hooks)
    const evaluation = result.evaluation
    expect(evaluation?.classNames).toEqual(task.metadata.classNames)
    const matrix = evaluation?.confusionMatrix ?? []
    const total = matrix.flat().reduce((s, n) => s + n, 0)
    const diagonal = matrix.reduce((s, row, i) => s + row[i], 0)
    expect(total).toBe(24)
    expect(evaluation?.metrics.val_accuracy).toBeCloseTo(diagonal / total, 10)
    expect(evaluation?.metrics.val_accuracy).toBeGreaterThan(0.8)
    evaluation?.perClass?.forEach((c, i) => {
      expect(c.support).toBe(matrix[i].reduce((s, n) => s + n, 0))
      expect(c.recall).toBeCloseTo(matrix[i][i] / c.support, 10)
    })
    expect(evaluation?.baseline).toEqual(task.baseline)
    expect(r.samples.find((s) => s.payload.type === 'evaluation')?.step).toBe(60)
    const preview = r.samples.find((s) => s.payload.type === 'predictions')?.payload
    expect(preview?.type === 'predictions' && preview.rows[0]).toMatchObject({
      input: expect.stringMatching(/^[xyz]+$/),
      target: expect.stringMatching(/^starts with [xyz]$/)
    })
  })

  it('trains an encoder–decoder (bidirectional encoder) and reports greedy exact match', async () => {
    const r = recorder()
    const config = runConfig(
      { cell: 'gru', layers: [{ units: 8 }], bidirectional: true, embeddingSize: 4 },
      { maxSteps: 60, batchSize: 16, learningRate: 0.05, evalEvery: 60 }
    )
    const result = await train(config, copyTask(), r.hooks)
    expect(result.status).toBe('completed')
    expect(r.last('val_loss')).toBeLessThan(0.5)
    expect(r.last('val_exact_match')).toBeGreaterThan(0.5)
    expect(result.evaluation?.metrics.val_exact_match).toBe(r.last('val_exact_match'))
    const preview = r.samples.find(
      (s) => s.payload.type === 'predictions' && s.step === 60
    )?.payload
    expect(preview?.type === 'predictions' && preview.rows[0].target).toMatch(/^[abc]{3}$/)
  })
})
