/**
 * The inference methods through the one request path (dispatch.ts), on real checkpoints of tiny
 * runs trained in this process with the engine (a few dozen steps of a few units each).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import { trainInProcess } from '../../test/support/train-in-process'
import { activateComputeBackend } from '../engine/compute-backend'
import type { StudioMethod, StudioOutput } from '../shared/api/contract'
import type { ApiErrorData } from '../shared/api/errors'
import type { RunId } from '../shared/domain/ids'
import { createRun, listMetrics } from '../store'
import { sourceLayout } from './app-info'
import { dispatchRequest } from './dispatch'
import { openStudio, type Studio } from './studio'

let home: ReturnType<typeof tempHome>
let studio: Studio
let textRun: RunId
let addingRun: RunId
let forecastRun: RunId

/** Calls `method` as a transport does; the output, or throws the error data. */
async function call<M extends StudioMethod>(method: M, input: unknown): Promise<StudioOutput<M>> {
  const reply = await dispatchRequest(studio.service, method, input)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
  return reply.output as StudioOutput<M>
}

/** The error data a call fails with. */
async function failure(method: StudioMethod, input: unknown): Promise<ApiErrorData> {
  const reply = await dispatchRequest(studio.service, method, input)
  if (reply.ok) throw new Error(`${method} succeeded`)
  return reply.error
}

const TINY_TRAINING = { batchSize: 8, evalBatches: 2, logEvery: 5, checkpointEvery: 100 }

beforeAll(async () => {
  home = tempHome()
  mkdirSync(join(home.path, 'resources'))
  studio = await openStudio({
    home: join(home.path, 'home'),
    resourcesDir: join(home.path, 'resources'),
    version: '0.0.0',
    probeBackend: () => activateComputeBackend('cpu')
  })
  const text = join(home.path, 'verse.txt')
  writeFileSync(text, 'to be or not to be, that is the question.\n'.repeat(24))
  const verse = await studio.addDatasetFromPath(text)
  const airline = await studio.addDatasetFromPath(
    join(sourceLayout().resources, 'samples', 'airline-passengers', 'airline-passengers.csv'),
    { name: 'Airline passengers', kind: 'csv', isSample: true, notice: '' }
  )
  textRun = await trainInProcess(studio, {
    task: { kind: 'text-generation', datasetId: verse.id, sequenceLength: 8 },
    network: { cell: 'lstm', layers: [{ units: 8 }], embeddingSize: 4 },
    training: { ...TINY_TRAINING, maxSteps: 20, evalEvery: 10 }
  })
  addingRun = await trainInProcess(studio, {
    task: { kind: 'synthetic', problem: 'adding', length: 6, examples: 200 },
    network: { cell: 'lstm', layers: [{ units: 4 }] },
    training: { ...TINY_TRAINING, maxSteps: 10, evalEvery: 5 }
  })
  forecastRun = await trainInProcess(studio, {
    task: { kind: 'forecast', datasetId: airline.id, lookback: 4 },
    network: { cell: 'gru', layers: [{ units: 4 }] },
    training: { ...TINY_TRAINING, maxSteps: 10, evalEvery: 5, validationSplit: 0.2 }
  })
}, 120_000)

afterAll(() => {
  studio?.close()
  home?.remove()
})

describe('inference on a text-generation run', () => {
  it('describes the network it uses', async () => {
    const info = await call('describeModel', { runId: textRun })
    expect(info).toMatchObject({
      runId: textRun,
      step: 20,
      output: 'next-token',
      canSample: true,
      bidirectional: false,
      input: { type: 'tokens', level: 'char' }
    })
    // One id per distinct character of the verse: "tobernhaisqu", space, comma, full stop, newline.
    expect(info.input).toMatchObject({ vocabularySize: 16 })
  })

  it('samples as many characters as asked, the same text for the same seed', async () => {
    const input = { runId: textRun, prime: 'to be', length: 30, temperature: 0.8, topK: 5, seed: 7 }
    const { text } = await call('sampleText', input)
    expect([...text]).toHaveLength(30)
    expect((await call('sampleText', input)).text).toBe(text)
    expect((await call('sampleText', { ...input, temperature: 0 })).text).toHaveLength(30)
  })

  it('predicts the next character, likeliest first', async () => {
    const prediction = await call('predict', { runId: textRun, input: 'to be or no' })
    expect(prediction.type).toBe('next-token')
    if (prediction.type !== 'next-token') return
    const p = prediction.tokens.map((t) => t.probability)
    expect(p).toEqual([...p].sort((a, b) => b - a))
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4)
  })

  it('refuses inputs over the bounds before running anything', async () => {
    expect((await failure('sampleText', { runId: textRun, length: 2001 })).code).toBe(
      'INVALID_INPUT'
    )
    expect((await failure('sampleText', { runId: textRun, prime: 'x'.repeat(2001) })).code).toBe(
      'INVALID_INPUT'
    )
    expect((await failure('sampleText', { runId: textRun, temperature: -1 })).code).toBe(
      'INVALID_INPUT'
    )
    const rows = Array.from({ length: 2001 }, () => [0, 0])
    expect((await failure('predict', { runId: textRun, input: rows })).code).toBe('INVALID_INPUT')
    expect((await failure('predict', { runId: textRun, input: '' })).code).toBe('INVALID_INPUT')
  })
})

describe('inference on other heads', () => {
  it('answers the adding problem with one value, and says what is wrong with a row', async () => {
    const info = await call('describeModel', { runId: addingRun })
    expect(info).toMatchObject({
      output: 'values',
      canSample: false,
      steps: 6,
      input: { type: 'features', names: ['value', 'marker'] }
    })
    const rows = [0.1, 0.5, 0.2, 0.9, 0.3, 0.4].map((u, t) => [u, t === 1 || t === 3 ? 1 : 0])
    const prediction = await call('predict', { runId: addingRun, input: rows })
    expect(prediction).toMatchObject({ type: 'values', values: [expect.any(Number)] })

    const wide = await failure('predict', { runId: addingRun, input: [[1, 0, 0]] })
    expect(wide).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Row 0 has 3 values; the network reads 2.'
    })
    const text = await failure('predict', { runId: addingRun, input: 'hello' })
    expect(text.message).toMatch(/reads feature rows, not text/)
    expect((await failure('sampleText', { runId: addingRun })).code).toBe('UNSUPPORTED')
  })

  it('forecasts the validation rows in passengers, beside persistence', async () => {
    const forecast = await call('forecast', { runId: forecastRun, maxPoints: 10 })
    expect(forecast).toMatchObject({ target: 'Passengers', lookback: 4, horizon: 1 })
    // 144 months, the last 20 % (29) validate; the last 10 of them are asked for.
    expect(forecast.points.map((p) => p.row)).toEqual([
      134, 135, 136, 137, 138, 139, 140, 141, 142, 143
    ])
    // Persistence forecasts each month with the one before it.
    forecast.points.slice(1).forEach((p, i) => {
      expect(p.persistence).toBeCloseTo(forecast.points[i].actual!, 3)
    })
    expect(forecast.points.at(-1)?.actual).toBeCloseTo(432, 3) // December 1960
    expect(forecast.mae.persistence).toBeGreaterThan(0)
    expect(Number.isFinite(forecast.mae.model)).toBe(true)
    expect((await failure('forecast', { runId: addingRun })).code).toBe('UNSUPPORTED')
  })

  it('says a run without a checkpoint has nothing to use yet', async () => {
    const run = createRun(studio.db, {
      name: 'new',
      task: 'synthetic',
      datasetId: null,
      config: {}
    })
    const error = await failure('predict', { runId: run.id, input: [[1]] })
    expect(error).toMatchObject({ code: 'NOT_FOUND' })
    expect(error.message).toMatch(/has no checkpoint yet/)
  })
})

describe('the kept networks', () => {
  it('drops a network when its run writes a better checkpoint or is deleted', async () => {
    await call('describeModel', { runId: textRun })
    await call('describeModel', { runId: addingRun })
    const kept = (): number[] => studio.inference.keptRuns()
    expect(kept()).toEqual(expect.arrayContaining([textRun, addingRun]))

    studio.events.emit('runCheckpointSaved', { runId: textRun, step: 30, valLoss: 1, isBest: true })
    expect(kept()).not.toContain(textRun)
    studio.events.emit('runDeleted', { runId: addingRun })
    expect(kept()).not.toContain(addingRun)
  })
})

describe('presets and run stats', () => {
  it('offers generated presets and those whose sample is registered, with its id', async () => {
    const presets = await call('listPresets', {})
    const names = presets.map((p) => p.name)
    expect(names).toContain('adding-problem-lstm')
    expect(names).not.toContain('tiny-shakespeare-char')
    const airline = presets.find((p) => p.name === 'airline-forecast')!
    const datasets = await call('listDatasets', {})
    expect(airline.sample).toBe('Airline passengers')
    expect(airline.config.task).toMatchObject({
      kind: 'forecast',
      datasetId: datasets.find((d) => d.name === 'Airline passengers')!.id
    })
  })

  it('reports each run’s best validation loss and last step', async () => {
    const stats = await call('listRunStats', {})
    const text = stats.find((s) => s.runId === textRun)!
    const values = listMetrics(studio.db, textRun, { name: 'val_loss' })
    const best = values.reduce((a, b) => (b.value < a.value ? b : a))
    expect(text).toEqual({
      runId: textRun,
      bestValLoss: best.value,
      bestStep: best.step,
      lastStep: 20
    })
  })
})
