/**
 * A StudioClient over an in-memory transport, for state and app tests: answers come from
 * `handlers`, events and connection changes are pushed by the test. Test-only.
 */
import type { StudioMethod, StudioOutput } from '../../../../shared/api/contract'
import { createStudioClient, type StudioClient } from '../api/client'
import type { ConnectionState, TransportKind } from '../api/transport'

export type FakeHandlers = {
  [M in StudioMethod]?: (input: unknown) => StudioOutput<M> | Promise<StudioOutput<M>>
}

export interface FakeClient {
  client: StudioClient
  /** Every call made, in order. */
  calls: { method: StudioMethod; input: unknown }[]
  emit(event: string, payload: unknown): void
  setConnection(state: ConnectionState): void
}

export function fakeClient(
  handlers: FakeHandlers,
  options: { kind?: TransportKind; connection?: ConnectionState } = {}
): FakeClient {
  const calls: FakeClient['calls'] = []
  const listeners = new Set<(event: string, payload: unknown) => void>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  let connection = options.connection ?? 'connected'

  const client = createStudioClient({
    kind: options.kind ?? 'websocket',
    async invoke(method, input) {
      calls.push({ method, input })
      const handler = handlers[method] as ((input: unknown) => unknown) | undefined
      if (handler === undefined) throw new Error(`fakeClient: no handler for ${method}`)
      return handler(input)
    },
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onConnectionChange(fn) {
      fn(connection)
      connectionListeners.add(fn)
      return () => connectionListeners.delete(fn)
    }
  })

  return {
    client,
    calls,
    emit: (event, payload) => listeners.forEach((l) => l(event, payload)),
    setConnection(state) {
      connection = state
      connectionListeners.forEach((fn) => fn(state))
    }
  }
}

/** A promise with its resolve/reject handles, to control when a fake answer arrives. */
export function deferred<T>(): {
  promise: Promise<T>
  resolve: (v: T) => void
  reject: (e: unknown) => void
} {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
