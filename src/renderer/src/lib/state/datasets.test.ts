import { describe, expect, it } from 'vitest'
import type { DatasetSummary } from '../../../../shared/domain/dataset'
import { ApiError } from '../../../../shared/api/errors'
import { deferred, fakeClient } from '../testing/fake-client'
import { csvDataset, textDataset } from '../testing/fixtures'
import { DatasetsState } from './datasets.svelte'

describe('DatasetsState', () => {
  it('starts not loaded, then holds the list', async () => {
    const { client } = fakeClient({ listDatasets: () => [textDataset()] })
    const state = new DatasetsState(client)
    expect(state.loaded).toBe(false)

    const loading = state.load()
    expect(state.loading).toBe(true)
    await loading

    expect(state.loading).toBe(false)
    expect(state.loaded).toBe(true)
    expect(state.items.map((d) => d.name)).toEqual(['tiny-shakespeare'])
  })

  it('reloads on datasetsChanged until stopped', async () => {
    let answer = [textDataset()]
    const fake = fakeClient({ listDatasets: () => answer })
    const state = new DatasetsState(fake.client)
    const stop = state.start()
    await state.load()

    answer = [textDataset(), csvDataset()]
    fake.emit('datasetsChanged', {})
    await Promise.resolve()
    await Promise.resolve()
    expect(state.items).toHaveLength(2)

    stop()
    fake.emit('datasetsChanged', {})
    expect(fake.calls).toHaveLength(2)
  })

  it('keeps the last list and shows the message when a reload fails; a success clears it', async () => {
    let fail = false
    const { client } = fakeClient({
      listDatasets: () => {
        if (fail) throw new ApiError('INTERNAL', 'Database is locked.')
        return [textDataset()]
      }
    })
    const state = new DatasetsState(client)
    await state.load()
    fail = true
    await state.load()

    expect(state.error).toBe('Database is locked.')
    expect(state.items).toHaveLength(1)
    expect(state.loaded).toBe(true)

    fail = false
    await state.load()
    expect(state.error).toBeNull()
  })

  it('ignores an older answer that arrives after a newer one', async () => {
    const slow = deferred<DatasetSummary[]>()
    const answers = [slow.promise, Promise.resolve([csvDataset()])]
    const { client } = fakeClient({ listDatasets: () => answers.shift()! })
    const state = new DatasetsState(client)

    const first = state.load()
    await state.load()
    slow.resolve([textDataset()])
    await first

    expect(state.items.map((d) => d.name)).toEqual(['airline-passengers'])
    expect(state.loading).toBe(false)
  })
})
