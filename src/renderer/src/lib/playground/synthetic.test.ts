import { describe, expect, it } from 'vitest'
import { syntheticExample } from './synthetic'

/** A scripted uniform source: returns the values in turn. */
function script(...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]
}

describe('syntheticExample', () => {
  it('marks one step in each half for the adding problem and sums them', () => {
    // T = 4: values 0.1, 0.2, 0.3, 0.4; first mark floor(0.5·2) = 1, second 2 + floor(0.9·2) = 3.
    const example = syntheticExample('adding', 4, null, script(0.1, 0.2, 0.3, 0.4, 0.5, 0.9))
    expect(example.rows).toEqual([
      [0.1, 0],
      [0.2, 1],
      [0.3, 0],
      [0.4, 1]
    ])
    expect(example.marked).toEqual([1, 3])
    expect(example.answer).toBeCloseTo(0.6, 12)
  })

  it('asks copy-first for its first value, in (−1, 1)', () => {
    const example = syntheticExample('copy-first', 3, null, script(0.75, 0, 0.5))
    expect(example.values).toEqual([0.5, -1, 0])
    expect(example.answer).toBe(0.5)
  })

  it('feeds sequence-sum scaled and answers the plain sum: a = 10, T = 3 → 33', () => {
    const example = syntheticExample('sequence-sum', 3, 0.01, script(0.1))
    expect(example.values).toEqual([10, 11, 12])
    expect(example.rows).toEqual([[0.1], [0.11], [0.12]])
    expect(example.answer).toBe(33)
  })
})
