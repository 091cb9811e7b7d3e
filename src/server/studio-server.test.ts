import net from 'node:net'
import os from 'node:os'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { StudioEventBus } from '../backend/event-bus'
import type { StudioService } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import { RunId } from '../shared/domain/ids'
import { startStudioServer, type StudioServer, type StudioServerOptions } from './studio-server'
import {
  closed,
  CONTRACT_BREAKING_DATASET_ID,
  createFakeService,
  exchange,
  HELLO_DATASET,
  nextFrame,
  openSocket,
  rawUpgrade,
  RUNS,
  SECRET_ERROR_MESSAGE,
  THROWING_DATASET_ID
} from './test-support'
import { connectStudio, type StudioConnection } from './ws-client'

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  // Clients first, then servers: everything a test opened is closed before the next one.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts a server around a fresh fake service; everything it opens is closed after the test. */
async function setup(options: Partial<StudioServerOptions> = {}) {
  const fake = createFakeService()
  const events = new StudioEventBus()
  const logs: string[] = []
  const server = await startStudioServer({
    service: fake.service,
    events,
    staticDir: null,
    log: (line) => logs.push(line),
    ...options
  })
  cleanups.push(() => server.close())

  async function connect(opts?: { origin?: string }): Promise<StudioConnection> {
    const connection = await connectStudio(server.url, server.token, opts)
    cleanups.push(() => connection.close())
    return connection
  }
  async function socket(): Promise<WebSocket> {
    const ws = await openSocket(server.port, server.token)
    cleanups.push(() => ws.terminate())
    return ws
  }
  return { server, events, logs, ...fake, connect, socket }
}

/** Proves the server still works: a fresh, valid client gets a correct answer. */
async function expectStillServing(server: StudioServer): Promise<void> {
  const client = await connectStudio(server.url, server.token)
  try {
    await expect(client.api.getStudioInfo({})).resolves.toMatchObject({ version: '0.0.0-test' })
  } finally {
    await client.close()
  }
}

const TOKEN = 'correct-horse-battery-staple-0123456789'

describe('listening', () => {
  it('binds to 127.0.0.1 only', async () => {
    const listen = vi.spyOn(net.Server.prototype, 'listen')
    try {
      const { server } = await setup()
      expect(listen).toHaveBeenCalledWith({ port: 0, host: '127.0.0.1' }, expect.any(Function))
      expect(new URL(server.url).hostname).toBe('127.0.0.1')
      expect(server.origin).toBe(`http://127.0.0.1:${server.port}`)

      // A socket bound to 0.0.0.0 would also answer on other addresses; ours must refuse them.
      const elsewhere = Object.values(os.networkInterfaces())
        .flat()
        .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
        .map((i) => i!.address)
      if (process.platform === 'linux') elsewhere.push('127.0.0.2') // all of 127/8 is loopback here
      for (const host of elsewhere) {
        await expect(connectTcp(host, server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
      }
      await expectStillServing(server)
    } finally {
      listen.mockRestore()
    }
  })

  it('uses a given token and port-free URL, and generates a 32-byte token otherwise', async () => {
    const { server } = await setup({ token: TOKEN })
    expect(server.token).toBe(TOKEN)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`)
    const generated = await setup()
    expect(Buffer.from(generated.server.token, 'base64url')).toHaveLength(32)
    expect(generated.server.token).not.toBe(server.token)
  })

  it('refuses an empty token and inconsistent limits', async () => {
    const { service } = createFakeService()
    const events = new StudioEventBus()
    await expect(
      startStudioServer({ service, events, staticDir: null, token: '' })
    ).rejects.toThrow(RangeError)
    await expect(
      startStudioServer({
        service,
        events,
        staticDir: null,
        limits: { softFrameBytes: 10, hardFrameBytes: 5 }
      })
    ).rejects.toThrow(RangeError)
  })
})

describe('API calls', () => {
  it('answers every method with the service data', async () => {
    const { connect, calls } = await setup()
    const { api } = await connect()

    await expect(api.getStudioInfo({})).resolves.toMatchObject({
      version: '0.0.0-test',
      backend: { selected: 'cpu' }
    })
    await expect(api.listDatasets({})).resolves.toEqual([HELLO_DATASET])
    await expect(api.getDataset({ datasetId: HELLO_DATASET.id })).resolves.toEqual(HELLO_DATASET)
    // The filter keeps run 1 only; ids are newest first.
    const failed = await api.listRuns({ status: ['failed', 'stopped'] })
    expect(failed.map((r) => r.id)).toEqual([1])
    expect((await api.listRuns({ limit: 2 })).map((r) => r.id)).toEqual([3, 2])
    expect(await api.listRuns({})).toEqual(RUNS)

    // The service sees parsed inputs: the contract's default limit (500) is applied at the edge.
    expect(calls.at(-1)).toEqual(['listRuns', { limit: 500 }])
  })

  it('passes an ApiError through with its code and message', async () => {
    const { connect, logs } = await setup()
    const { api } = await connect()
    const error = await api.getDataset({ datasetId: 99 as typeof HELLO_DATASET.id }).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No dataset with id 99.' })
    expect(logs).toEqual([]) // expected failures are not logged as bugs
    await expect(api.listDatasets({})).resolves.toHaveLength(1)
  })

  it('turns a plain Error into INTERNAL without leaking it, and logs the real error', async () => {
    const { connect, logs, server } = await setup()
    const { api } = await connect()
    const error = (await api
      .getDataset({ datasetId: THROWING_DATASET_ID as typeof HELLO_DATASET.id })
      .catch((e: unknown) => e)) as ApiError
    expect(error.code).toBe('INTERNAL')
    expect(error.message).toBe('Internal error in the studio backend.')
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/secret|\.db|at /)
    expect(logs.join('\n')).toContain(SECRET_ERROR_MESSAGE)
    await expectStillServing(server)
  })

  it('checks the service output against the contract and reports INTERNAL when it breaks it', async () => {
    const { socket, logs } = await setup()
    const ws = await socket()
    const reply = await exchange(
      ws,
      JSON.stringify({
        seq: 1,
        method: 'getDataset',
        input: { datasetId: CONTRACT_BREAKING_DATASET_ID }
      })
    )
    expect(reply).toEqual({
      type: 'reply',
      seq: 1,
      ok: false,
      error: {
        name: 'ApiError',
        code: 'INTERNAL',
        message: 'Internal error in the studio backend.'
      }
    })
    expect(logs.join('\n')).toMatch(/getDataset returned output that breaks the contract/)
    await expect(exchange(ws, frame(2, 'listDatasets', {}))).resolves.toMatchObject({ ok: true })
  })

  it('keeps many requests in flight and replies out of order', async () => {
    let releaseRuns: () => void = () => {}
    const slowRuns = new Promise<void>((resolve) => (releaseRuns = resolve))
    const fake = createFakeService()
    const service: StudioService = {
      ...fake.service,
      listRuns: async (input) => {
        await slowRuns
        return fake.service.listRuns(input)
      }
    }
    const { socket } = await setup({ service })
    const ws = await socket()
    const replies: unknown[] = []
    ws.on('message', (data) => replies.push(JSON.parse(data.toString())))

    ws.send(frame(1, 'listRuns', {}))
    ws.send(frame(2, 'getStudioInfo', {}))
    await vi.waitFor(() => expect(replies).toHaveLength(1))
    expect(replies[0]).toMatchObject({ seq: 2, ok: true })
    releaseRuns()
    await vi.waitFor(() => expect(replies).toHaveLength(2))
    expect(replies[1]).toMatchObject({ seq: 1, ok: true, output: RUNS })
  })
})

describe('handshake security', () => {
  it('refuses a handshake without a token with 401, then still serves', async () => {
    const { server } = await setup({ token: TOKEN })
    const refused = await rawUpgrade(server.port, '/api')
    expect(refused.status).toBe(401)
    expect(refused.body).toBe('Unauthorized\n')
    expect((await rawUpgrade(server.port, '/api?token=')).status).toBe(401)
    await expect(connectStudio(server.origin, '')).rejects.toThrow(/401/)
    await expectStillServing(server)
  })

  it('refuses wrong tokens with 401 (same length, shorter, longer, case-changed), then still serves', async () => {
    const { server } = await setup({ token: TOKEN })
    const wrong = [
      TOKEN.slice(0, -1) + 'X',
      TOKEN.slice(0, -1),
      TOKEN + 'a',
      TOKEN.toUpperCase(),
      `${TOKEN}&token=${TOKEN}` // the first token= wins, and it is wrong
    ]
    for (const token of wrong) {
      const target = `/api?token=${encodeURIComponent(token)}`
      expect((await rawUpgrade(server.port, target)).status, token).toBe(401)
    }
    // A token smuggled in another parameter is not a token.
    expect((await rawUpgrade(server.port, `/api?t=${TOKEN}`)).status).toBe(401)
    await expect(connectStudio(server.url, 'nope')).rejects.toThrow(/401/)
    await expectStillServing(server)
  })

  it('refuses a foreign Origin with 403 even with the right token, then still serves', async () => {
    const { server, connect } = await setup({ token: TOKEN })
    const target = `/api?token=${TOKEN}`
    const foreign = [
      'http://evil.example',
      `http://evil.example:${server.port}`,
      'null',
      `https://127.0.0.1:${server.port}`,
      `http://127.0.0.1:${server.port + 1}`,
      `http://127.0.0.1.evil.example:${server.port}`
    ]
    for (const origin of foreign) {
      const refused = await rawUpgrade(server.port, target, { origin })
      expect(refused.status, origin).toBe(403)
    }
    await expect(
      connectStudio(server.url, TOKEN, { origin: 'http://evil.example' })
    ).rejects.toThrow(/403/)

    // The page's own origins are accepted, under either name.
    for (const origin of [server.origin, `http://localhost:${server.port}`]) {
      const { api } = await connect({ origin })
      await expect(api.getStudioInfo({})).resolves.toMatchObject({ version: '0.0.0-test' })
    }
    await expectStillServing(server)
  })

  it('refuses a handshake with a foreign Host with 421, then still serves', async () => {
    const { server } = await setup({ token: TOKEN })
    const target = `/api?token=${TOKEN}`
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1',
      `127.0.0.1:1`
    ]) {
      expect((await rawUpgrade(server.port, target, { host })).status, host).toBe(421)
    }
    expect(
      (await rawUpgrade(server.port, target, { host: `localhost:${server.port}` })).status
    ).toBe(101)
    await expectStillServing(server)
  })

  it('answers 404 to upgrades on other paths', async () => {
    const { server } = await setup({ token: TOKEN })
    for (const path of ['/', '/api/', '/apix', '/api/x', '/API']) {
      expect((await rawUpgrade(server.port, `${path}?token=${TOKEN}`)).status, path).toBe(404)
    }
    await expectStillServing(server)
  })
})

describe('frame security', () => {
  it('answers TOO_LARGE to a frame over the soft limit without parsing it, then still serves', async () => {
    const { socket, server } = await setup({
      limits: { softFrameBytes: 1024, hardFrameBytes: 4096 }
    })
    const ws = await socket()
    const big = JSON.stringify({
      seq: 1,
      method: 'getStudioInfo',
      input: { pad: 'x'.repeat(2000) }
    })
    const reply = await exchange(ws, big)
    expect(reply).toMatchObject({
      type: 'reply',
      seq: null,
      ok: false,
      error: { code: 'TOO_LARGE', details: { limitBytes: 1024 } }
    })
    // The same connection goes on working.
    await expect(exchange(ws, frame(2, 'getStudioInfo', {}))).resolves.toMatchObject({
      seq: 2,
      ok: true
    })
    await expectStillServing(server)
  })

  it('closes a connection that sends a frame over the hard limit (1009) and serves the others', async () => {
    const { socket, server, logs } = await setup({
      limits: { softFrameBytes: 1024, hardFrameBytes: 4096 }
    })
    const bystander = await socket()
    const offender = await socket()
    const code = closed(offender)
    offender.send('x'.repeat(5000))
    expect(await code).toBe(1009)
    expect(logs.join('\n')).toMatch(/client connection error/)

    await expect(exchange(bystander, frame(7, 'listDatasets', {}))).resolves.toMatchObject({
      seq: 7,
      ok: true,
      output: [HELLO_DATASET]
    })
    await expectStillServing(server)
  })

  it('answers BAD_REQUEST to malformed JSON, then still serves', async () => {
    const { socket } = await setup()
    const ws = await socket()
    for (const text of ['{', 'not json', '{"seq":1,', '']) {
      expect(await exchange(ws, text), text).toEqual({
        type: 'reply',
        seq: null,
        ok: false,
        error: { name: 'ApiError', code: 'BAD_REQUEST', message: 'Frame is not JSON.' }
      })
    }
    await expect(exchange(ws, frame(1, 'getStudioInfo', {}))).resolves.toMatchObject({ ok: true })
  })

  it('answers BAD_REQUEST to frames of the wrong shape, echoing seq when readable', async () => {
    const { socket } = await setup()
    const ws = await socket()
    const cases: [unknown, number | null][] = [
      [null, null],
      [[1, 'getStudioInfo', {}], null],
      ['getStudioInfo', null],
      [{ method: 'getStudioInfo', input: {} }, null],
      [{ seq: -1, method: 'getStudioInfo', input: {} }, null],
      [{ seq: 1.5, method: 'getStudioInfo', input: {} }, null],
      [{ seq: '1', method: 'getStudioInfo', input: {} }, null],
      [{ seq: 4, method: 42, input: {} }, 4],
      [{ seq: 5, method: 'getStudioInfo', input: {}, extra: true }, 5],
      [{ seq: 6, method: 'x'.repeat(101), input: {} }, 6],
      [{ seq: 7, method: 'getStudioInfo' }, 7] // input is required, even when it is {}
    ]
    for (const [value, seq] of cases) {
      const reply = await exchange(ws, JSON.stringify(value))
      expect(reply, JSON.stringify(value)).toMatchObject({
        seq,
        ok: false,
        error: { code: 'BAD_REQUEST' }
      })
    }
    await expect(exchange(ws, frame(9, 'getStudioInfo', {}))).resolves.toMatchObject({ ok: true })
  })

  it('answers BAD_REQUEST to binary frames, then still serves', async () => {
    const { socket } = await setup()
    const ws = await socket()
    const reply = await exchange(ws, Buffer.from(frame(1, 'getStudioInfo', {})))
    expect(reply).toMatchObject({
      seq: null,
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Binary frames are not accepted.' }
    })
    await expect(exchange(ws, frame(2, 'getStudioInfo', {}))).resolves.toMatchObject({ ok: true })
  })

  it('answers UNKNOWN_METHOD to names outside the contract, prototype names included', async () => {
    const { socket, calls } = await setup()
    const ws = await socket()
    const names = [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__',
      'launchMissiles',
      ''
    ]
    for (const [i, method] of names.entries()) {
      expect(await exchange(ws, frame(i, method, {})), method).toEqual({
        type: 'reply',
        seq: i,
        ok: false,
        error: {
          name: 'ApiError',
          code: 'UNKNOWN_METHOD',
          message: `Unknown method ${JSON.stringify(method)}.`
        }
      })
    }
    expect(calls).toEqual([])
    await expect(exchange(ws, frame(99, 'getStudioInfo', {}))).resolves.toMatchObject({ ok: true })
  })

  it('answers INVALID_INPUT with the zod issues (path and message only), then still serves', async () => {
    const { socket, calls } = await setup()
    const ws = await socket()

    const extra = (await exchange(ws, frame(1, 'getStudioInfo', { admin: true }))) as Reply
    expect(extra).toMatchObject({ seq: 1, ok: false, error: { code: 'INVALID_INPUT' } })
    expect(extra.error.details).toEqual([{ path: [], message: expect.stringMatching(/admin/) }])

    const wrongType = (await exchange(ws, frame(2, 'getDataset', { datasetId: '1' }))) as Reply
    expect(wrongType.error.code).toBe('INVALID_INPUT')
    expect(wrongType.error.details).toEqual([
      { path: ['datasetId'], message: expect.stringMatching(/number/) }
    ])

    const nested = (await exchange(
      ws,
      frame(3, 'listRuns', { status: ['done'], limit: 0 })
    )) as Reply
    const details = nested.error.details as { path: unknown[]; message: string }[]
    expect(details.map((d) => d.path)).toEqual([['status', 0], ['limit']])
    for (const issue of details) expect(Object.keys(issue).sort()).toEqual(['message', 'path'])

    expect(calls).toEqual([]) // the service never saw any of them
    await expect(exchange(ws, frame(4, 'getDataset', { datasetId: 1 }))).resolves.toMatchObject({
      ok: true,
      output: HELLO_DATASET
    })
  })

  it('rate-limits each connection with a token bucket, then serves again after a pause', async () => {
    const { socket, connect } = await setup({ limits: { requestsPerSecond: 20, burst: 5 } })
    const ws = await socket()
    const replies: Reply[] = []
    ws.on('message', (data) => replies.push(JSON.parse(data.toString()) as Reply))
    for (let seq = 0; seq < 15; seq++) ws.send(frame(seq, 'getStudioInfo', {}))
    await vi.waitFor(() => expect(replies).toHaveLength(15))

    const limited = replies.filter((r) => !r.ok)
    // 5 from the burst, perhaps one more refilled (20/s) while the frames arrive.
    expect(15 - limited.length).toBeGreaterThanOrEqual(5)
    expect(15 - limited.length).toBeLessThanOrEqual(6)
    for (const reply of limited) {
      expect(reply.error).toMatchObject({ code: 'RATE_LIMITED' })
      expect(reply.seq).toBeGreaterThanOrEqual(5) // the refused calls are named by their seq
    }

    // Another connection has its own bucket.
    const other = await connect()
    await expect(other.api.getStudioInfo({})).resolves.toMatchObject({ version: '0.0.0-test' })

    // 20/s: one token every 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 120))
    await expect(exchange(ws, frame(100, 'getStudioInfo', {}))).resolves.toMatchObject({
      seq: 100,
      ok: true
    })
  })

  it('rejects a rate-limited call through the typed client with RATE_LIMITED', async () => {
    const { connect } = await setup({ limits: { requestsPerSecond: 1, burst: 1 } })
    const { api } = await connect()
    const results = await Promise.allSettled([api.getStudioInfo({}), api.getStudioInfo({})])
    expect(results[0].status).toBe('fulfilled')
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'RATE_LIMITED' } })
  })
})

describe('events', () => {
  it('fans events out to every client and unsubscribes when clients disconnect', async () => {
    const { events, connect } = await setup()
    const baseline = events.listenerCount
    const a = await connect()
    const b = await connect()
    await vi.waitFor(() => expect(events.listenerCount).toBe(baseline + 2))

    const seenA = vi.fn()
    const seenB = vi.fn()
    a.on(seenA)
    const offB = b.on(seenB)
    const runId = RunId.parse(3)
    events.emit('runStatusChanged', { runId, status: 'completed' })
    await vi.waitFor(() => expect(seenA).toHaveBeenCalledTimes(1))
    await vi.waitFor(() => expect(seenB).toHaveBeenCalledTimes(1))
    expect(seenA).toHaveBeenCalledWith('runStatusChanged', { runId: 3, status: 'completed' })

    offB()
    await a.close()
    await vi.waitFor(() => expect(events.listenerCount).toBe(baseline + 1))
    events.emit('datasetsChanged', {})
    // b's socket still receives it, but its listener was removed client-side; a is gone.
    await b.api.listDatasets({}) // a round trip, so the event (sent earlier) has arrived
    expect(seenB).toHaveBeenCalledTimes(1)
    expect(seenA).toHaveBeenCalledTimes(1)

    await b.close()
    await vi.waitFor(() => expect(events.listenerCount).toBe(baseline))
  })

  it('sends event frames to raw sockets and never to refused handshakes', async () => {
    const { events, socket, server } = await setup({ token: TOKEN })
    const baseline = events.listenerCount
    expect((await rawUpgrade(server.port, '/api?token=wrong')).status).toBe(401)
    expect(events.listenerCount).toBe(baseline)

    const ws = await socket()
    await vi.waitFor(() => expect(events.listenerCount).toBe(baseline + 1))
    const next = nextFrame(ws)
    events.emit('datasetsChanged', {})
    expect(await next).toEqual({ type: 'event', event: 'datasetsChanged', payload: {} })
  })

  it('close() terminates clients, fails their pending calls and drops every subscription', async () => {
    let release: () => void = () => {}
    const never = new Promise<void>((resolve) => (release = resolve))
    const fake = createFakeService()
    const service: StudioService = {
      ...fake.service,
      listDatasets: async (input) => {
        await never
        return fake.service.listDatasets(input)
      }
    }
    const { server, events, connect, socket } = await setup({ service })
    const baseline = events.listenerCount
    const client = await connect()
    const raw = await socket()
    await vi.waitFor(() => expect(events.listenerCount).toBe(baseline + 2))

    const pending = client.api.listDatasets({})
    const rawClosed = closed(raw)
    await server.close()
    expect(events.listenerCount).toBe(baseline)
    await expect(pending).rejects.toThrow(/closed/)
    expect(await rawClosed).toBe(1006) // terminated, not a polite close
    await expect(client.api.getStudioInfo({})).rejects.toThrow(/closed/)
    await expect(connectStudio(server.url, server.token)).rejects.toThrow(/ECONNREFUSED/)
    await server.close() // twice is fine
    release()
  })
})

describe('close()', () => {
  it('does not wait for a half-sent HTTP request', async () => {
    const { server } = await setup()
    const socket = net.connect({ host: '127.0.0.1', port: server.port })
    cleanups.push(() => socket.destroy())
    await new Promise((resolve) => socket.once('connect', resolve))
    const socketClosed = new Promise((resolve) => socket.once('close', resolve))
    // The request line without its headers: not idle, so server.close() alone would wait for it.
    socket.write('GET / HTTP/1.1\r\n')
    await new Promise((resolve) => setTimeout(resolve, 20))
    const started = performance.now()
    await server.close()
    await socketClosed
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

interface Reply {
  seq: number | null
  ok: boolean
  error: { code: string; message: string; details?: unknown }
}

function frame(seq: number, method: string, input: unknown): string {
  return JSON.stringify({ seq, method, input })
}

function connectTcp(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')))
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
    socket.once('error', reject)
  })
}
