import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../../shared/api/errors'
import { TransportError, type ConnectionState } from './transport'
import { WsTransport, defaultSocketUrl, takeTokenFromUrl, type WebSocketLike } from './ws-transport'

/** A WebSocket whose server side the test plays by hand. */
class FakeSocket implements WebSocketLike {
  static instances: FakeSocket[] = []
  sent: unknown[] = []
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null

  constructor(readonly url: string) {
    FakeSocket.instances.push(this)
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data))
  }

  close(): void {
    this.drop()
  }

  // --- the server's side ---
  accept(): void {
    this.onopen?.(new Event('open'))
  }

  push(frame: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }))
  }

  drop(): void {
    this.onerror?.(new Event('error'))
    this.onclose?.(new CloseEvent('close', { code: 1006 }))
  }

  static get last(): FakeSocket {
    const socket = FakeSocket.instances.at(-1)
    if (socket === undefined) throw new Error('no socket was opened')
    return socket
  }
}

function connect(options: { quietAfterFailures?: number } = {}) {
  const transport = new WsTransport({
    url: 'ws://127.0.0.1:5000/api?token=t',
    WebSocket: FakeSocket,
    minDelayMs: 100,
    maxDelayMs: 400,
    ...options
  })
  const states: ConnectionState[] = []
  transport.onConnectionChange((s) => states.push(s))
  return { transport, states }
}

beforeEach(() => {
  FakeSocket.instances = []
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('WsTransport', () => {
  it('queues calls until the socket opens, then sends { seq, method, input } frames', () => {
    const { transport, states } = connect()
    void transport.invoke('listRuns', { limit: 5 })
    void transport.invoke('listDatasets', {})
    expect(FakeSocket.last.url).toBe('ws://127.0.0.1:5000/api?token=t')
    expect(FakeSocket.last.sent).toEqual([])

    FakeSocket.last.accept()

    expect(FakeSocket.last.sent).toEqual([
      { seq: 1, method: 'listRuns', input: { limit: 5 } },
      { seq: 2, method: 'listDatasets', input: {} }
    ])
    expect(states).toEqual(['connecting', 'connected'])
  })

  it('matches replies to calls by seq when they arrive out of order', async () => {
    const { transport } = connect()
    FakeSocket.last.accept()
    const first = transport.invoke('listRuns', {})
    const second = transport.invoke('listDatasets', {})

    FakeSocket.last.push({ type: 'reply', seq: 2, ok: true, output: ['datasets'] })
    FakeSocket.last.push({ type: 'reply', seq: 1, ok: true, output: ['runs'] })

    await expect(first).resolves.toEqual(['runs'])
    await expect(second).resolves.toEqual(['datasets'])
  })

  it('rejects with an ApiError that keeps the code of an error reply', async () => {
    const { transport } = connect()
    FakeSocket.last.accept()
    const call = transport.invoke('getDataset', { datasetId: 9 })
    FakeSocket.last.push({
      type: 'reply',
      seq: 1,
      ok: false,
      error: { name: 'ApiError', code: 'NOT_FOUND', message: 'No dataset 9.' }
    })

    const error = await call.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No dataset 9.' })
  })

  it('rejects every waiting call, sent or queued, when the socket closes', async () => {
    const { transport } = connect()
    const queued = transport.invoke('listRuns', {}) // before open
    FakeSocket.last.accept()
    const sent = transport.invoke('listDatasets', {})
    expect(FakeSocket.last.sent).toHaveLength(2)

    FakeSocket.last.drop()

    await expect(queued).rejects.toBeInstanceOf(TransportError)
    await expect(sent).rejects.toThrow('Lost the connection to the studio before it answered.')
  })

  it('rejects calls queued on a socket that never opens', async () => {
    const { transport } = connect()
    const call = transport.invoke('listRuns', {})
    FakeSocket.last.drop()
    await expect(call).rejects.toBeInstanceOf(TransportError)
    await expect(call).rejects.toThrow(/Could not connect to the studio/)
  })

  it('reconnects with doubling delays and reports the state on the way', () => {
    const { states } = connect({ quietAfterFailures: 2 })
    FakeSocket.last.accept()
    FakeSocket.last.drop() // failure 1: retry in 100 ms
    expect(states).toEqual(['connecting', 'connected', 'connecting'])

    vi.advanceTimersByTime(99)
    expect(FakeSocket.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.instances).toHaveLength(2)

    FakeSocket.last.drop() // failure 2: quiet now, retry in 200 ms
    expect(states.at(-1)).toBe('disconnected')
    vi.advanceTimersByTime(199)
    expect(FakeSocket.instances).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.instances).toHaveLength(3)
    expect(states.at(-1)).toBe('disconnected') // quiet retries do not flicker to "connecting"

    FakeSocket.last.accept()
    expect(states.at(-1)).toBe('connected')
  })

  it('caps the delay at maxDelayMs', () => {
    connect()
    for (let i = 0; i < 5; i++) {
      FakeSocket.last.drop()
      vi.advanceTimersByTime(400)
    }
    expect(FakeSocket.instances).toHaveLength(6)
  })

  it('starts an attempt at once when a call is made while waiting to retry', () => {
    const { transport } = connect()
    FakeSocket.last.drop() // retry scheduled in 100 ms
    void transport.invoke('listRuns', {}).catch(() => {})
    expect(FakeSocket.instances).toHaveLength(2)
    FakeSocket.last.accept()
    expect(FakeSocket.last.sent).toEqual([{ seq: 1, method: 'listRuns', input: {} }])
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.instances).toHaveLength(2) // the old timer was cancelled
  })

  it('ignores a late reply to a call already rejected on disconnect', async () => {
    const { transport } = connect()
    FakeSocket.last.accept()
    const lost = transport.invoke('listRuns', {})
    const old = FakeSocket.last
    old.drop()
    await expect(lost).rejects.toBeInstanceOf(TransportError)
    old.push({ type: 'reply', seq: 1, ok: true, output: [] }) // must not throw
  })

  it('dispatches event frames to every listener', () => {
    const { transport } = connect()
    FakeSocket.last.accept()
    const a = vi.fn()
    const b = vi.fn()
    transport.on(a)
    const offB = transport.on(b)
    FakeSocket.last.push({ type: 'event', event: 'datasetsChanged', payload: {} })
    offB()
    FakeSocket.last.push({ type: 'event', event: 'runStatusChanged', payload: { runId: 1 } })

    expect(a.mock.calls).toEqual([
      ['datasetsChanged', {}],
      ['runStatusChanged', { runId: 1 }]
    ])
    expect(b.mock.calls).toEqual([['datasetsChanged', {}]])
  })

  it('ignores frames it cannot read', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { transport } = connect()
    FakeSocket.last.accept()
    const listener = vi.fn()
    transport.on(listener)
    FakeSocket.last.onmessage?.(new MessageEvent('message', { data: 'not json' }))
    FakeSocket.last.push({ type: 'mystery' })
    expect(listener).not.toHaveBeenCalled()
    expect(warn).toHaveBeenCalledTimes(2)
    warn.mockRestore()
  })

  it('stops for good on close()', async () => {
    const { transport, states } = connect()
    FakeSocket.last.accept()
    const call = transport.invoke('listRuns', {})
    transport.close()
    await expect(call).rejects.toBeInstanceOf(TransportError)
    await expect(transport.invoke('listRuns', {})).rejects.toBeInstanceOf(TransportError)
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.instances).toHaveLength(1)
    expect(states.at(-1)).toBe('disconnected')
  })
})

describe('takeTokenFromUrl', () => {
  afterEach(() => {
    history.replaceState(null, '', '/')
    sessionStorage.clear()
  })

  it('reads the token and removes it from the address bar, keeping the rest', () => {
    history.replaceState(null, '', '/?token=s3cret&view=runs#top')
    expect(takeTokenFromUrl()).toBe('s3cret')
    expect(location.search).toBe('?view=runs')
    expect(location.hash).toBe('#top')
  })

  it('remembers the token for a reload in the same tab', () => {
    history.replaceState(null, '', '/?token=s3cret')
    takeTokenFromUrl()
    expect(location.search).toBe('')
    expect(takeTokenFromUrl()).toBe('s3cret')
  })

  it('is null when there is no token anywhere', () => {
    expect(takeTokenFromUrl()).toBeNull()
  })
})

describe('defaultSocketUrl', () => {
  it('points at /api on the page host with the token encoded', () => {
    expect(defaultSocketUrl(location, 'a b&c')).toBe(`ws://${location.host}/api?token=a%20b%26c`)
  })
})
