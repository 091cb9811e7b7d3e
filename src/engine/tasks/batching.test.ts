import { describe, expect, it } from 'vitest'
import { batchRanges, createEpochSampler, gatherRows, range } from './batching'
import { Random } from './random'

describe('createEpochSampler', () => {
  it('visits every example once per epoch, then reshuffles', () => {
    const draw = createEpochSampler(5)
    const random = new Random(1)
    const firstEpoch = [...draw(3, () => random.next()), ...draw(2, () => random.next())]
    expect([...firstEpoch].sort()).toEqual([0, 1, 2, 3, 4])
    const crossing = [...draw(7, () => random.next())]
    // 5 from the second epoch, then 2 from the third.
    expect([...crossing.slice(0, 5)].sort()).toEqual([0, 1, 2, 3, 4])
    expect(new Set(crossing.slice(5)).size).toBe(2)
  })

  it('draws the same order from the same generator', () => {
    const a = createEpochSampler(10)
    const b = createEpochSampler(10)
    const ra = new Random(9)
    const rb = new Random(9)
    expect([...a(10, () => ra.next())]).toEqual([...b(10, () => rb.next())])
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
