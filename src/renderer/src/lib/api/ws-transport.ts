/**
 * Browser-mode transport: the studio API over one WebSocket to the local server (src/server).
 *
 * Frames (shared/protocol/wire.ts): requests `{ seq, method, input }`; replies
 * `{ type: 'reply', seq, ok, output | error }` matched by `seq`, so calls may be answered out of
 * order; events `{ type: 'event', event, payload }`.
 *
 * Connection policy:
 * - Calls made before the socket opens wait for it and go out on open.
 * - When the socket closes, every call still waiting (sent or not) rejects with a TransportError:
 *   its answer is lost, and the caller decides whether to retry. Nothing is resent silently.
 * - It reconnects with exponential backoff (0.5 s doubling to 10 s). State stays `connecting` for
 *   the first few failed attempts, then turns `disconnected` while retries continue quietly.
 * - A call made while waiting for the next retry starts an attempt at once (a Retry button works).
 */
import { TOKEN_PARAM, type ServerFrame } from '../../../../shared/protocol/wire'
import type { StudioMethod } from '../../../../shared/api/contract'
import {
  Listeners,
  TransportError,
  toApiError,
  type ConnectionState,
  type Transport
} from './transport'

/** The part of the DOM WebSocket this transport uses; tests pass a fake class. */
export interface WebSocketLike {
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  onerror: ((event: Event) => void) | null
}

export type WebSocketClass = new (url: string) => WebSocketLike

export interface WsTransportOptions {
  /** Where to connect; defaults to `/api` on the page's own host with the page's token. */
  url?: string
  /** The WebSocket class to use (injected by tests); defaults to the browser's. */
  WebSocket?: WebSocketClass
  /** First reconnect delay; doubled after each failed attempt. */
  minDelayMs?: number
  /** Longest reconnect delay. */
  maxDelayMs?: number
  /** Failed attempts in a row after which the state reads `disconnected` rather than `connecting`. */
  quietAfterFailures?: number
}

interface PendingCall {
  frame: string
  sent: boolean
  resolve: (output: unknown) => void
  reject: (error: Error) => void
}

const LOST = 'Lost the connection to the studio before it answered.'
const UNREACHABLE =
  'Could not connect to the studio. Is it still running? Open the address it printed, ?token=… included.'

/** Survives a page reload in the same tab once the token has left the address bar. */
const TOKEN_STORAGE_KEY = 'rnn-studio.token'

/**
 * Reads the access token the server put in the page's URL (`?token=…`), then removes it from the
 * address bar with `history.replaceState` so it does not linger on screen or in screenshots. It is
 * kept in memory and in sessionStorage (same tab only), so a reload still connects.
 */
export function takeTokenFromUrl(
  loc: Location = location,
  hist: History = history,
  storage: Storage | null = safeSessionStorage()
): string | null {
  const url = new URL(loc.href)
  const token = url.searchParams.get(TOKEN_PARAM)
  if (token === null) return storage?.getItem(TOKEN_STORAGE_KEY) ?? null
  url.searchParams.delete(TOKEN_PARAM)
  hist.replaceState(hist.state, '', url.pathname + url.search + url.hash)
  storage?.setItem(TOKEN_STORAGE_KEY, token)
  return token
}

function safeSessionStorage(): Storage | null {
  try {
    return sessionStorage
  } catch {
    return null // storage disabled (privacy settings); the in-memory token still works until reload
  }
}

/** The API endpoint on the page's own host, carrying the token. */
export function defaultSocketUrl(loc: Location = location, token = takeTokenFromUrl()): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws'
  const query = token === null ? '' : `?${TOKEN_PARAM}=${encodeURIComponent(token)}`
  return `${scheme}://${loc.host}/api${query}`
}

/** See the file comment for the connection policy. */
export class WsTransport implements Transport {
  readonly kind = 'websocket'

  readonly #url: string
  readonly #WebSocket: WebSocketClass
  readonly #minDelayMs: number
  readonly #maxDelayMs: number
  readonly #quietAfterFailures: number

  #socket: WebSocketLike | null = null
  #open = false
  #closed = false
  #failures = 0
  #retryTimer: ReturnType<typeof setTimeout> | null = null
  #seq = 0
  #pending = new Map<number, PendingCall>()
  #state: ConnectionState = 'connecting'
  #events = new Listeners<[string, unknown]>()
  #stateListeners = new Listeners<[ConnectionState]>()

  constructor(options: WsTransportOptions = {}) {
    this.#url = options.url ?? defaultSocketUrl()
    this.#WebSocket = options.WebSocket ?? WebSocket
    this.#minDelayMs = options.minDelayMs ?? 500
    this.#maxDelayMs = options.maxDelayMs ?? 10_000
    this.#quietAfterFailures = options.quietAfterFailures ?? 3
    this.#connect()
  }

  invoke(method: StudioMethod, input: unknown): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(new TransportError('The connection to the studio has been closed.'))
    }
    const seq = ++this.#seq
    return new Promise((resolve, reject) => {
      const call: PendingCall = {
        frame: JSON.stringify({ seq, method, input }),
        sent: false,
        resolve,
        reject
      }
      this.#pending.set(seq, call)
      if (this.#open) this.#send(call)
      else if (this.#socket === null) this.#connect() // waiting out a backoff: try now
    })
  }

  on(listener: (event: string, payload: unknown) => void): () => void {
    return this.#events.add(listener)
  }

  onConnectionChange(fn: (state: ConnectionState) => void): () => void {
    fn(this.#state)
    return this.#stateListeners.add(fn)
  }

  /** Closes for good: stops reconnecting and rejects whatever is still waiting. */
  close(): void {
    this.#closed = true
    this.#clearRetry()
    const socket = this.#socket
    this.#socket = null
    this.#open = false
    socket?.close(1000, 'closed by the UI')
    this.#rejectAll('The connection to the studio has been closed.')
    this.#setState('disconnected')
  }

  #connect(): void {
    if (this.#closed) return
    this.#clearRetry()
    if (this.#failures < this.#quietAfterFailures) this.#setState('connecting')
    const socket = new this.#WebSocket(this.#url)
    this.#socket = socket
    socket.onopen = () => {
      if (socket !== this.#socket) return
      this.#open = true
      this.#failures = 0
      this.#setState('connected')
      for (const call of this.#pending.values()) if (!call.sent) this.#send(call)
    }
    socket.onmessage = (event) => {
      if (socket === this.#socket) this.#receive(event.data)
    }
    socket.onerror = () => {
      // A close event always follows; it does the work.
    }
    socket.onclose = () => {
      if (socket !== this.#socket) return
      const wasOpen = this.#open
      this.#socket = null
      this.#open = false
      this.#failures++
      this.#rejectAll(wasOpen ? LOST : UNREACHABLE)
      this.#setState(this.#failures >= this.#quietAfterFailures ? 'disconnected' : 'connecting')
      this.#scheduleRetry()
    }
  }

  #scheduleRetry(): void {
    if (this.#closed) return
    const delay = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** (this.#failures - 1))
    this.#retryTimer = setTimeout(() => this.#connect(), delay)
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer)
    this.#retryTimer = null
  }

  #send(call: PendingCall): void {
    call.sent = true
    this.#socket?.send(call.frame)
  }

  #receive(data: unknown): void {
    const frame = parseFrame(data)
    if (frame === null) {
      console.warn('RNN Studio: ignored an unreadable frame from the server')
      return
    }
    if (frame.type === 'event') {
      this.#events.emit(frame.event, frame.payload)
      return
    }
    const seq = frame.seq
    if (seq === null) {
      // The server could not read one of our frames well enough to know its seq.
      if (!frame.ok) console.warn('RNN Studio: the server refused a frame:', frame.error?.message)
      return
    }
    const call = this.#pending.get(seq)
    if (call === undefined) return // answered after its call was already rejected on a reconnect
    this.#pending.delete(seq)
    if (frame.ok) call.resolve(frame.output)
    else call.reject(toApiError(frame.error))
  }

  #rejectAll(message: string): void {
    const calls = [...this.#pending.values()]
    this.#pending.clear()
    for (const call of calls) call.reject(new TransportError(message))
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return
    this.#state = state
    this.#stateListeners.emit(state)
  }
}

/** Parses a server frame, checking just enough shape to dispatch it; null when it is not one. */
function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null
  let frame: unknown
  try {
    frame = JSON.parse(data)
  } catch {
    return null
  }
  if (typeof frame !== 'object' || frame === null) return null
  const f = frame as Record<string, unknown>
  if (f.type === 'event') return typeof f.event === 'string' ? (frame as ServerFrame) : null
  if (f.type !== 'reply' || typeof f.ok !== 'boolean') return null
  if (!(typeof f.seq === 'number' || (f.seq === null && f.ok === false))) return null
  return frame as ServerFrame
}
