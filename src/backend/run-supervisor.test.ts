/**
 * The supervisor with real trainer processes (the protocol runtime with the fake training function
 * of test/fixtures/fake-trainer.ts) and a real SQLite file.
 */
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StudioEventName, StudioEvents } from '../shared/api/contract'
import type { RunId } from '../shared/domain/ids'
import { RunConfig, type RunConfigInput } from '../shared/domain/run-config'
import {
  checkIntegrity,
  createRun,
  getRun,
  latestCheckpoint,
  listCheckpoints,
  listMetrics,
  listSamples
} from '../store'
import { tempStore, type TempStore } from '../store/test-support'
import { StudioEventBus } from './event-bus'
import { childProcessHost } from './process-host'
import { RESULT_SAMPLE_TYPE, RunSupervisor } from './run-supervisor'

const FAKE_TRAINER = fileURLToPath(
  new URL('../../test/fixtures/fake-trainer-process.ts', import.meta.url)
)

type Event = { [E in StudioEventName]: { event: E; payload: StudioEvents[E] } }[StudioEventName]

let store: TempStore
let db: Database.Database
let events: StudioEventBus
let seen: Event[]
let logs: string[]
let supervisor: RunSupervisor

beforeEach(() => {
  store = tempStore()
  db = store.open()
  events = new StudioEventBus()
  seen = []
  logs = []
  events.on((event, payload) => seen.push({ event, payload } as Event))
  supervisor = new RunSupervisor({
    db,
    events,
    processHost: childProcessHost(),
    trainerEntry: FAKE_TRAINER,
    log: (line) => logs.push(line)
  })
})
afterEach(() => {
  supervisor.dispose()
  store.cleanup()
})

/** A synthetic-task run (no dataset) whose name tells the fake how to behave. */
function newRun(name: string, training: RunConfigInput['training'] = {}): RunId {
  const config = RunConfig.parse({
    name,
    task: { kind: 'synthetic', problem: 'adding', length: 10 },
    network: { cell: 'lstm', layers: [{ units: 8 }] },
    training: { logEvery: 1, evalEvery: 10, checkpointEvery: 10, ...training }
  })
  return createRun(db, {
    name,
    task: 'synthetic',
    datasetId: null,
    config: config as unknown as Record<string, unknown>
  }).id
}

/** Waits for `check` to pass; trainer processes take a second or so to start on a busy machine. */
function eventually(check: () => unknown): Promise<unknown> {
  return vi.waitFor(check, { timeout: 20_000, interval: 20 })
}

async function until(runId: RunId, status: string): Promise<void> {
  await eventually(() => expect(getRun(db, runId)?.status).toBe(status))
}

const statuses = (runId: RunId): string[] =>
  seen.flatMap((e) =>
    e.event === 'runStatusChanged' && e.payload.runId === runId ? [e.payload.status] : []
  )
const steps = (runId: RunId, name: string): number[] =>
  listMetrics(db, runId, { name }).map((p) => p.step)
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('RunSupervisor', () => {
  it('stores every metric in batches, checkpoints, samples and the result', async () => {
    const runId = newRun('ms=2 nan=5', { maxSteps: 60, evalEvery: 20, checkpointEvery: 20 })
    supervisor.enqueue(runId, { restart: false })
    await until(runId, 'completed')

    expect(steps(runId, 'loss')).toEqual(range(1, 60))
    expect(steps(runId, 'val_loss')).toEqual([20, 40, 60])
    expect(listMetrics(db, runId, { name: 'loss' })[4].value).toBeNaN()
    const batches = seen.filter((e) => e.event === 'runMetricsAppended')
    // Batched: far fewer events (and transactions) than points, and no point twice.
    expect(batches.length).toBeGreaterThan(1)
    expect(batches.length).toBeLessThan(30)
    const announced = batches.flatMap((e) => e.payload.points)
    expect(announced).toHaveLength(63)
    expect(announced.find((p) => p.name === 'loss' && p.step === 5)?.value).toBeNull()

    expect(listCheckpoints(db, runId).map((c) => [c.step, c.valLoss, c.isBest])).toEqual([
      [20, 0.1, false],
      [40, 0.05, false],
      [60, 2 / 60, true]
    ])
    expect(seen.filter((e) => e.event === 'runCheckpointSaved')).toHaveLength(3)
    const samples = listSamples(db, runId)
    expect(samples.map((s) => [s.step, (s.payload as { type: string }).type])).toEqual([
      [20, 'text'],
      [40, 'text'],
      [60, 'text'],
      [60, RESULT_SAMPLE_TYPE]
    ])
    expect(samples[3].payload).toMatchObject({
      reason: 'reached max steps',
      steps: 60,
      bestValLoss: 2 / 60
    })
    const run = getRun(db, runId)!
    expect(run).toMatchObject({ backend: 'cpu', error: null })
    expect(run.startedAt! <= run.finishedAt!).toBe(true)
    expect(statuses(runId)).toEqual(['running', 'completed'])
    expect(supervisor.isLive(runId)).toBe(false) // its slot is free once it said done
  })

  it('pauses, resumes and stops a run, announcing each change', async () => {
    const runId = newRun('ms=5', { maxSteps: 100_000 })
    supervisor.enqueue(runId, { restart: false })
    await eventually(() => expect(steps(runId, 'loss').length).toBeGreaterThan(3))
    supervisor.pause(runId)
    await until(runId, 'paused')
    const pausedAt = steps(runId, 'loss').length
    await new Promise((resolve) => setTimeout(resolve, 300)) // > one flush interval
    expect(steps(runId, 'loss').length).toBe(pausedAt)

    supervisor.resume(runId)
    await until(runId, 'running')
    await eventually(() => expect(steps(runId, 'loss').length).toBeGreaterThan(pausedAt + 3))
    supervisor.stop(runId)
    await until(runId, 'stopped')

    const last = steps(runId, 'loss').at(-1)!
    expect(steps(runId, 'loss')).toEqual(range(1, last))
    expect(latestCheckpoint(db, runId)?.step).toBe(last) // stopping wrote a checkpoint
    expect(statuses(runId)).toEqual(['running', 'paused', 'running', 'stopped'])
    expect(() => supervisor.pause(runId)).toThrow(/is stopped/)
  })

  it('queues a second run until the first is done, and survives a trainer sending garbage', async () => {
    const first = newRun('ms=2 garbage=1', { maxSteps: 30 })
    const second = newRun('fail=data')
    supervisor.enqueue(first, { restart: false })
    supervisor.enqueue(second, { restart: false })
    expect(getRun(db, second)?.status).toBe('queued')
    expect(supervisor.isQueued(second)).toBe(true)
    await until(second, 'failed')

    expect(getRun(db, first)).toMatchObject({ status: 'completed', error: null })
    expect(steps(first, 'loss')).toEqual(range(1, 30))
    expect(getRun(db, first)!.finishedAt! <= getRun(db, second)!.startedAt!).toBe(true)
    expect(logs.filter((l) => l.includes('ignored an invalid message'))).toHaveLength(3)
    // A data problem reaches the user in the data layer's words.
    expect(getRun(db, second)?.error).toBe(
      'The text has 12 characters; a network needs at least 1,000.'
    )
    expect(statuses(second)).toEqual(['running', 'failed'])
  })

  it('marks a killed trainer’s run interrupted and resumes it from its last checkpoint', async () => {
    const runId = newRun('ms=3 crash=45', { maxSteps: 80 })
    supervisor.enqueue(runId, { restart: false })
    await until(runId, 'interrupted')

    expect(checkIntegrity(db)).toEqual([])
    const run = getRun(db, runId)!
    expect(run.error).toMatch(/killed \(SIGKILL\).*checkpoint at step 40/)
    expect(run.finishedAt).not.toBeNull()
    // Everything up to the last stored batch survives, without holes: at least up to the
    // checkpoint at 40 (points are stored before a checkpoint), at most up to step 44.
    const kept = steps(runId, 'loss')
    expect(kept.length).toBeGreaterThanOrEqual(40)
    expect(kept.length).toBeLessThanOrEqual(44)
    expect(kept).toEqual(range(1, kept.length))
    expect(latestCheckpoint(db, runId)?.step).toBe(40)

    supervisor.enqueue(runId, { restart: true })
    await eventually(() =>
      expect(getRun(db, runId)).toMatchObject({ status: 'completed', error: null })
    )
    // Steps 41… were logged again by the resumed process: each step exactly once, no gap.
    expect(steps(runId, 'loss')).toEqual(range(1, 80))
    expect(steps(runId, 'val_loss')).toEqual([10, 20, 30, 40, 50, 60, 70, 80])
    expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([10, 20, 30, 40, 50, 60, 70, 80])
    const textSteps = listSamples(db, runId)
      .filter((s) => (s.payload as { type: string }).type === 'text')
      .map((s) => s.step)
    expect(textSteps).toEqual([10, 20, 30, 40, 50, 60, 70, 80])
    // The fake checks the weights it is given (float32 [40]); the last ones it wrote are [80].
    const weights = latestCheckpoint(db, runId)!.weights
    expect(new Float32Array(weights.buffer, weights.byteOffset, 1)[0]).toBe(80)
    expect(getRun(db, runId)).toMatchObject({ error: null, finishedAt: expect.any(String) })
    expect(statuses(runId)).toEqual(['running', 'interrupted', 'queued', 'running', 'completed'])
    expect(checkIntegrity(db)).toEqual([])
  })

  it('reports a trainer that cannot even load, with its error line', async () => {
    const broken = new RunSupervisor({
      db,
      events,
      processHost: childProcessHost(),
      trainerEntry: fileURLToPath(new URL('./no-such-trainer.ts', import.meta.url)),
      log: (line) => logs.push(line)
    })
    const runId = newRun('never')
    broken.enqueue(runId, { restart: false })
    await until(runId, 'interrupted')
    expect(getRun(db, runId)?.error).toMatch(
      /^The trainer process exited with code 1 before the run finished \(.*Error.*\)\. It saved no checkpoint: resuming starts it again from the beginning\.$/
    )
    broken.dispose()
  })
})
