/**
 * The run methods through `dispatchRequest`, the path every transport takes: input validation at
 * the edge, refusals that leave the store untouched, and a run driven end to end (real processes
 * running the fake trainer, a real database file).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import type { StudioMethod, StudioOutput } from '../shared/api/contract'
import type { ApiErrorData } from '../shared/api/errors'
import type { RunConfigInput } from '../shared/domain/run-config'
import { createRun, listRuns, updateRun } from '../store'
import { dispatchRequest } from './dispatch'
import { openStudio, type Studio } from './studio'

const FAKE_TRAINER = fileURLToPath(
  new URL('../../test/fixtures/fake-trainer-process.ts', import.meta.url)
)

let home: ReturnType<typeof tempHome>
let studio: Studio
let events: string[]

beforeEach(async () => {
  home = tempHome()
  // An empty resources folder: no samples to register, so each test starts in milliseconds.
  mkdirSync(join(home.path, 'resources'))
  studio = await openStudio({
    home: join(home.path, 'home'),
    resourcesDir: join(home.path, 'resources'),
    version: '0.0.0',
    trainerEntry: FAKE_TRAINER,
    probeBackend: async () => ({ selected: 'cpu', forced: true, probes: [] })
  })
  events = []
  studio.events.on((event) => events.push(event))
})
afterEach(() => {
  studio.close()
  home.remove()
})

/** Waits for `check` to pass; trainer processes take a second or so to start on a busy machine. */
function eventually(check: () => unknown): Promise<unknown> {
  return vi.waitFor(check, { timeout: 20_000, interval: 20 })
}

async function call<M extends StudioMethod>(method: M, input: unknown): Promise<StudioOutput<M>> {
  const reply = await dispatchRequest(studio.service, method, input)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { data: reply.error })
  return reply.output as StudioOutput<M>
}

async function refusal(method: StudioMethod, input: unknown): Promise<ApiErrorData> {
  const reply = await dispatchRequest(studio.service, method, input)
  if (reply.ok) throw new Error(`${method} accepted ${JSON.stringify(input)}`)
  return reply.error
}

function synthetic(name: string, training: RunConfigInput['training'] = {}): RunConfigInput {
  return {
    name,
    task: { kind: 'synthetic', problem: 'adding', length: 10 },
    network: { cell: 'lstm', layers: [{ units: 8 }] },
    training: { logEvery: 1, evalEvery: 10, checkpointEvery: 10, ...training }
  }
}

async function addText(name: string, text: string): Promise<number> {
  const path = join(home.path, `${name}.txt`)
  writeFileSync(path, text)
  return (await studio.addDatasetFromPath(path)).id
}

describe('run methods: input validation', () => {
  it.each([
    ['startRun', {}],
    ['startRun', { ...synthetic('x'), network: { cell: 'lstm', layers: [{ units: 0 }] } }],
    ['startRun', { ...synthetic('x'), training: { learningRate: -1 } }],
    ['startRun', { ...synthetic('x'), surprise: true }],
    ['pauseRun', { runId: 0 }],
    ['resumeRun', {}],
    ['stopRun', { runId: '1' }],
    ['getRun', { runId: 1.5 }],
    ['listMetrics', { runId: 1, maxPoints: 2 }],
    ['listMetrics', { runId: 1, names: [''] }],
    ['listMetrics', { runId: 1, afterStep: -1 }],
    ['listSamples', { runId: 1, limit: 0 }],
    ['listSamples', { runId: 1, limit: 5000 }],
    ['deleteRun', { runId: 1, force: true }],
    ['renameRun', { runId: 1, name: '   ' }],
    ['renameRun', { runId: 1 }]
  ] as [StudioMethod, unknown][])('%s refuses %j', async (method, input) => {
    expect((await refusal(method, input)).code).toBe('INVALID_INPUT')
    expect(listRuns(studio.db, { limit: 10 })).toEqual([])
  })

  it('answers NOT_FOUND for a run that does not exist', async () => {
    for (const method of ['pauseRun', 'resumeRun', 'stopRun', 'getRun', 'deleteRun'] as const) {
      expect(await refusal(method, { runId: 42 })).toMatchObject({
        code: 'NOT_FOUND',
        message: 'There is no run with id 42.'
      })
    }
    expect((await refusal('listMetrics', { runId: 42 })).code).toBe('NOT_FOUND')
    expect((await refusal('renameRun', { runId: 42, name: 'x' })).code).toBe('NOT_FOUND')
  })
})

describe('run ownership', () => {
  it('will not restart, pause or delete a run another process is training', async () => {
    const config = synthetic('ms=1', { maxSteps: 5 })
    const elsewhere = createRun(studio.db, {
      name: 'cli',
      task: 'synthetic',
      datasetId: null,
      config
    })
    updateRun(studio.db, elsewhere.id, { status: 'running' })
    expect(await refusal('resumeRun', { runId: elsewhere.id })).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('in another RNN Studio process')
    })
    expect(await refusal('pauseRun', { runId: elsewhere.id })).toMatchObject({ code: 'CONFLICT' })
    expect(await refusal('deleteRun', { runId: elsewhere.id })).toMatchObject({ code: 'CONFLICT' })
  })
})

describe('startRun refusals leave the store untouched', () => {
  const network = { cell: 'gru', layers: [{ units: 4 }] } as const

  it('refuses a dataset that does not exist, does not fit the task, or has moved', async () => {
    // 20 × 44 = 880 characters: windows of 1000 cannot fit.
    const corpus = await addText('poem', 'the quick brown fox jumps over the lazy dog\n'.repeat(20))
    events.length = 0
    const missing = await refusal('startRun', {
      task: { kind: 'text-generation', datasetId: 999 },
      network
    })
    expect(missing).toMatchObject({
      code: 'NOT_FOUND',
      message: 'There is no dataset with id 999.'
    })

    const wrongKind = await refusal('startRun', {
      task: { kind: 'forecast', datasetId: corpus },
      network
    })
    expect(wrongKind.code).toBe('UNSUPPORTED')
    expect(wrongKind.message).toMatch(
      /forecast task needs a csv dataset, but "poem" is a text dataset/
    )

    const tooLong = await refusal('startRun', {
      task: { kind: 'text-generation', datasetId: corpus, sequenceLength: 1000 },
      network
    })
    expect(tooLong).toMatchObject({ code: 'UNSUPPORTED', details: { reason: 'TOO_SHORT' } })

    renameSync(join(home.path, 'poem.txt'), join(home.path, 'moved.txt'))
    const moved = await refusal('startRun', {
      task: { kind: 'text-generation', datasetId: corpus },
      network
    })
    expect(moved.code).toBe('NOT_FOUND')
    expect(moved.message).toContain('are no longer at')

    expect(listRuns(studio.db, { limit: 10 })).toEqual([])
    expect(events).toEqual([])
  })

  it('refuses forecast columns the CSV does not have', async () => {
    const path = join(home.path, 'series.csv')
    const rows = Array.from(
      { length: 100 },
      (_, i) => `2020-01-${String((i % 28) + 1).padStart(2, '0')},${i},${i % 3 ? 'a' : 'b'}`
    )
    writeFileSync(path, ['date,value,label', ...rows].join('\n'))
    const csv = (await studio.addDatasetFromPath(path)).id
    const missingColumn = await refusal('startRun', {
      task: { kind: 'forecast', datasetId: csv, target: 'price' },
      network
    })
    expect(missingColumn.message).toBe(
      '"series" has no column "price". Its columns: date, value, label.'
    )
    const textTarget = await refusal('startRun', {
      task: { kind: 'forecast', datasetId: csv, target: 'label' },
      network
    })
    expect(textTarget).toMatchObject({
      code: 'UNSUPPORTED',
      details: { reason: 'TARGET_NOT_NUMERIC' }
    })
    expect(listRuns(studio.db, { limit: 10 })).toEqual([])
  })
})

describe('a run through the API', () => {
  it('starts, pauses, resumes, stops, restarts, reports and is deleted', async () => {
    const started = await call('startRun', synthetic('ms=5', { maxSteps: 300 }))
    expect(started).toMatchObject({ name: 'ms=5', task: 'synthetic', status: 'running' })
    const runId = started.id
    await eventually(async () => {
      expect((await call('getRun', { runId })).lastStep).toBeGreaterThan(5)
    })

    expect((await call('pauseRun', { runId })).status).toBe('paused')
    expect(await refusal('deleteRun', { runId })).toMatchObject({ code: 'CONFLICT' })
    expect((await call('resumeRun', { runId })).status).toBe('running')
    const stopped = await call('stopRun', { runId })
    expect(stopped.status).toBe('stopped')
    expect(await refusal('stopRun', { runId })).toMatchObject({ code: 'CONFLICT' })

    // A stopped run restarts in a new process from the checkpoint its stop wrote.
    const stoppedAt = (await call('getRun', { runId })).checkpoints.at(-1)!.step
    expect(['queued', 'running']).toContain((await call('resumeRun', { runId })).status)
    await eventually(async () =>
      expect((await call('getRun', { runId })).run.status).toBe('completed')
    )

    const detail = await call('getRun', { runId })
    expect(detail.lastStep).toBe(300)
    expect(detail.metricNames).toEqual(['loss', 'val_loss'])
    expect(detail.result).toMatchObject({
      reason: 'reached max steps',
      steps: 300,
      bestValLoss: 2 / 300
    })
    expect(detail.checkpoints.map((c) => c.step)).toContain(stoppedAt)
    expect(detail.checkpoints.at(-1)).toMatchObject({ step: 300, isBest: true, weightsBytes: 4 })
    expect(detail.samples.map((s) => s.step)).toEqual(
      Array.from({ length: 20 }, (_, i) => 110 + 10 * i)
    )

    const [loss] = await call('listMetrics', { runId, names: ['loss'] })
    expect(loss.points.map((p) => p.step)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
    const [thin] = await call('listMetrics', { runId, names: ['loss'], maxPoints: 50 })
    expect(thin.points.length).toBeLessThanOrEqual(50)
    expect([thin.points[0].step, thin.points.at(-1)!.step]).toEqual([1, 300])
    const recent = await call('listMetrics', { runId, afterStep: 290 })
    expect(recent.map((s) => [s.name, s.points.length])).toEqual([
      ['loss', 10],
      ['val_loss', 1]
    ])
    const texts = await call('listSamples', { runId, type: 'text', limit: 2 })
    expect(texts.map((s) => s.payload.text)).toEqual(['step 290', 'step 300'])

    expect(await refusal('resumeRun', { runId })).toMatchObject({ code: 'CONFLICT' })
    expect((await call('renameRun', { runId, name: '  adding, LSTM 8  ' })).name).toBe(
      'adding, LSTM 8'
    )
    await eventually(() => expect(studio.supervisor.isLive(runId)).toBe(false))
    expect(await call('deleteRun', { runId })).toEqual({})
    expect(await refusal('getRun', { runId })).toMatchObject({ code: 'NOT_FOUND' })
    expect(events).toContain('runRenamed')
    expect(events.at(-1)).toBe('runDeleted')
  })

  it('stops runs cleanly on shutdown, and leaves them interrupted on close', async () => {
    const graceful = await call('startRun', synthetic('ms=5', { maxSteps: 100_000 }))
    const queued = await call('startRun', synthetic('ms=5', { maxSteps: 100_000 }))
    expect(queued.status).toBe('queued')
    await eventually(async () => {
      expect((await call('getRun', { runId: graceful.id })).lastStep).toBeGreaterThan(3)
    })
    await studio.shutdown()
    studio = await openStudio({
      home: join(home.path, 'home'),
      resourcesDir: join(home.path, 'resources'),
      version: '0.0.0',
      trainerEntry: FAKE_TRAINER
    })
    const runs = await call('listRuns', {})
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [queued.id, 'queued'],
      [graceful.id, 'stopped']
    ])
    const detail = await call('getRun', { runId: graceful.id })
    expect(detail.checkpoints.at(-1)?.step).toBe(detail.lastStep)

    // A run left queued by an earlier session is started by resumeRun.
    expect((await call('resumeRun', { runId: queued.id })).status).toBe('running')
    await eventually(async () => {
      expect((await call('getRun', { runId: queued.id })).lastStep).toBeGreaterThan(3)
    })
    studio.close()
    studio = await openStudio({
      home: join(home.path, 'home'),
      resourcesDir: join(home.path, 'resources'),
      version: '0.0.0',
      trainerEntry: FAKE_TRAINER
    })
    const interrupted = await call('getRun', { runId: queued.id })
    expect(interrupted.run.status).toBe('interrupted')
    expect(interrupted.run.error).toMatch(/studio closed/)
  })
})
