import { describe, expect, it } from 'vitest'
import { API_METHOD_NAMES, EVENT_NAME_LIST } from './channels'
import { API_METHODS, EVENT_NAMES, isStudioMethod, studioApi } from './contract'

describe('API contract', () => {
  it('keeps the preload constants equal to the contract', () => {
    expect([...API_METHOD_NAMES].sort()).toEqual([...API_METHODS].sort())
    expect([...EVENT_NAME_LIST].sort()).toEqual([...EVENT_NAMES].sort())
  })

  it('knows only its own method names', () => {
    expect(isStudioMethod('listRuns')).toBe(true)
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null]) {
      expect(isStudioMethod(name)).toBe(false)
    }
  })

  it('rejects extra fields and wrong types', () => {
    expect(studioApi.listDatasets.input.safeParse({ extra: 1 }).success).toBe(false)
    expect(studioApi.getDataset.input.safeParse({ datasetId: 0 }).success).toBe(false)
    expect(studioApi.getDataset.input.safeParse({ datasetId: '1' }).success).toBe(false)
    expect(studioApi.getDataset.input.safeParse({ datasetId: 1.5 }).success).toBe(false)
    expect(studioApi.listRuns.input.safeParse({ status: ['exploded'] }).success).toBe(false)
    expect(studioApi.listRuns.input.safeParse({ limit: 1e9 }).success).toBe(false)
  })

  it('applies defaults when parsing', () => {
    expect(studioApi.listRuns.input.parse({})).toEqual({ limit: 500 })
  })
})
