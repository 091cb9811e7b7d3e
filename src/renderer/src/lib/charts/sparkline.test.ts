import { describe, expect, it } from 'vitest'
import { sparklinePath } from './sparkline'

describe('sparklinePath', () => {
  it('maps min to the bottom and max to the top across the width', () => {
    // x step = 100 / 2 = 50; y: 0 → 10 (bottom), 5 → 5, 10 → 0 (top)
    expect(sparklinePath([0, 5, 10], 100, 10)).toBe('M0 10 L50 5 L100 0')
  })

  it('breaks the line at nulls', () => {
    // x step = 25; two runs: [0, 1] and [3, 4]
    expect(sparklinePath([0, 10, null, 0, 10], 100, 10)).toBe('M0 10 L25 0 M75 10 L100 0')
  })

  it('draws a lone value between gaps as a dot', () => {
    expect(sparklinePath([null, 5, null, 0, 10], 100, 10)).toBe('M25 5 h0 M75 10 L100 0')
  })

  it('draws a flat series along the middle', () => {
    expect(sparklinePath([3, 3], 10, 8)).toBe('M0 4 L10 4')
  })

  it('is empty when there is nothing to draw', () => {
    expect(sparklinePath([], 100, 10)).toBe('')
    expect(sparklinePath([null, null], 100, 10)).toBe('')
  })
})
