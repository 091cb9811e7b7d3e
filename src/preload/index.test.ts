import { beforeEach, describe, expect, it, vi } from 'vitest'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX } from '../shared/api/channels'

// Electron cannot load in plain Node: stand in for the two modules the preload touches.
const exposed: Record<string, unknown> = {}
const invoked: [string, unknown][] = []
const listeners = new Map<string, (...args: unknown[]) => void>()
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (channel: string, input: unknown) => {
      invoked.push([channel, input])
      return { ok: true, output: 'from main' }
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => listeners.set(channel, fn),
    removeListener: (channel: string) => listeners.delete(channel)
  }
}))

interface Bridge {
  invoke(method: string, input: unknown): Promise<unknown>
  on(listener: (event: string, payload: unknown) => void): () => void
}

let bridge: Bridge
beforeEach(async () => {
  await import('./index')
  bridge = exposed.studio as Bridge
  invoked.length = 0
})

describe('preload bridge', () => {
  it('exposes only invoke and on, never ipcRenderer', () => {
    expect(Object.keys(exposed)).toEqual(['studio'])
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on'])
  })

  it('forwards contract methods to their channel', async () => {
    expect(await bridge.invoke('listDatasets', {})).toEqual({ ok: true, output: 'from main' })
    expect(invoked).toEqual([[IPC_INVOKE_PREFIX + 'listDatasets', {}]])
  })

  it('refuses names outside the contract without touching IPC', async () => {
    for (const name of ['openExternal', '__proto__', '../../etc']) {
      expect(await bridge.invoke(name, {})).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_METHOD' }
      })
    }
    expect(invoked).toEqual([])
  })

  it('delivers events without the Electron event object, and unsubscribes', () => {
    const received: unknown[] = []
    const off = bridge.on((event, payload) => received.push([event, payload]))
    const senderEvent = { sender: 'ipcRenderer internals' }
    listeners.get(IPC_EVENT_CHANNEL)!(senderEvent, { event: 'datasetsChanged', payload: {} })
    expect(received).toEqual([['datasetsChanged', {}]])
    off()
    expect(listeners.has(IPC_EVENT_CHANNEL)).toBe(false)
  })
})
