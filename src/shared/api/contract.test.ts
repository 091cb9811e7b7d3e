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

  it('bounds the inference inputs', () => {
    const runId = 1
    expect(studioApi.sampleText.input.parse({ runId })).toEqual({
      runId,
      prime: '',
      length: 200,
      temperature: 0.8,
      topK: 0
    })
    expect(studioApi.sampleText.input.safeParse({ runId, length: 2001 }).success).toBe(false)
    expect(studioApi.sampleText.input.safeParse({ runId, topK: 1.5 }).success).toBe(false)
    const row = Array.from({ length: 513 }, () => 0)
    expect(studioApi.predict.input.safeParse({ runId, input: [row] }).success).toBe(false)
    expect(studioApi.predict.input.safeParse({ runId, input: [[]] }).success).toBe(false)
    expect(studioApi.predict.input.safeParse({ runId, input: 'x'.repeat(10_001) }).success).toBe(
      false
    )
    expect(studioApi.predict.input.safeParse({ runId, input: [[1, 2]] }).success).toBe(true)
  })

  it('applies defaults when parsing', () => {
    expect(studioApi.listRuns.input.parse({})).toEqual({ limit: 500 })
  })
})
