/**
 * Fuzz of the host⇄trainer protocol (src/shared/protocol/trainer.ts), both ways:
 *
 * - a REAL trainer process (trainer-process.ts) is fed thousands of seeded random and mutated
 *   messages on its channel before and after its `start`: it must not crash or hang, must answer
 *   every message that carries a usable seq with a well-formed reply, must send only messages the
 *   protocol allows, and must still train a tiny run to `done` afterwards;
 * - the RunSupervisor (the host) is fed thousands of random and mutated trainer messages for a
 *   run whose store is a real file: it must not throw, and the file must stay sound with only
 *   well-formed rows for that run.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { StudioEventBus } from '../../src/backend/event-bus'
import {
  childProcessHost,
  type ProcessHost,
  type TrainerHandle
} from '../../src/backend/process-host'
import { RunSupervisor } from '../../src/backend/run-supervisor'
import { TRAINER_ENTRY } from '../../src/backend/studio'
import type { RunId } from '../../src/shared/domain/ids'
import { RunConfig } from '../../src/shared/domain/run-config'
import { TrainerToHost } from '../../src/shared/protocol/trainer'
import { checkIntegrity, createRun, getRun, listMetrics, openDatabase } from '../../src/store'
import { tempHome } from '../support/temp-home'
import { fuzzer } from './fuzz-values'

const SEED = Number(process.env.RNN_STUDIO_FUZZ_SEED ?? 424242)
const SOAK = process.env.RNN_STUDIO_SOAK === '1'

const TINY = RunConfig.parse({
  backend: 'cpu',
  task: { kind: 'synthetic', problem: 'adding', length: 5, examples: 100 },
  network: { cell: 'rnn', layers: [{ units: 4 }] },
  training: { maxSteps: 10, batchSize: 8, evalEvery: 5, checkpointEvery: 5, logEvery: 1 }
})

/** Valid host messages the trainer fuzz starts from (pause/resume/stop are answered, never obeyed twice). */
const HOST_CORPUS: Record<string, unknown>[] = [
  { type: 'start', seq: 1, runId: 1, config: TINY, dataset: null, resume: null },
  { type: 'pause', seq: 2 },
  { type: 'resume', seq: 3 },
  {
    type: 'start',
    seq: 4,
    runId: 1,
    config: TINY,
    dataset: { path: '/etc/passwd', kind: 'text' },
    resume: null
  }
]

describe('trainer protocol fuzz', () => {
  const temp = tempHome('rnn-studio-faults-')
  afterAll(() => temp.remove())

  it('a real trainer process survives garbage on its channel and still trains', async () => {
    const f = fuzzer(SEED)
    const cases = SOAK ? 20_000 : 2000
    const handle = childProcessHost().fork(TRAINER_ENTRY, { name: 'fuzzed-trainer' })
    const received: unknown[] = []
    let exited = false
    handle.onMessage((message) => received.push(message))
    handle.onExit(() => (exited = true))
    const expectedReplies = new Set<number>()
    for (let i = 0; i < cases; i++) {
      let message: unknown
      const roll = f.random()
      if (roll < 0.3) message = f.value(4)
      else message = f.mutate({ ...f.pick(HOST_CORPUS), seq: 1000 + i })
      // A mutated `start` may be valid and is then obeyed: keep the real start for the end.
      const type = (message as { type?: unknown } | null)?.type
      if (type === 'start' || type === 'stop') continue
      const seq = (message as { seq?: unknown } | null)?.seq
      // Only a seq the protocol can carry (a safe integer) is answered.
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) expectedReplies.add(seq)
      expect(handle.send(message)).toBe(true)
    }
    // Every usable seq is answered, with nothing but well-formed protocol messages.
    await vi.waitFor(
      () => {
        const replied = new Set(received.map((m) => (m as { seq?: number }).seq))
        expect([...expectedReplies].filter((seq) => !replied.has(seq))).toEqual([])
      },
      { timeout: 60_000, interval: 100 }
    )
    expect(exited).toBe(false)
    // …and the process still trains a run to the end (resumed first: a valid `pause` may have
    // been among the mutations, and a pause requested before training holds at the first step).
    handle.send({ type: 'resume', seq: 99_999_998 })
    handle.send({
      type: 'start',
      seq: 99_999_999,
      runId: 1,
      config: TINY,
      dataset: null,
      resume: null
    })
    await vi.waitFor(
      () => expect(received.some((m) => (m as { type?: string }).type === 'done')).toBe(true),
      { timeout: 60_000, interval: 100 }
    )
    const done = received.find((m) => (m as { type?: string }).type === 'done')
    expect(done).toMatchObject({ status: 'completed' })
    for (const message of received) {
      const parsed = TrainerToHost.safeParse(message)
      expect(
        parsed.success,
        `${JSON.stringify(message).slice(0, 300)} ${parsed.error?.message}`
      ).toBe(true)
    }
    console.log(
      `trainer fuzz: ${expectedReplies.size} messages with a seq answered, ${cases} generated (seed ${SEED})`
    )
    handle.kill()
  }, 180_000)

  // Found by this fuzz: an invalid message whose seq was an integer past Number.MAX_SAFE_INTEGER
  // was answered with that seq, which the host's TrainerToHost schema refuses. Such a seq is not
  // one the protocol carries, so it gets no reply; the next valid message is answered as usual.
  it('does not answer a message with an unsafe-integer seq with a reply the host refuses', async () => {
    const handle = childProcessHost().fork(TRAINER_ENTRY, { name: 'fuzzed-trainer' })
    try {
      const reply = new Promise<unknown>((resolve) => handle.onMessage(resolve))
      handle.send({ type: 'pause', seq: 2 ** 53 + 2, extra: true })
      handle.send({ type: 'pause', seq: 5 })
      const message = await reply
      expect(TrainerToHost.safeParse(message).success).toBe(true)
      expect(message).toMatchObject({ type: 'reply', seq: 5, ok: true })
    } finally {
      handle.kill()
    }
  }, 60_000)

  it('the host survives garbage from a trainer, and its store stays sound', () => {
    const f = fuzzer(SEED + 1)
    const cases = SOAK ? 50_000 : 5000
    const db = openDatabase(join(temp.path, 'host-fuzz.db'))
    const listeners: ((message: unknown) => void)[] = []
    const handle: TrainerHandle = {
      pid: 1,
      send: () => true,
      onMessage: (listener) => void listeners.push(listener),
      onExit: () => {},
      onOutput: () => {},
      kill: () => {}
    }
    const host: ProcessHost = { fork: () => handle }
    const supervisor = new RunSupervisor({
      db,
      events: new StudioEventBus(),
      processHost: host,
      trainerEntry: 'unused',
      log: () => {}
    })
    const runId = createRun(db, {
      name: 'fuzzed',
      task: 'synthetic',
      datasetId: null,
      config: TINY as unknown as Record<string, unknown>
    }).id as RunId
    const valid: Record<string, unknown>[] = [
      { type: 'reply', seq: 1, ok: true },
      { type: 'status', status: 'running' },
      { type: 'status', status: 'paused' },
      { type: 'metrics', points: [{ step: 3, epoch: 0, name: 'loss', value: 0.5, time: 1 }] },
      {
        type: 'checkpoint',
        checkpoint: {
          step: 5,
          epoch: 0,
          weights: new Uint8Array([1, 2, 3, 4]),
          optimizerState: null,
          valLoss: 0.1,
          isBest: true,
          meta: {}
        }
      },
      { type: 'sample', step: 4, payload: { type: 'text', text: 'hi' } }
    ]
    supervisor.enqueue(runId, { restart: false })
    for (let i = 0; i < cases; i++) {
      const message = f.random() < 0.2 ? f.value(4) : f.mutate(f.pick(valid))
      // `done` ends the run; its handling is covered by the supervisor's own tests.
      if ((message as { type?: unknown } | null)?.type === 'done') continue
      for (const listener of listeners) expect(() => listener(message)).not.toThrow()
    }
    supervisor.dispose()
    expect(checkIntegrity(db)).toEqual([])
    expect(getRun(db, runId)?.status).toBe('interrupted')
    for (const point of listMetrics(db, runId)) {
      expect(Number.isInteger(point.step) && point.step >= 0).toBe(true)
      expect(typeof point.name).toBe('string')
    }
    console.log(
      `host fuzz: ${cases} trainer messages (seed ${SEED + 1}), ${listMetrics(db, runId).length} points stored`
    )
    db.close()
  })
})
