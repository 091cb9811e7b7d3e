import { describe, expect, it } from 'vitest'
import type { IpcMainInvokeEvent } from 'electron'
import type { StudioService } from '../shared/api/contract'
import { API_METHODS } from '../shared/api/contract'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX } from '../shared/api/channels'
import { StudioEventBus } from '../backend/event-bus'
import { forwardEvents, registerIpcHandlers } from './ipc'

type Handler = (event: IpcMainInvokeEvent, raw: unknown) => Promise<unknown>

/** A stand-in for ipcMain that records handlers (electron itself cannot load in plain Node). */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>()
  return {
    handlers,
    handle: (channel: string, fn: Handler) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel)
  }
}

const service = {
  listDatasets: async () => [],
  listRuns: async () => [],
  getDataset: async () => {
    throw new Error('unreachable')
  },
  getStudioInfo: async () => {
    throw new Error('unreachable')
  }
} as unknown as StudioService

const event = {} as IpcMainInvokeEvent

describe('Electron IPC handlers', () => {
  it('registers exactly one handler per contract method, and removes them', () => {
    const ipc = fakeIpcMain()
    const dispose = registerIpcHandlers(
      ipc as never,
      service,
      () => true,
      () => {}
    )
    expect([...ipc.handlers.keys()].sort()).toEqual(
      API_METHODS.map((m) => IPC_INVOKE_PREFIX + m).sort()
    )
    dispose()
    expect(ipc.handlers.size).toBe(0)
  })

  it('validates input and answers with envelopes', async () => {
    const ipc = fakeIpcMain()
    registerIpcHandlers(
      ipc as never,
      service,
      () => true,
      () => {}
    )
    const listDatasets = ipc.handlers.get(IPC_INVOKE_PREFIX + 'listDatasets')!
    expect(await listDatasets(event, {})).toEqual({ ok: true, output: [] })
    expect(await listDatasets(event, { injected: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' }
    })
  })

  it('refuses calls from untrusted senders without running them', async () => {
    const ipc = fakeIpcMain()
    const logged: string[] = []
    registerIpcHandlers(
      ipc as never,
      service,
      () => false,
      (l) => logged.push(l)
    )
    const reply = await ipc.handlers.get(IPC_INVOKE_PREFIX + 'listRuns')!(event, {})
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(logged[0]).toContain('untrusted')
  })

  it('forwards backend events to a window until it is destroyed', () => {
    const sent: unknown[] = []
    let onDestroyed = (): void => {}
    let destroyed = false
    const contents = {
      isDestroyed: () => destroyed,
      send: (channel: string, message: unknown) => sent.push([channel, message]),
      once: (_name: string, fn: () => void) => (onDestroyed = fn)
    }
    const bus = new StudioEventBus()
    forwardEvents(bus, contents as never)
    bus.emit('datasetsChanged', {})
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, { event: 'datasetsChanged', payload: {} }]])
    destroyed = true
    onDestroyed()
    expect(bus.listenerCount).toBe(0)
  })
})
