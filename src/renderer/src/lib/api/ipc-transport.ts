/**
 * Desktop transport: the studio API over Electron IPC, through the bridge the preload exposes as
 * `window.studio` (see studio-bridge.d.ts).
 *
 * Envelope contract with the preload/main process: `window.studio.invoke(method, input)` RESOLVES
 * with `{ ok: true, output }` or `{ ok: false, error: ApiErrorData }`; it does not reject for API
 * errors. Why: an Error thrown in an `ipcMain.handle` handler reaches the renderer as a new Error
 * whose message is prefixed with "Error invoking remote method…" and whose `code` is lost, so
 * errors travel as data inside a resolved envelope instead (the same `{ ok, output | error }`
 * shape as the WebSocket reply frames). A rejection still happens if the bridge itself fails; it is
 * reported as an INTERNAL ApiError (or as the ApiError it carries, when it carries one as data).
 */
import type { ApiErrorData } from '../../../../shared/api/errors'
import { ApiError } from '../../../../shared/api/errors'
import type { StudioMethod } from '../../../../shared/api/contract'
import { isApiErrorData, toApiError, type ConnectionState, type Transport } from './transport'

/** What `window.studio.invoke` resolves with. */
export type IpcEnvelope = { ok: true; output: unknown } | { ok: false; error: ApiErrorData }

/** The narrow bridge the preload exposes: named calls and pushed events, never `ipcRenderer`. */
export interface StudioBridge {
  /** Calls a contract method; resolves with an `IpcEnvelope`. */
  invoke(method: string, input: unknown): Promise<unknown>
  /** Receives every studio event (the Electron event object stripped); returns the unsubscribe function. */
  on(listener: (event: string, payload: unknown) => void): () => void
}

/** See the file comment for the envelope contract. */
export class IpcTransport implements Transport {
  readonly kind = 'ipc'
  readonly #bridge: StudioBridge

  constructor(bridge: StudioBridge) {
    this.#bridge = bridge
  }

  async invoke(method: StudioMethod, input: unknown): Promise<unknown> {
    let envelope: unknown
    try {
      envelope = await this.#bridge.invoke(method, input)
    } catch (error) {
      throw fromRejection(error)
    }
    if (!isEnvelope(envelope)) {
      throw new ApiError('INTERNAL', 'The desktop bridge answered in an unexpected shape.')
    }
    if (envelope.ok) return envelope.output
    throw toApiError(envelope.error)
  }

  on(listener: (event: string, payload: unknown) => void): () => void {
    return this.#bridge.on(listener)
  }

  /** IPC to our own main process does not drop: always connected. */
  onConnectionChange(fn: (state: ConnectionState) => void): () => void {
    fn('connected')
    return () => {}
  }
}

function isEnvelope(value: unknown): value is IpcEnvelope {
  if (typeof value !== 'object' || value === null) return false
  const { ok } = value as { ok?: unknown }
  return ok === true || (ok === false && 'error' in value)
}

function fromRejection(error: unknown): ApiError {
  if (isApiErrorData(error)) return ApiError.fromData(error)
  // Electron's message names internal channels and may carry paths; keep it in the console only.
  console.error('RNN Studio: the desktop bridge failed', error)
  return new ApiError('INTERNAL', 'The desktop bridge failed to deliver the call.')
}
