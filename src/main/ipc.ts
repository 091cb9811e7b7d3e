import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import type { StudioService } from '../shared/api/contract'
import { API_METHODS } from '../shared/api/contract'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX } from '../shared/api/channels'
import { ApiError } from '../shared/api/errors'
import { dispatchRequest, type Envelope } from '../backend/dispatch'
import type { StudioEventBus } from '../backend/event-bus'

/**
 * Registers one `ipcMain.handle` per contract method. Every call is checked for its sender, then
 * validated and run by the shared dispatcher; replies are envelopes so error codes survive IPC.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  service: StudioService,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
  log: (line: string) => void
): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(IPC_INVOKE_PREFIX + method, async (event, raw: unknown): Promise<Envelope> => {
      if (!isTrusted(event)) {
        log(`refused ${method} from an untrusted frame: ${event.senderFrame?.url ?? '?'}`)
        return {
          ok: false,
          error: new ApiError(
            'BAD_REQUEST',
            'Calls are accepted only from the studio window.'
          ).toData()
        }
      }
      return dispatchRequest(service, method, raw, log)
    })
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(IPC_INVOKE_PREFIX + method)
  }
}

/** Forwards backend events to a window until it is destroyed. */
export function forwardEvents(events: StudioEventBus, contents: WebContents): () => void {
  const off = events.on((event, payload) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, { event, payload })
  })
  contents.once('destroyed', off)
  return off
}
