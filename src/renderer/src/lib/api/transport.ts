import type { StudioMethod } from '../../../../shared/api/contract'
import { ApiError, ApiErrorCode, type ApiErrorData } from '../../../../shared/api/errors'

/**
 * Where the transport stands with the backend:
 * - `connecting`: not connected yet, or connection lost and a retry is under way
 * - `connected`: calls go through
 * - `disconnected`: not connected and no longer expecting to be soon (retries may continue quietly)
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected'

/** Which adapter carries the calls: Electron IPC (desktop) or a WebSocket (browser mode). */
export type TransportKind = 'ipc' | 'websocket'

/**
 * The one place method and event names travel as strings. `StudioClient` (client.ts) turns a
 * Transport into the typed `StudioApi`; nothing else in the renderer should call a Transport.
 */
export interface Transport {
  /** Calls one contract method; resolves with its output or rejects with an `ApiError`/`TransportError`. */
  invoke(method: StudioMethod, input: unknown): Promise<unknown>
  /** Receives every pushed event; returns the unsubscribe function. */
  on(listener: (event: string, payload: unknown) => void): () => void
  /** Calls `fn` with the current state at once, then on every change; returns the unsubscribe function. */
  onConnectionChange(fn: (state: ConnectionState) => void): () => void
  readonly kind: TransportKind
}

/**
 * A call that never got an answer because the connection was missing or dropped. Unlike an
 * `ApiError` the backend did not refuse it: it may be retried once the connection is back.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError'
}

const ERROR_CODES: ReadonlySet<string> = new Set(ApiErrorCode.options)

/**
 * Turns error data received from the other side into an `ApiError`. Checked by hand rather than with
 * `ApiErrorData.parse`: zod compiles parsers with `new Function`, which our CSP (no 'unsafe-eval') refuses.
 */
export function toApiError(data: unknown): ApiError {
  if (isApiErrorData(data)) return ApiError.fromData(data)
  return new ApiError('INTERNAL', 'The studio backend sent an error the UI could not read.')
}

/** Whether `data` has the shape of `ApiErrorData` (a known code and a message). */
export function isApiErrorData(data: unknown): data is ApiErrorData {
  if (typeof data !== 'object' || data === null) return false
  const { name, code, message } = data as Record<string, unknown>
  return (
    name === 'ApiError' &&
    typeof code === 'string' &&
    ERROR_CODES.has(code) &&
    typeof message === 'string'
  )
}

/** A listener set whose members cannot break each other: one throwing listener is logged, the rest still run. */
export class Listeners<A extends unknown[]> {
  #fns = new Set<(...args: A) => void>()

  add(fn: (...args: A) => void): () => void {
    this.#fns.add(fn)
    return () => {
      this.#fns.delete(fn)
    }
  }

  emit(...args: A): void {
    for (const fn of this.#fns) {
      try {
        fn(...args)
      } catch (error) {
        console.error('RNN Studio: a listener failed', error)
      }
    }
  }
}
