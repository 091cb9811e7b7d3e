/**
 * Browser mode: serves the built renderer over HTTP and the studio API over a WebSocket, on
 * 127.0.0.1 only, to a page that presents the per-launch token. It is a thin transport: every
 * request is checked at this edge (frame shape, method name, input schema, rate) and then handed,
 * parsed, to the same `StudioService` the Electron window uses.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { realpath } from 'node:fs/promises'
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse
} from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, WebSocket } from 'ws'
import { dispatchRequest } from '../backend/dispatch'
import type { StudioEventBus } from '../backend/event-bus'
import type { StudioService } from '../shared/api/contract'
import { ApiError, toApiErrorData } from '../shared/api/errors'
import {
  RequestFrame,
  TOKEN_PARAM,
  type EventFrame,
  type ReplyFrame
} from '../shared/protocol/wire'
import {
  isAllowedHost,
  isAllowedOrigin,
  LOOPBACK_HOST,
  securityHeaders,
  tokensEqual
} from './http-guards'
import { resolveStaticFile } from './static-files'
import { TokenBucket } from './token-bucket'

/** The WebSocket endpoint. */
export const API_PATH = '/api'

/** Defaults for `StudioServerOptions.limits`, each with its reason. */
export const DEFAULT_LIMITS = {
  /** 1 MiB: the largest request the API needs (a long run config) is a few KiB; parse nothing bigger. */
  softFrameBytes: 1024 * 1024,
  /** 8 MiB: above this `ws` drops the connection (1009) before buffering more of the frame. */
  hardFrameBytes: 8 * 1024 * 1024,
  /** A UI makes a few calls per user action; 100/s is far above that and far below a flood. */
  requestsPerSecond: 100,
  /** Lets a screen load everything at once after a reconnect. */
  burst: 200
} as const

export interface StudioServerOptions {
  /** The backend implementation; it receives inputs already parsed by the contract. */
  service: StudioService
  /** Backend events, forwarded to every authenticated client. */
  events: StudioEventBus
  /** The built renderer (out/renderer) to serve; null serves the API only. */
  staticDir: string | null
  /** 0 (the default) picks any free port. */
  port?: number
  /** The secret a client must present; default 32 random bytes, base64url. */
  token?: string
  limits?: {
    softFrameBytes?: number
    hardFrameBytes?: number
    requestsPerSecond?: number
    burst?: number
  }
  /** Where server-side errors are reported (with stacks, which clients never see). Default: stderr. */
  log?: (line: string) => void
}

export interface StudioServer {
  /** The page to open: `http://127.0.0.1:PORT/?token=…`. */
  url: string
  /** `http://127.0.0.1:PORT`. */
  origin: string
  port: number
  token: string
  /** Disconnects every client and stops listening. Safe to call twice. */
  close(): Promise<void>
}

/** One authenticated WebSocket client. */
interface Connection {
  ws: WebSocket
  bucket: TokenBucket
  unsubscribe: () => void
}

/**
 * Starts the browser-mode server on 127.0.0.1 and resolves once it is listening.
 * Rejects if the port is taken or the options are inconsistent.
 */
export async function startStudioServer(opts: StudioServerOptions): Promise<StudioServer> {
  const limits = { ...DEFAULT_LIMITS, ...definedOnly(opts.limits ?? {}) }
  checkLimits(limits)
  const token = opts.token ?? randomBytes(32).toString('base64url')
  if (token.length === 0) throw new RangeError('The studio token must not be empty')
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const { service, events } = opts
  const staticRoot = opts.staticDir === null ? null : await realpath(opts.staticDir)

  // Set once listening; no request can arrive before that.
  let port = 0
  const connections = new Set<Connection>()

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.hardFrameBytes })
  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      log(`studio-server: HTTP ${req.method} failed: ${describe(error)}`)
      if (!res.headersSent) sendText(res, 500)
      else res.destroy()
    })
  })

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) return sendText(res, 421)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, { Allow: 'GET, HEAD' })
    }
    if (staticRoot === null) return sendText(res, 404)

    const found = await resolveStaticFile(staticRoot, req.url ?? '')
    if (found.kind === 'bad-request') return sendText(res, 400)
    if (found.kind === 'not-found') return sendText(res, 404)

    res.writeHead(200, {
      ...securityHeaders(port),
      'Content-Type': found.contentType,
      'Content-Length': found.size,
      // The page URL carries the token and the build may change between launches.
      'Cache-Control': found.contentType.startsWith('text/html') ? 'no-store' : 'no-cache'
    })
    if (req.method === 'HEAD') return void res.end()
    const stream = createReadStream(found.filePath)
    stream.on('error', (error) => {
      log(`studio-server: reading ${found.filePath} failed: ${describe(error)}`)
      res.destroy()
    })
    stream.pipe(res)
  }

  function sendText(res: ServerResponse, status: number, extra: OutgoingHttpHeaders = {}): void {
    // Bodies are the bare status text: no paths, no stacks.
    const body = `${STATUS_CODES[status] ?? 'Error'}\n`
    res.writeHead(status, {
      ...securityHeaders(port),
      ...extra,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store'
    })
    res.end(res.req.method === 'HEAD' ? undefined : body)
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A reset during the handshake must not crash the server.
    socket.on('error', () => socket.destroy())
    if (!isAllowedHost(req.headers.host, port)) return respondAndClose(socket, 421)

    let url: URL
    try {
      url = new URL(req.url ?? '', `http://${LOOPBACK_HOST}:${port}`)
    } catch {
      return respondAndClose(socket, 400)
    }
    if (!(req.url ?? '').startsWith('/') || url.pathname !== API_PATH) {
      return respondAndClose(socket, 404)
    }
    const origin = req.headers.origin
    if (origin !== undefined && !isAllowedOrigin(origin, port)) return respondAndClose(socket, 403)
    const presented = url.searchParams.get(TOKEN_PARAM)
    if (presented === null || !tokensEqual(presented, token)) return respondAndClose(socket, 401)

    wss.handleUpgrade(req, socket, head, (ws) => accept(ws))
  })

  // Node's own reply to an unparsable request (raw NUL in the path, oversized headers) carries no
  // security headers; this one does, and like every error here it names only the status.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy()
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400
    respondAndClose(socket, status)
  })

  /** Answers on a raw socket (a refused upgrade, a request Node could not parse) and closes it. */
  function respondAndClose(socket: Duplex, status: number): void {
    const body = `${STATUS_CODES[status] ?? 'Error'}\n`
    const headers = {
      ...securityHeaders(port),
      Connection: 'close',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body))
    }
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
    // Destroy only once the refusal is flushed, so the client sees the status, not a reset.
    socket.once('finish', () => socket.destroy())
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`)
  }

  function accept(ws: WebSocket): void {
    const connection: Connection = {
      ws,
      bucket: new TokenBucket(limits.requestsPerSecond, limits.burst),
      unsubscribe: events.on((event, payload) => {
        const frame: EventFrame = { type: 'event', event, payload }
        send(ws, frame)
      })
    }
    connections.add(connection)

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const allowed = connection.bucket.take()
      handleFrame(toBuffer(data), isBinary, allowed)
        .then((reply) => send(ws, reply))
        .catch((error: unknown) => {
          // handleFrame catches everything it expects; reaching here is a bug in this file.
          log(`studio-server: frame handling failed: ${describe(error)}`)
          send(
            ws,
            errorReply(null, new ApiError('INTERNAL', 'Internal error in the studio server.'))
          )
        })
    })
    // ws reports oversized frames (then closes with 1009) and protocol errors here.
    ws.on('error', (error) => log(`studio-server: client connection error: ${error.message}`))
    ws.on('close', () => {
      connection.unsubscribe()
      connections.delete(connection)
    })
  }

  async function handleFrame(
    bytes: Buffer,
    isBinary: boolean,
    allowed: boolean
  ): Promise<ReplyFrame> {
    const tooLarge = bytes.byteLength > limits.softFrameBytes
    if (!allowed) {
      // Still name the seq when it is cheap to read, so the client can fail the right call.
      const seq = isBinary || tooLarge ? null : readSeq(parseJson(bytes))
      return errorReply(seq, new ApiError('RATE_LIMITED', 'Too many requests; slow down.'))
    }
    if (isBinary) {
      return errorReply(null, new ApiError('BAD_REQUEST', 'Binary frames are not accepted.'))
    }
    if (tooLarge) {
      return errorReply(
        null,
        new ApiError('TOO_LARGE', `Frame of ${bytes.byteLength} bytes is over the limit.`, {
          limitBytes: limits.softFrameBytes
        })
      )
    }

    const json = parseJson(bytes)
    if (json === NOT_JSON) {
      return errorReply(null, new ApiError('BAD_REQUEST', 'Frame is not JSON.'))
    }
    const frame = RequestFrame.safeParse(json)
    if (!frame.success) {
      return errorReply(
        readSeq(json),
        new ApiError('BAD_REQUEST', 'Frame must be { seq, method, input }.')
      )
    }
    const { seq, method, input } = frame.data
    // The method check, input parsing, call and output check are the same for every transport.
    const envelope = await dispatchRequest(service, method, input, (line) =>
      log(`studio-server: ${line}`)
    )
    return { type: 'reply', seq, ...envelope }
  }

  function send(ws: WebSocket, frame: ReplyFrame | EventFrame): void {
    if (ws.readyState !== WebSocket.OPEN) return
    let text: string
    try {
      text = JSON.stringify(frame)
    } catch (error) {
      // e.g. a BigInt or a cycle inside an event payload or a z.unknown() field.
      log(`studio-server: could not serialise a ${frame.type} frame: ${describe(error)}`)
      if (frame.type !== 'reply') return
      text = JSON.stringify(errorReply(frame.seq, new Error('unserialisable')))
    }
    ws.send(text)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: opts.port ?? 0, host: LOOPBACK_HOST }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('Server has no TCP address')
  port = address.port

  let closing: Promise<void> | null = null
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      for (const connection of connections) {
        connection.unsubscribe()
        connection.ws.terminate()
      }
      connections.clear()
      wss.close()
      server.close(() => resolve())
      // Keep-alive HTTP sockets would otherwise hold close() open until they time out.
      server.closeAllConnections()
    })
    return closing
  }

  const origin = `http://${LOOPBACK_HOST}:${port}`
  return {
    url: `${origin}/?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    close
  }
}

/** Marks a frame that is not JSON (distinct from a frame that is the JSON `null`). */
const NOT_JSON = Symbol('not JSON')

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown
  } catch {
    return NOT_JSON
  }
}

/** The frame's `seq` if it has a usable one, so even a refused request can be matched up. */
function readSeq(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'seq')) return null
  const seq: unknown = (value as { seq: unknown }).seq
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : null
}

function errorReply(seq: number | null, error: unknown): ReplyFrame {
  return { type: 'reply', seq, ok: false, error: toApiErrorData(error) }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

/** Drops keys set to `undefined`, so `{ burst: undefined }` keeps the default. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function checkLimits(limits: {
  softFrameBytes: number
  hardFrameBytes: number
  requestsPerSecond: number
  burst: number
}): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`limits.${name} must be a positive number`)
    }
  }
  if (limits.softFrameBytes > limits.hardFrameBytes) {
    throw new RangeError('limits.softFrameBytes must not exceed limits.hardFrameBytes')
  }
}
