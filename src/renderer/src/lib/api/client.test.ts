import { describe, expect, it, vi } from 'vitest'
import { API_METHODS, type StudioMethod } from '../../../../shared/api/contract'
import { ApiError } from '../../../../shared/api/errors'
import { createStudioClient } from './client'
import { IpcTransport, type StudioBridge } from './ipc-transport'
import type { ConnectionState, Transport } from './transport'

/** Records calls and answers each with `answer(method, input)`; pushes events on demand. */
function fakeTransport(answer: (method: StudioMethod, input: unknown) => unknown = () => null) {
  const calls: [StudioMethod, unknown][] = []
  const listeners = new Set<(event: string, payload: unknown) => void>()
  const transport: Transport = {
    kind: 'websocket',
    invoke: async (method, input) => {
      calls.push([method, input])
      return answer(method, input)
    },
    on: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onConnectionChange: (fn: (state: ConnectionState) => void) => {
      fn('connected')
      return () => {}
    }
  }
  const emit = (event: string, payload: unknown) => listeners.forEach((l) => l(event, payload))
  return { transport, calls, emit }
}

describe('createStudioClient', () => {
  it('has one function per contract method', () => {
    const client = createStudioClient(fakeTransport().transport)
    for (const method of API_METHODS) expect(typeof client[method]).toBe('function')
  })

  it('invokes the transport with the method name and the input, and returns the output', async () => {
    const { transport, calls } = fakeTransport((method) => (method === 'listRuns' ? ['r1'] : null))
    const client = createStudioClient(transport)

    await expect(client.listRuns({ limit: 5 })).resolves.toEqual(['r1'])
    await client.getStudioInfo({})

    expect(calls).toEqual([
      ['listRuns', { limit: 5 }],
      ['getStudioInfo', {}]
    ])
  })

  it('delivers only the subscribed event, until unsubscribed', () => {
    const { transport, emit } = fakeTransport()
    const client = createStudioClient(transport)
    const fn = vi.fn()
    const off = client.on('runStatusChanged', fn)

    emit('datasetsChanged', {})
    emit('runStatusChanged', { runId: 1, status: 'running' })
    off()
    emit('runStatusChanged', { runId: 1, status: 'completed' })

    expect(fn.mock.calls).toEqual([[{ runId: 1, status: 'running' }]])
  })

  it('reports its transport kind and connection', () => {
    const client = createStudioClient(fakeTransport().transport)
    expect(client.transportKind).toBe('websocket')
    const states: ConnectionState[] = []
    client.onConnectionChange((s) => states.push(s))
    expect(states).toEqual(['connected'])
  })
})

describe('createStudioClient over IpcTransport', () => {
  function bridge(invoke: StudioBridge['invoke']): StudioBridge {
    return { invoke, on: () => () => {} }
  }

  it('passes the method name and input to window.studio.invoke and unwraps { ok: true }', async () => {
    const invoke = vi.fn(async () => ({ ok: true, output: [] }))
    const client = createStudioClient(new IpcTransport(bridge(invoke)))

    await expect(client.listDatasets({})).resolves.toEqual([])
    expect(invoke).toHaveBeenCalledWith('listDatasets', {})
    expect(client.transportKind).toBe('ipc')
  })

  it('rejects with an ApiError that keeps its code on an { ok: false } envelope', async () => {
    const client = createStudioClient(
      new IpcTransport(
        bridge(async () => ({
          ok: false,
          error: {
            name: 'ApiError',
            code: 'NOT_FOUND',
            message: 'No dataset 9.',
            details: { id: 9 }
          }
        }))
      )
    )
    const error = await client.getDataset({ datasetId: 9 as never }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No dataset 9.', details: { id: 9 } })
  })

  it('keeps the code of ApiError data in a rejected promise', async () => {
    const client = createStudioClient(
      new IpcTransport(
        bridge(async () => {
          throw { name: 'ApiError', code: 'INVALID_INPUT', message: 'limit must be positive' }
        })
      )
    )
    await expect(client.listRuns({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('turns a bridge failure or an unknown answer into INTERNAL without leaking its message', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failing = createStudioClient(
      new IpcTransport(
        bridge(async () => {
          throw new Error("Error invoking remote method 'studio:invoke:listRuns': /home/me/x")
        })
      )
    )
    const error = await failing.listRuns({}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'INTERNAL' })
    expect((error as Error).message).not.toContain('/home/me')

    const odd = createStudioClient(new IpcTransport(bridge(async () => ['not', 'an', 'envelope'])))
    await expect(odd.listRuns({})).rejects.toMatchObject({ code: 'INTERNAL' })

    const badError = createStudioClient(
      new IpcTransport(bridge(async () => ({ ok: false, error: { code: 'NOPE' } })))
    )
    await expect(badError.listRuns({})).rejects.toMatchObject({ code: 'INTERNAL' })
    consoleError.mockRestore()
  })

  it('is always connected and forwards events from the bridge', () => {
    let push: (event: string, payload: unknown) => void = () => {}
    const transport = new IpcTransport({
      invoke: async () => ({ ok: true, output: null }),
      on: (listener) => {
        push = listener
        return () => {}
      }
    })
    const client = createStudioClient(transport)
    const states: ConnectionState[] = []
    client.onConnectionChange((s) => states.push(s))
    const fn = vi.fn()
    client.on('datasetsChanged', fn)
    push('datasetsChanged', {})
    expect(states).toEqual(['connected'])
    expect(fn).toHaveBeenCalledWith({})
  })
})
