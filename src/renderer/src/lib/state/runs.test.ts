import { describe, expect, it } from 'vitest'
import { fakeClient } from '../testing/fake-client'
import { run } from '../testing/fixtures'
import { RunsState } from './runs.svelte'

describe('RunsState', () => {
  it('asks for the runs and reloads them when a run changes status', async () => {
    let answer = [run(1, { status: 'running', finishedAt: null })]
    const fake = fakeClient({ listRuns: () => answer })
    const state = new RunsState(fake.client)
    state.start()
    await state.load()
    expect(state.items[0].status).toBe('running')

    answer = [run(1, { status: 'completed' })]
    fake.emit('runStatusChanged', { runId: 1, status: 'completed' })
    fake.emit('datasetsChanged', {}) // not this state's business
    await Promise.resolve()
    await Promise.resolve()

    expect(state.items[0].status).toBe('completed')
    expect(fake.calls.map((c) => c.method)).toEqual(['listRuns', 'listRuns'])
    expect(fake.calls[0].input).toEqual({})
  })

  it('reports a failed first load as an error, not as an empty list', async () => {
    const { client } = fakeClient({
      listRuns: () => {
        throw new Error('Lost the connection to the studio before it answered.')
      }
    })
    const state = new RunsState(client)
    await state.load()
    expect(state.loaded).toBe(false)
    expect(state.error).toBe('Lost the connection to the studio before it answered.')
  })
})
