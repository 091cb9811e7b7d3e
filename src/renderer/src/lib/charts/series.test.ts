import { describe, expect, it } from 'vitest'
import { appendPoints, displaySeries, emaSmooth, lastValue, thinForDisplay } from './series'

const pts = (values: (number | null)[]) => values.map((value, step) => ({ step, value }))

describe('emaSmooth', () => {
  it('averages with TensorBoard’s debiasing, by hand: [1, 3] at 0.5 → [1, 7/3]', () => {
    const [a, b] = emaSmooth([1, 3], 0.5) as number[]
    expect(a).toBe(1)
    expect(b).toBeCloseTo(1.75 / 0.75, 12)
  })

  it('leaves values alone at 0 and keeps a constant series constant', () => {
    expect(emaSmooth([4, 2, 9], 0)).toEqual([4, 2, 9])
    expect(emaSmooth([2, 2, 2, 2], 0.9).map((v) => v!.toFixed(12))).toEqual(
      Array(4).fill('2.000000000000')
    )
  })

  it('keeps gaps as gaps and skips them in the average', () => {
    const out = emaSmooth([1, null, 3], 0.5)
    expect(out[1]).toBeNull()
    expect(out[2]).toBeCloseTo(1.75 / 0.75, 12)
  })
})

describe('thinForDisplay', () => {
  it('returns a short series whole', () => {
    expect(thinForDisplay(pts([3, 1, 2]), 5)).toEqual(pts([3, 1, 2]))
  })

  it('keeps the ends and each bucket’s extremes: 12 points into 6', () => {
    // Inner points 1..10 in two buckets of five, [1..5] and [6..10]: lows at 1 and 8 (-4), highs
    // at 3 (9) and 7 (the first 2).
    const values = [0, 1, 2, 9, 1, 2, 1, 2, -4, 2, 1, 5]
    const thinned = thinForDisplay(pts(values), 6)
    expect(thinned.map((p) => p.step)).toEqual([0, 1, 3, 7, 8, 11])
    expect(thinned.map((p) => p.value)).toContain(9)
    expect(thinned.map((p) => p.value)).toContain(-4)
  })

  it('thins a long curve to the limit while the state keeps every point', () => {
    const long = pts(Array.from({ length: 10_000 }, (_, i) => 1 / (i + 1)))
    const shown = thinForDisplay(long, 2000)
    expect(shown.length).toBeLessThanOrEqual(2000)
    expect(shown[0].step).toBe(0)
    expect(shown.at(-1)!.step).toBe(9999)
    expect(long).toHaveLength(10_000)
  })
})

describe('displaySeries', () => {
  it('drops values a log axis cannot show, and non-finite values', () => {
    const { raw, smoothed } = displaySeries(pts([2, 0, -1, null, 4]), {
      smoothing: 0,
      logScale: true
    })
    expect(raw.map((p) => p.y)).toEqual([2, null, null, null, 4])
    expect(smoothed).toBeNull()
  })

  it('smooths the whole series before thinning', () => {
    const { raw, smoothed } = displaySeries(pts([1, 3]), { smoothing: 0.5, logScale: false })
    expect(raw).toEqual([
      { x: 0, y: 1 },
      { x: 1, y: 3 }
    ])
    expect(smoothed![1].y).toBeCloseTo(7 / 3, 12)
  })
})

describe('appendPoints and lastValue', () => {
  it('appends only steps after the last, returning a new array', () => {
    const a = pts([1, 2])
    const b = appendPoints(a, [
      { step: 1, value: 9 },
      { step: 2, value: 3 }
    ])
    expect(b).not.toBe(a)
    expect(b.map((p) => p.value)).toEqual([1, 2, 3])
    expect(appendPoints(b, [{ step: 0, value: 5 }])).toBe(b)
  })

  it('reads the latest finite value', () => {
    expect(lastValue(pts([1, 2, null]))).toBe(2)
    expect(lastValue(undefined)).toBeNull()
  })
})
