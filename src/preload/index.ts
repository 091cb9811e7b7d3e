/**
 * The narrow bridge between the sandboxed renderer and the main process. It exposes two functions
 * and nothing else: `invoke` for the contract's method names only, and `on` for backend events
 * (with Electron's event object stripped). `ipcRenderer` itself never crosses the bridge.
 * Imports are limited to plain constants so the sandboxed preload bundles without runtime deps.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_METHOD_NAMES, IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX } from '../shared/api/channels'

const allowed = new Set<string>(API_METHOD_NAMES)

export const studioBridge = {
  /** Resolves to `{ ok: true, output } | { ok: false, error }`, so error codes survive IPC. */
  invoke(method: string, input: unknown): Promise<unknown> {
    if (!allowed.has(method)) {
      return Promise.resolve({
        ok: false,
        error: { name: 'ApiError', code: 'UNKNOWN_METHOD', message: `Unknown method: ${method}` }
      })
    }
    return ipcRenderer.invoke(IPC_INVOKE_PREFIX + method, input)
  },
  /** Subscribes to backend events; returns the unsubscribe function. */
  on(listener: (event: string, payload: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, message: { event: string; payload: unknown }): void =>
      listener(message.event, message.payload)
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    }
  }
}

contextBridge.exposeInMainWorld('studio', studioBridge)
