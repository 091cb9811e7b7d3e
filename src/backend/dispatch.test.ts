import { describe, expect, it } from 'vitest'
import type { StudioService } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import { dispatchRequest } from './dispatch'

const calls: unknown[] = []
const service = {
  async getStudioInfo() {
    throw new Error('secret /home/user/path exploded')
  },
  async listDatasets() {
    return []
  },
  async getDataset({ datasetId }: { datasetId: number }) {
    throw new ApiError('NOT_FOUND', `There is no dataset with id ${datasetId}.`)
  },
  async listRuns(input: unknown) {
    calls.push(input)
    return [{ id: 'not-a-run' }]
  }
} as unknown as StudioService

describe('dispatchRequest', () => {
  it('runs a valid call and returns its output', async () => {
    expect(await dispatchRequest(service, 'listDatasets', {})).toEqual({ ok: true, output: [] })
  })

  it('refuses unknown and prototype method names without calling anything', async () => {
    for (const method of ['nope', '__proto__', 'constructor', 7]) {
      const reply = await dispatchRequest(service, method, {})
      expect(reply.ok).toBe(false)
      if (!reply.ok) expect(reply.error.code).toBe('UNKNOWN_METHOD')
    }
  })

  it('reports invalid input with the failing field', async () => {
    const reply = await dispatchRequest(service, 'getDataset', { datasetId: -3 })
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_INPUT')
      expect(reply.error.message).toContain('datasetId')
    }
  })

  it('keeps ApiError codes and hides other errors', async () => {
    const notFound = await dispatchRequest(service, 'getDataset', { datasetId: 4 })
    expect(notFound).toEqual({
      ok: false,
      error: { name: 'ApiError', code: 'NOT_FOUND', message: 'There is no dataset with id 4.' }
    })
    const logged: string[] = []
    const internal = await dispatchRequest(service, 'getStudioInfo', {}, (l) => logged.push(l))
    expect(internal.ok).toBe(false)
    if (!internal.ok) {
      expect(internal.error.code).toBe('INTERNAL')
      expect(internal.error.message).not.toContain('/home/user')
    }
    expect(logged.join('\n')).toContain('exploded')
  })

  it('treats an output that breaks the contract as an internal error', async () => {
    const reply = await dispatchRequest(service, 'listRuns', {})
    expect(calls).toEqual([{ limit: 500 }])
    expect(reply.ok).toBe(false)
    if (!reply.ok) expect(reply.error.code).toBe('INTERNAL')
  })
})
