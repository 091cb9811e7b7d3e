/**
 * The typed studio client: `StudioApi` (one async function per contract method) plus typed events,
 * on top of a Transport. Components call `await client.listRuns({})`; method and event names are
 * strings only inside this file and the transports.
 */
import {
  API_METHODS,
  type StudioApi,
  type StudioEventName,
  type StudioEvents,
  type StudioMethod
} from '../../../../shared/api/contract'
import { IpcTransport } from './ipc-transport'
import type { ConnectionState, Transport, TransportKind } from './transport'
import { WsTransport } from './ws-transport'

/** What the UI holds: the API, typed events, and the connection it travels over. */
export type StudioClient = StudioApi & {
  /** Subscribes to one event; returns the unsubscribe function. */
  on<E extends StudioEventName>(event: E, fn: (payload: StudioEvents[E]) => void): () => void
  /** Calls `fn` with the connection state now and on every change; returns the unsubscribe function. */
  onConnectionChange(fn: (state: ConnectionState) => void): () => void
  readonly transportKind: TransportKind
}

/** Builds the client with one function per name in `API_METHODS`. */
export function createStudioClient(transport: Transport): StudioClient {
  const api: Partial<Record<StudioMethod, (input: unknown) => Promise<unknown>>> = {}
  for (const method of API_METHODS) {
    api[method] = (input) => transport.invoke(method, input)
  }
  return Object.assign(api as StudioApi, {
    on<E extends StudioEventName>(event: E, fn: (payload: StudioEvents[E]) => void): () => void {
      return transport.on((name, payload) => {
        if (name === event) fn(payload as StudioEvents[E])
      })
    },
    onConnectionChange: (fn: (state: ConnectionState) => void) => transport.onConnectionChange(fn),
    transportKind: transport.kind
  })
}

/** Electron IPC when the preload exposed `window.studio` (desktop), otherwise a WebSocket (browser mode). */
export function pickTransport(): Transport {
  return window.studio ? new IpcTransport(window.studio) : new WsTransport()
}
