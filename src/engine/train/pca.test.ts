import { describe, expect, it } from 'vitest'
import { pca2 } from './pca'

describe('pca2', () => {
  it('finds the axes of a cross: variances 8 and 2 of 10', () => {
    // (±2, 0) and (0, ±1): mean 0, Σx² = 8 along x, 2 along y
    const result = pca2([2, 0, -2, 0, 0, 1, 0, -1], 4, 2)
    expect(result.explainedVariance[0]).toBeCloseTo(0.8, 9)
    expect(result.explainedVariance[1]).toBeCloseTo(0.2, 9)
    const expected = [
      [2, 0],
      [-2, 0],
      [0, 1],
      [0, -1]
    ]
    result.points.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(expected[i][0], 9)
      expect(Math.abs(p[1])).toBeCloseTo(Math.abs(expected[i][1]), 9)
    })
  })

  it('puts collinear points on the first axis only, centred', () => {
    // (1, 2), (2, 4), (3, 6): mean (2, 4); offsets ±(1, 2) → ±√5 on axis 1
    const result = pca2([1, 2, 2, 4, 3, 6], 3, 2)
    expect(result.explainedVariance[0]).toBeCloseTo(1, 9)
    expect(result.explainedVariance[1]).toBeCloseTo(0, 9)
    expect(result.points.map((p) => p[0])).toEqual([
      expect.closeTo(-Math.sqrt(5), 9),
      expect.closeTo(0, 9),
      expect.closeTo(Math.sqrt(5), 9)
    ])
  })

  it('returns zeros for identical points', () => {
    const result = pca2([1, 1, 1, 1], 2, 2)
    expect(result.explainedVariance).toEqual([0, 0])
    expect(result.points).toEqual([
      [0, 0],
      [0, 0]
    ])
  })
})
