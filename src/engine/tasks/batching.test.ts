import { describe, expect, it } from 'vitest'
import { batchRanges, createEpochSampler, gatherRows, range } from './batching'

describe('createEpochSampler', () => {
  it('visits every example once per epoch, then reshuffles', () => {
    const draw = createEpochSampler(5, 1)
    const firstEpoch = [...draw(3, 0), ...draw(2, 3)]
    expect([...firstEpoch].sort()).toEqual([0, 1, 2, 3, 4])
    const crossing = [...draw(7, 5)]
    // 5 from the second epoch, then 2 from the third.
    expect([...crossing.slice(0, 5)].sort()).toEqual([0, 1, 2, 3, 4])
    expect(crossing.slice(0, 5)).not.toEqual(firstEpoch)
    expect(new Set(crossing.slice(5)).size).toBe(2)
  })

  it('draws by stream position alone, so a resumed run continues the same order', () => {
    const straight = createEpochSampler(10, 9)
    const batches = [0, 4, 8, 12, 16].map((position) => [...straight(4, position)])
    const resumed = createEpochSampler(10, 9) // a fresh sampler, as after a restart
    expect([...resumed(4, 12)]).toEqual(batches[3])
    expect([...resumed(4, 16)]).toEqual(batches[4])
    expect([...createEpochSampler(10, 10)(4, 0)]).not.toEqual(batches[0])
  })
})

describe('batch helpers', () => {
  it('cuts ranges with a short last batch', () => {
    expect(batchRanges(5, 2)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5]
    ])
    expect(batchRanges(0, 2)).toEqual([])
  })

  it('gathers rows of a flat array, keeping its type', () => {
    const rows = Float32Array.from([0, 1, 10, 11, 20, 21])
    const out = gatherRows(rows, 2, [2, 0])
    expect(out).toBeInstanceOf(Float32Array)
    expect([...out]).toEqual([20, 21, 0, 1])
    expect([...range(3, 6)]).toEqual([3, 4, 5])
  })
})
