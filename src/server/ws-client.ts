/**
 * A Node-side client for the browser-mode WebSocket API, typed by the contract. Tests, the CLI and
 * tooling use it to talk to a running studio exactly as the browser page does.
 */
import WebSocket, { type RawData } from 'ws'
import type { StudioEventListener } from '../backend/event-bus'
import {
  API_METHODS,
  EVENT_NAMES,
  studioApi,
  type StudioApi,
  type StudioEventName,
  type StudioEvents,
  type StudioMethod,
  type StudioOutput
} from '../shared/api/contract'
import { ApiError, ApiErrorData } from '../shared/api/errors'
import { TOKEN_PARAM } from '../shared/protocol/wire'
import { API_PATH } from './studio-server'

/** An open connection to a studio server. */
export interface StudioConnection {
  /** One async function per contract method; failures reject with an `ApiError`. */
  api: StudioApi
  /** Receives every pushed event; returns the unsubscribe function. */
  on(listener: StudioEventListener): () => void
  /** Closes the socket; calls still in flight reject. */
  close(): Promise<void>
}

export interface ConnectOptions {
  /** Sent as the Origin header, as a browser would; Node clients send none by default. */
  origin?: string
}

interface Pending {
  resolve: (output: unknown) => void
  reject: (error: Error) => void
}

/**
 * Opens a connection to the server at `url` (its page URL or origin: `http://127.0.0.1:PORT/…`,
 * or a `ws://` URL) and resolves once the handshake succeeded. Rejects when the server refuses
 * it (wrong token → 401, foreign Origin → 403).
 */
export async function connectStudio(
  url: string,
  token: string,
  opts: ConnectOptions = {}
): Promise<StudioConnection> {
  const wsUrl = new URL(url)
  wsUrl.protocol = wsUrl.protocol === 'https:' || wsUrl.protocol === 'wss:' ? 'wss:' : 'ws:'
  wsUrl.pathname = API_PATH
  wsUrl.search = ''
  wsUrl.hash = ''
  wsUrl.searchParams.set(TOKEN_PARAM, token)

  const ws = new WebSocket(wsUrl, opts.origin === undefined ? {} : { origin: opts.origin })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      ws.off('error', reject)
      resolve()
    })
    ws.once('error', reject)
  })

  let nextSeq = 1
  const pending = new Map<number, Pending>()
  const listeners = new Set<StudioEventListener>()
  let closedError: Error | null = null

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return
    let frame: unknown
    try {
      frame = JSON.parse(data.toString())
    } catch {
      return
    }
    handleFrame(frame)
  })
  ws.on('error', () => {
    // 'close' follows and fails whatever is pending; without a listener ws would throw.
  })
  ws.on('close', (code: number) => {
    closedError = new Error(`Studio connection closed (code ${code}).`)
    for (const call of pending.values()) call.reject(closedError)
    pending.clear()
  })

  function handleFrame(frame: unknown): void {
    if (typeof frame !== 'object' || frame === null) return
    const f = frame as Record<string, unknown>
    if (f.type === 'event' && isEventName(f.event)) {
      // Event payloads carry no schema in the contract; the server sends what the bus emitted.
      const payload = f.payload as StudioEvents[StudioEventName]
      for (const listener of listeners) listener(f.event, payload)
      return
    }
    if (f.type !== 'reply' || typeof f.seq !== 'number') return
    const call = pending.get(f.seq)
    if (call === undefined) return
    pending.delete(f.seq)
    if (f.ok === true) {
      call.resolve(f.output)
    } else {
      const error = ApiErrorData.safeParse(f.error)
      call.reject(
        error.success
          ? ApiError.fromData(error.data)
          : new ApiError('INTERNAL', 'The server sent a malformed error reply.')
      )
    }
  }

  function invoke<M extends StudioMethod>(method: M, input: unknown): Promise<StudioOutput<M>> {
    if (closedError !== null) return Promise.reject(closedError)
    const seq = nextSeq++
    return new Promise<unknown>((resolve, reject) => {
      pending.set(seq, { resolve, reject })
      ws.send(JSON.stringify({ seq, method, input }))
    }).then((output) => {
      // The server validated already; parsing again gives the branded types honestly.
      const parsed = studioApi[method].output.safeParse(output)
      if (!parsed.success) throw new ApiError('INTERNAL', `Reply to ${method} breaks the contract.`)
      return parsed.data as StudioOutput<M>
    })
  }

  const api = {} as Record<StudioMethod, (input: unknown) => Promise<unknown>>
  for (const method of API_METHODS) api[method] = (input) => invoke(method, input)

  return {
    // Each entry forwards its own method's input and output, so the loop's shape is the contract's.
    api: api as StudioApi,
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      if (ws.readyState === WebSocket.CLOSED) return Promise.resolve()
      return new Promise<void>((resolve) => {
        ws.once('close', () => resolve())
        ws.close()
      })
    }
  }
}

function isEventName(name: unknown): name is StudioEventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name)
}
