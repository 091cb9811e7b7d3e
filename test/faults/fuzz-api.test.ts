/**
 * Fuzz of the browser-mode API: thousands of seeded random and mutated frames over a real
 * WebSocket at a real studio (its store a real file, one run with metrics and checkpoints in it).
 * Every frame must get exactly one well-formed reply (within a second), with the request's seq
 * whenever the frame had a usable one, never a stack trace; the server must stay up, and the store
 * must pass its integrity check with the same rows as before. Print the seed and the count: a
 * failure is replayed by running again with RNN_STUDIO_FUZZ_SEED.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStudio, type Studio } from '../../src/backend/studio'
import { startStudioServer, type StudioServer } from '../../src/server/studio-server'
import { openSocket } from '../../src/server/test-support'
import { ApiErrorData } from '../../src/shared/api/errors'
import { RequestFrame } from '../../src/shared/protocol/wire'
import {
  appendMetrics,
  checkIntegrity,
  createRun,
  saveCheckpoint,
  updateRun
} from '../../src/store'
import { tempHome } from '../support/temp-home'
import { deeplyNested, deeplyNestedJson, fuzzer } from './fuzz-values'

const SEED = Number(process.env.RNN_STUDIO_FUZZ_SEED ?? 20240607)
const CASES = process.env.RNN_STUDIO_SOAK === '1' ? 50_000 : 3000

/** Valid requests the fuzzer starts from: reads, and writes that cannot change this store. */
const CORPUS = [
  { method: 'getStudioInfo', input: {} },
  { method: 'listDatasets', input: {} },
  { method: 'getDataset', input: { datasetId: 1 } },
  { method: 'listRuns', input: { limit: 10, status: ['completed'] } },
  { method: 'getRun', input: { runId: 1 } },
  { method: 'listMetrics', input: { runId: 1, names: ['loss'], afterStep: 2, maxPoints: 3 } },
  { method: 'listSamples', input: { runId: 1, limit: 5 } },
  { method: 'listRunStats', input: {} },
  { method: 'listPresets', input: {} },
  { method: 'pauseRun', input: { runId: 1 } },
  { method: 'stopRun', input: { runId: 1 } },
  { method: 'cancelImport', input: { importId: 'no-such-import' } },
  { method: 'finishImport', input: { importId: 'no-such-import' } },
  { method: 'uploadChunk', input: { importId: 'x', index: 0, offset: 0, data: 'aGVsbG8=' } },
  { method: 'no-such-method', input: {} },
  { method: '__proto__', input: {} },
  { method: 'constructor', input: {} }
]

let temp: ReturnType<typeof tempHome>
let studio: Studio
let server: StudioServer
let rowsBefore: Record<string, number>

function rowCounts(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const table of ['datasets', 'runs', 'metrics', 'checkpoints', 'samples']) {
    counts[table] = studio.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
  }
  return counts
}

beforeAll(async () => {
  temp = tempHome('rnn-studio-faults-')
  const resourcesDir = join(temp.path, 'resources')
  writeFileSync(
    join(temp.path, 'corpus.txt'),
    'to be or not to be, that is the question. '.repeat(40)
  )
  const { mkdirSync } = await import('node:fs')
  mkdirSync(resourcesDir)
  studio = await openStudio({
    home: join(temp.path, 'home'),
    resourcesDir,
    version: '0.0.0-fuzz',
    // getStudioInfo would otherwise load tfjs; the transport is what is fuzzed here.
    probeBackend: async () => ({
      selected: 'cpu',
      forced: false,
      probes: [{ name: 'cpu', available: true, reason: null }]
    })
  })
  await studio.addDatasetFromPath(join(temp.path, 'corpus.txt'))
  const run = createRun(studio.db, { name: 'done', task: 'synthetic', datasetId: null, config: {} })
  appendMetrics(
    studio.db,
    run.id,
    [1, 2, 3, 4, 5].map((step) => ({ step, epoch: 0, name: 'loss', value: 1 / step, time: step }))
  )
  saveCheckpoint(studio.db, {
    runId: run.id,
    step: 5,
    weights: Buffer.from([1, 2, 3, 4]),
    optimizerState: null,
    meta: {},
    valLoss: 0.5,
    isBest: true
  })
  updateRun(studio.db, run.id, { status: 'completed' })
  rowsBefore = rowCounts()
  server = await startStudioServer({
    service: studio.service,
    events: studio.events,
    staticDir: null,
    // Far above the UI's needs, so the fuzz reaches dispatch instead of the rate limiter
    // (which studio-server.test.ts proves on its own).
    limits: { requestsPerSecond: 1e6, burst: 1e6 },
    log: () => {}
  })
}, 60_000)

afterAll(async () => {
  await server?.close()
  studio?.close()
  temp?.remove()
})

/** One frame out, its reply back (event frames skipped); rejects after a second. */
function exchange(ws: WebSocket, data: string | Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage)
      reject(new Error(`no reply within 1 s to ${String(data).slice(0, 200)}`))
    }, 1000)
    const onMessage = (raw: Buffer): void => {
      const frame = JSON.parse(raw.toString()) as Record<string, unknown>
      if (frame.type === 'event') return
      clearTimeout(timer)
      ws.off('message', onMessage)
      resolve(frame)
    }
    ws.on('message', onMessage)
    ws.send(data)
  })
}

/** What the fuzzer sends as case `i`. */
function makeCase(f: ReturnType<typeof fuzzer>, i: number): string | Buffer {
  const roll = f.random()
  if (roll < 0.05) return Buffer.from(Array.from({ length: f.int(64) }, () => f.int(256)))
  if (roll < 0.12) return f.text(200)
  if (roll < 0.2) return JSON.stringify(f.value(4))
  if (roll < 0.21) return `{"seq":${i},"method":"listRuns","input":${deeplyNestedJson(100_000)}}`
  if (roll < 0.22) return JSON.stringify({ seq: i, method: 'getRun', input: deeplyNested(1000) })
  const base = { seq: i, ...f.pick(CORPUS) }
  return JSON.stringify(f.random() < 0.1 ? base : f.mutate(base))
}

describe('API fuzz over WebSocket', () => {
  it(`answers ${CASES} random and mutated frames, each well-formed, and the store is intact`, async () => {
    const f = fuzzer(SEED)
    const ws = await openSocket(server.port, server.token)
    const tally = { ok: 0, refused: 0 }
    const codes = new Map<string, number>()
    for (let i = 0; i < CASES; i++) {
      const sent = makeCase(f, i)
      const reply = await exchange(ws, sent)
      const where = `case ${i} (seed ${SEED}): ${String(sent).slice(0, 300)}`
      expect(reply.type, where).toBe('reply')
      expect(typeof reply.ok, where).toBe('boolean')
      if (reply.ok) {
        tally.ok++
        expect(reply).toHaveProperty('output')
      } else {
        tally.refused++
        const error = ApiErrorData.safeParse(reply.error)
        expect(error.success, where).toBe(true)
        expect(error.data!.message, where).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/)
        codes.set(error.data!.code, (codes.get(error.data!.code) ?? 0) + 1)
      }
      // A frame of the right shape is answered under its own seq; anything else under seq null
      // or its readable seq.
      const request = typeof sent === 'string' ? safeJson(sent) : undefined
      const frame = RequestFrame.safeParse(request)
      if (frame.success) expect(reply.seq, where).toBe(frame.data.seq)
      else expect(reply.seq === null || typeof reply.seq === 'number', where).toBe(true)
    }
    ws.close()
    console.log(
      `API fuzz: ${CASES} frames (seed ${SEED}): ${tally.ok} answered, ${tally.refused} refused`,
      Object.fromEntries(codes)
    )
    expect(tally.ok).toBeGreaterThan(0)
    // Still serving a fresh client, and nothing in the store changed.
    const again = await openSocket(server.port, server.token)
    expect(
      await exchange(again, JSON.stringify({ seq: 1, method: 'listRuns', input: { limit: 5 } }))
    ).toMatchObject({ ok: true, seq: 1 })
    again.close()
    expect(checkIntegrity(studio.db)).toEqual([])
    expect(rowCounts()).toEqual(rowsBefore)
  }, 300_000)
})

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
