import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Prediction } from '../../../../shared/api/inference'
import type { RunId } from '../../../../shared/domain/ids'
import { deferred, fakeClient } from '../testing/fake-client'
import { LivePrediction } from './live-prediction.svelte'

const answer = (name: string): Prediction => ({
  type: 'class',
  classes: [{ name, probability: 1 }]
})

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('LivePrediction', () => {
  it('asks once the typing pauses, for the last input only', async () => {
    const fake = fakeClient({ predict: (input) => answer((input as { input: string }).input) })
    const live = new LivePrediction(fake.client, 3 as RunId, 150)
    live.update('O')
    live.update('O’')
    live.update('O’Brien')
    expect(live.pending).toBe(true)
    await vi.advanceTimersByTimeAsync(150)
    expect(fake.calls).toEqual([{ method: 'predict', input: { runId: 3, input: 'O’Brien' } }])
    expect(live.prediction).toEqual(answer('O’Brien'))
    expect(live.pending).toBe(false)
  })

  it('drops an answer that arrives after a newer question', async () => {
    const slow = deferred<Prediction>()
    const answers = [slow.promise, Promise.resolve(answer('new'))]
    const fake = fakeClient({ predict: () => answers.shift()! })
    const live = new LivePrediction(fake.client, 3 as RunId, 10)
    live.update('old')
    await vi.advanceTimersByTimeAsync(10)
    live.update('new')
    await vi.advanceTimersByTimeAsync(10)
    slow.resolve(answer('old'))
    await vi.advanceTimersByTimeAsync(0)
    expect(live.prediction).toEqual(answer('new'))
  })

  it('clears the answer for an empty input without asking', async () => {
    const fake = fakeClient({ predict: () => answer('x') })
    const live = new LivePrediction(fake.client, 3 as RunId, 10)
    live.update('   ')
    await vi.advanceTimersByTimeAsync(20)
    expect(fake.calls).toEqual([])
    expect(live.prediction).toBeNull()
  })
})
