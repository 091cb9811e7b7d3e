/**
 * The run machinery with the real engine: a tiny synthetic run (the adding problem, T = 10, an
 * LSTM of 8 units, 30 steps) trained in a real forked trainer process on the cpu backend, once
 * through the backend API and once through `rnn-studio train` as a user runs it. Kept tiny: each
 * process spends most of its ~2 s loading tfjs.
 */
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openStudio, type Studio } from '../../src/backend/studio'
import { RunConfig } from '../../src/shared/domain/run-config'
import { checkIntegrity, listSamples } from '../../src/store'
import { tempHome } from '../support/temp-home'

const run = promisify(execFile)
const BIN = join(process.cwd(), 'bin', 'rnn-studio.js')

let home: ReturnType<typeof tempHome>
beforeEach(() => {
  home = tempHome()
})
afterEach(() => home.remove())

const TINY = RunConfig.parse({
  backend: 'cpu',
  task: { kind: 'synthetic', problem: 'adding', length: 10, examples: 500 },
  network: { cell: 'lstm', layers: [{ units: 8 }] },
  training: {
    maxSteps: 30,
    batchSize: 16,
    evalEvery: 10,
    checkpointEvery: 15,
    logEvery: 5,
    // The plain-TypeScript fused engine: loads on every machine, so the recorded engine is known.
    engine: 'js'
  }
})

describe('training with the real engine', () => {
  let studio: Studio | undefined
  afterEach(() => studio?.close())

  it('trains a tiny run end to end in a forked trainer process', async () => {
    mkdirSync(join(home.path, 'resources'))
    studio = await openStudio({
      home: join(home.path, 'home'),
      resourcesDir: join(home.path, 'resources'),
      version: '0.0.0'
    })
    const started = await studio.service.startRun(TINY)
    const runId = started.id
    await vi.waitFor(
      async () => expect((await studio!.service.getRun({ runId })).run.status).toBe('completed'),
      { timeout: 60_000, interval: 100 }
    )
    const detail = await studio.service.getRun({ runId })
    // The run records the compute backend and the engine that computed its steps.
    expect(detail.run).toMatchObject({ backend: 'cpu + fused js', error: null })
    expect(detail.lastStep).toBe(30)
    expect(detail.result).toMatchObject({ steps: 30 })
    expect(detail.checkpoints.map((c) => c.step)).toEqual(expect.arrayContaining([15, 30]))
    expect(detail.checkpoints.filter((c) => c.isBest)).toHaveLength(1)
    const [loss] = await studio.service.listMetrics({ runId, names: ['loss'] })
    expect(loss.points.map((p) => p.step)).toEqual([5, 10, 15, 20, 25, 30])
    expect(loss.points.every((p) => p.value !== null && p.value > 0)).toBe(true)
    const types = new Set(
      listSamples(studio.db, runId).map((s) => (s.payload as { type: string }).type)
    )
    expect(types).toContain('evaluation')
    expect(checkIntegrity(studio.db)).toEqual([])
  })

  it('runs `rnn-studio train --json` and `predict` as real processes', async () => {
    const common = ['--home', home.path, '--backend', 'cpu']
    const trained = await run(
      process.execPath,
      [
        BIN,
        'train',
        ...['--problem', 'adding', '--length', '10', '--examples', '500', '--units', '8'],
        ...['--steps', '30', '--batch', '16', '--eval-every', '10', '--json'],
        ...common
      ],
      { encoding: 'utf8', timeout: 90_000 }
    )
    const summary = JSON.parse(trained.stdout)
    expect(summary).toMatchObject({
      status: 'completed',
      backend: expect.stringMatching(/^cpu( \+ fused [a-z-]+)?$/),
      steps: 30,
      error: null,
      bestCheckpointStep: expect.any(Number)
    })
    expect(summary.finalMetrics.loss).toBeGreaterThan(0)
    expect(summary.stepsPerSecond).toBeGreaterThan(0)
    // Ten (value, marker) rows: the network answers with one number, the sum it learnt to add.
    const rows = Array.from({ length: 10 }, (_, t) => `${t / 10},${t === 2 || t === 7 ? 1 : 0}`)
    const predicted = await run(
      process.execPath,
      [BIN, 'predict', String(summary.runId), '--input', rows.join(';'), '--json', ...common],
      { encoding: 'utf8', timeout: 60_000 }
    )
    const { prediction } = JSON.parse(predicted.stdout)
    expect(prediction.type).toBe('values')
    expect(prediction.values).toHaveLength(1)
    expect(Number.isFinite(prediction.values[0])).toBe(true)
  })
})
