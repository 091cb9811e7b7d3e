import { describe, expect, it } from 'vitest'
import { fakeClient } from '../testing/fake-client'
import { ConnectionState } from './connection.svelte'

describe('ConnectionState', () => {
  it('labels each state, telling a first connect from a reconnect', () => {
    const fake = fakeClient({}, { kind: 'websocket', connection: 'connecting' })
    const state = new ConnectionState(fake.client)
    const stop = state.start()

    expect(state.label).toBe('Connecting…')
    fake.setConnection('connected')
    expect(state.label).toBe('Connected (browser mode)')
    fake.setConnection('connecting')
    expect(state.label).toBe('Reconnecting…')
    fake.setConnection('disconnected')
    expect(state.label).toBe('Disconnected')
    expect(state.status).toBe('disconnected')

    stop()
    fake.setConnection('connected')
    expect(state.status).toBe('disconnected')
  })

  it('names the desktop transport', () => {
    const state = new ConnectionState(fakeClient({}, { kind: 'ipc' }).client)
    state.start()
    expect(state.kind).toBe('ipc')
    expect(state.label).toBe('Connected (desktop)')
  })

  it('has a problem to tell only while disconnected, worded for a first connect or a drop', () => {
    const fake = fakeClient({}, { connection: 'connecting' })
    const state = new ConnectionState(fake.client)
    state.start()
    expect(state.problem).toBeNull()
    fake.setConnection('disconnected')
    expect(state.problem).toMatch(/^Cannot reach the studio\./)
    fake.setConnection('connected')
    expect(state.problem).toBeNull()
    fake.setConnection('disconnected')
    expect(state.problem).toMatch(/^Lost the connection/)
  })
})
