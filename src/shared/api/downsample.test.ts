import { describe, expect, it } from 'vitest'
import { downsampleSeries, type Point } from './downsample'

const series = (values: (number | null)[]): Point[] =>
  values.map((value, step) => ({ step, value, time: 1000 + step }))
const steps = (points: Point[]): number[] => points.map((p) => p.step)

describe('downsampleSeries', () => {
  it('returns a series that already fits unchanged', () => {
    const points = series([3, 2, 1])
    expect(downsampleSeries(points, 5)).toEqual(points)
  })

  it('keeps first, last, and each bucket’s min and max in step order', () => {
    // 10 points, maxPoints 6 → (6 - 2) / 2 = 2 buckets over the 8 inner points: steps 1–4 and 5–8.
    const points = series([9, 5, 1, 7, 3, 4, 8, 2, 6, 0])
    // bucket 1: values 5,1,7,3 → min step 2 (1), max step 3 (7); bucket 2: 4,8,2,6 → max 6, min 7
    expect(steps(downsampleSeries(points, 6))).toEqual([0, 2, 3, 6, 7, 9])
  })

  it('keeps a single point when a bucket is flat, and never exceeds maxPoints', () => {
    const flat = series(Array.from({ length: 1000 }, () => 1))
    const thin = downsampleSeries(flat, 50)
    expect(thin.length).toBeLessThanOrEqual(50)
    expect(thin[0].step).toBe(0)
    expect(thin[thin.length - 1].step).toBe(999)
    const ramp = downsampleSeries(series(Array.from({ length: 12345 }, (_, i) => Math.sin(i))), 101)
    expect(ramp.length).toBeLessThanOrEqual(101)
    expect(steps(ramp)).toEqual([...steps(ramp)].sort((a, b) => a - b))
  })

  it('keeps a spike and shows a stretch of non-finite values', () => {
    const values: (number | null)[] = Array.from({ length: 100 }, () => 1)
    values[37] = 50
    values.fill(null, 60, 80)
    // 98 inner points; with nulls, (17 - 2) / 3 = 5 buckets: steps 1–19, 20–39, 40–58, 59–78, 79–98.
    // The nulls (60–79) start inside the 4th bucket and spill one step into the 5th.
    const thin = downsampleSeries(series(values), 17)
    expect(thin.length).toBeLessThanOrEqual(17)
    expect(thin.find((p) => p.value === 50)?.step).toBe(37)
    expect(thin.filter((p) => p.value === null).map((p) => p.step)).toEqual([60, 79])
  })

  it('refuses a maxPoints too small to keep first and last', () => {
    expect(() => downsampleSeries(series([1, 2, 3, 4, 5, 6]), 4)).toThrow(RangeError)
  })
})
