/**
 * Test doubles and raw-socket helpers for the server tests. Plain Node (no vitest import) so a
 * tool could reuse the fake service; nothing in the app imports this file.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import WebSocket, { type RawData } from 'ws'
import type { StudioService } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import { DatasetSummary } from '../shared/domain/dataset'
import { RunSummary } from '../shared/domain/run'

/** The one dataset the fake knows: "hello world" as a text corpus. */
export const HELLO_DATASET = DatasetSummary.parse({
  id: 1,
  name: 'hello',
  kind: 'text',
  sourcePath: 'samples/hello.txt',
  contentHash: 'sha256:0',
  sizeBytes: 11,
  stats: {
    kind: 'text',
    characters: 11, // "hello world"
    lines: 1,
    words: 2,
    vocabularySize: 8, // h e l o ␠ w r d
    rarestCharacters: [{ char: 'h', count: 1 }],
    lineEndings: 'none'
  },
  isSample: true,
  notice: 'test data',
  createdAt: '2024-01-01T00:00:00.000Z'
})

function run(id: number, status: RunSummary['status']): RunSummary {
  return RunSummary.parse({
    id,
    name: `run-${id}`,
    status,
    task: 'char-lm',
    datasetId: 1,
    backend: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    config: {}
  })
}

/** Newest first, as the contract promises. */
export const RUNS: readonly RunSummary[] = [
  run(3, 'running'),
  run(2, 'completed'),
  run(1, 'failed')
]

/** Dataset ids with special behaviour in the fake's getDataset. */
export const THROWING_DATASET_ID = 13
export const CONTRACT_BREAKING_DATASET_ID = 14
/** What the plain Error thrown for THROWING_DATASET_ID says; it must never reach a client. */
export const SECRET_ERROR_MESSAGE = 'disk failure reading /home/alice/.secret/studio.db'

async function notInFake(): Promise<never> {
  throw new ApiError('UNSUPPORTED', 'The fake service has no runs.')
}

/** A StudioService with hand-checkable answers that records every (parsed) input it receives. */
export function createFakeService(): { service: StudioService; calls: [string, unknown][] } {
  const calls: [string, unknown][] = []
  const service: StudioService = {
    async getStudioInfo(input) {
      calls.push(['getStudioInfo', input])
      return {
        version: '0.0.0-test',
        home: '/tmp/studio-home',
        databasePath: '/tmp/studio-home/studio.db',
        backend: {
          selected: 'cpu',
          forced: false,
          probes: [{ name: 'cpu', available: true, reason: null }]
        }
      }
    },
    async listDatasets(input) {
      calls.push(['listDatasets', input])
      return [HELLO_DATASET]
    },
    async getDataset(input) {
      calls.push(['getDataset', input])
      if (input.datasetId === THROWING_DATASET_ID) throw new Error(SECRET_ERROR_MESSAGE)
      if (input.datasetId === CONTRACT_BREAKING_DATASET_ID) {
        // Deliberately not a DatasetSummary: the server must catch this before sending it.
        return { id: input.datasetId } as unknown as DatasetSummary
      }
      if (input.datasetId !== HELLO_DATASET.id) {
        throw new ApiError('NOT_FOUND', `No dataset with id ${input.datasetId}.`)
      }
      return HELLO_DATASET
    },
    async listRuns(input) {
      calls.push(['listRuns', input])
      const wanted = input.status
      return RUNS.filter((r) => wanted === undefined || wanted.includes(r.status)).slice(
        0,
        input.limit
      )
    },
    // The server tests exercise the transport, not runs: these answer like any refused call.
    startRun: notInFake,
    pauseRun: notInFake,
    resumeRun: notInFake,
    stopRun: notInFake,
    getRun: notInFake,
    listMetrics: notInFake,
    listSamples: notInFake,
    deleteRun: notInFake,
    renameRun: notInFake,
    beginImport: notInFake,
    uploadChunk: notInFake,
    finishImport: notInFake,
    cancelImport: notInFake,
    listRunStats: notInFake,
    listPresets: notInFake,
    describeModel: notInFake,
    sampleText: notInFake,
    predict: notInFake,
    forecast: notInFake,
    exportRun: notInFake,
    exportCurves: notInFake
  }
  return { service, calls }
}

/** A temp folder `root` with `root/static` (the build) and a secret beside it that must stay unreachable. */
export interface StaticFixture {
  root: string
  staticDir: string
  remove(): Promise<void>
}

export const SECRET_FILE_TEXT = 'TOP-SECRET-DO-NOT-SERVE'
export const INDEX_HTML =
  '<!doctype html><title>RNN Studio</title><script src="/assets/app.js"></script>'
export const APP_JS = 'console.log("studio")\n'

/** Writes the fixture: index.html, one file per content type, a sibling folder and a symlink out. */
export async function createStaticFixture(): Promise<StaticFixture> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'studio-server-'))
  const staticDir = path.join(root, 'static')
  await mkdir(path.join(staticDir, 'assets'), { recursive: true })
  await writeFile(path.join(staticDir, 'index.html'), INDEX_HTML)
  await writeFile(path.join(staticDir, 'assets', 'app.js'), APP_JS)
  await writeFile(path.join(staticDir, 'assets', 'style.css'), 'body{}')
  await writeFile(
    path.join(staticDir, 'assets', 'icon.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg"/>'
  )
  await writeFile(
    path.join(staticDir, 'assets', 'pixel.png'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47])
  )
  await writeFile(path.join(staticDir, 'assets', 'font.woff2'), Buffer.from('wOF2'))
  await writeFile(path.join(staticDir, 'assets', 'data.json'), '{"a":1}')
  await writeFile(path.join(staticDir, 'assets', 'mod.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]))
  // Outside the build: next to it, and in a sibling whose name starts like it ("static-evil").
  await writeFile(path.join(root, 'secret.txt'), SECRET_FILE_TEXT)
  await mkdir(path.join(root, 'static-evil'))
  await writeFile(path.join(root, 'static-evil', 'leak.txt'), SECRET_FILE_TEXT)
  await symlink(path.join(root, 'secret.txt'), path.join(staticDir, 'assets', 'link.txt'))
  return { root, staticDir, remove: () => rm(root, { recursive: true, force: true }) }
}

export interface RawResponse {
  status: number
  /** Header names lower-cased. */
  headers: Record<string, string>
  body: string
}

/**
 * Sends `head` (request line and headers, without the blank line) on a fresh TCP connection and
 * reads the answer until the server closes (or, for an accepted upgrade, until its head is in).
 * Unlike fetch it sends paths exactly as written.
 */
export function rawRequest(port: number, head: string, host = '127.0.0.1'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      // An accepted upgrade stays open; its head is all there is to read.
      const text = Buffer.concat(chunks).toString('latin1')
      if (text.startsWith('HTTP/1.1 101 ') && text.includes('\r\n\r\n')) socket.destroy()
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(parseRawResponse(Buffer.concat(chunks).toString('latin1'))))
    socket.write(`${head}\r\n\r\n`, 'latin1')
  })
}

/** A GET for `target` with the given Host (omitted when null) and `Connection: close`. */
export function rawGet(port: number, target: string, host: string | null = `127.0.0.1:${port}`) {
  const hostLine = host === null ? '' : `\r\nHost: ${host}`
  return rawRequest(port, `GET ${target} HTTP/1.1${hostLine}\r\nConnection: close`)
}

/** A WebSocket handshake request with full control over path, Host and Origin. */
export function rawUpgrade(
  port: number,
  target: string,
  opts: { host?: string; origin?: string } = {}
): Promise<RawResponse> {
  const lines = [
    `GET ${target} HTTP/1.1`,
    `Host: ${opts.host ?? `127.0.0.1:${port}`}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13'
  ]
  if (opts.origin !== undefined) lines.push(`Origin: ${opts.origin}`)
  return rawRequest(port, lines.join('\r\n'))
}

function parseRawResponse(text: string): RawResponse {
  const split = text.indexOf('\r\n\r\n')
  const head = split === -1 ? text : text.slice(0, split)
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return {
    status: Number(statusLine.split(' ')[1] ?? 0),
    headers,
    body: split === -1 ? '' : text.slice(split + 4)
  }
}

/** Opens a bare `ws` client (for frames the typed client cannot send). */
export async function openSocket(port: number, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${encodeURIComponent(token)}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return ws
}

/** The next message on `ws`, JSON-parsed. */
export function nextFrame(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('socket closed before a frame arrived'))
    ws.once('close', onClose)
    ws.once('message', (data: RawData) => {
      ws.off('close', onClose)
      resolve(JSON.parse(data.toString()))
    })
  })
}

/** Sends `data` and waits for the next frame. */
export function exchange(ws: WebSocket, data: string | Buffer): Promise<unknown> {
  const reply = nextFrame(ws)
  ws.send(data)
  return reply
}

/** Resolves with the close code once `ws` is closed. */
export function closed(ws: WebSocket): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1)
  return new Promise((resolve) => ws.once('close', (code: number) => resolve(code)))
}
