/**
 * Shaping metric series for charts, apart from chart.js so it can be tested with hand-checkable
 * numbers: smoothing, thinning for display, log-scale safety. The state keeps every point; only
 * what is drawn is thinned.
 */
import { downsampleSeries } from '../../../../shared/api/downsample'

/** A chart point: `y` null is a gap (NaN, ±Infinity, or ≤ 0 on a log scale). */
export interface XY {
  x: number
  y: number | null
}

/** A metric point as the API sends it (SeriesPoint). */
export interface StepValue {
  step: number
  value: number | null
}

/**
 * Points drawn per series at most: about two per pixel of a wide chart. Beyond it a curve looks
 * the same and chart.js spends its time on points nobody can see.
 */
export const DISPLAY_MAX_POINTS = 2000

/**
 * Exponential moving average as TensorBoard smooths scalars: `s_t = w·s_{t−1} + (1 − w)·v_t`,
 * divided by `1 − w^n` (n values so far) so the start is not pulled toward 0. Gaps (null, NaN)
 * stay gaps and do not enter the average.
 *
 * `emaSmooth([1, 3], 0.5)` → `[1, 2.333…]`: `s = 0.5, 1.75`; `0.5 / 0.5 = 1`, `1.75 / 0.75`.
 * @param weight in `[0, 1)`; 0 returns the values unchanged
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return [...values]
  const w = Math.min(weight, 0.999)
  let s = 0
  let n = 0
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null
    s = w * s + (1 - w) * v
    n++
    return s / (1 - w ** n)
  })
}

/**
 * At most `maxPoints` of `points`, by the same rule as the API's `maxPoints` (first, last, and
 * each bucket's lowest and highest point, so a spike or the best value survives).
 */
export function thinForDisplay<P extends StepValue>(
  points: readonly P[],
  maxPoints: number = DISPLAY_MAX_POINTS
): P[] {
  if (points.length <= maxPoints) return [...points]
  return downsampleSeries(
    points.map((p) => ({ ...p, time: 0 })),
    maxPoints
  ) as unknown as P[]
}

export interface DisplayOptions {
  /** EMA weight in `[0, 1)`; 0 = off. */
  smoothing: number
  /** Values ≤ 0 become gaps: a log axis has no place for them. */
  logScale: boolean
  maxPoints?: number
}

/** What a metric chart draws for one series: the values, and the smoothed line when smoothing. */
export interface DisplaySeries {
  raw: XY[]
  smoothed: XY[] | null
}

/** Smooths the whole series (so thinning never changes the average), then thins both lines. */
export function displaySeries(
  points: readonly StepValue[],
  options: DisplayOptions
): DisplaySeries {
  const max = options.maxPoints ?? DISPLAY_MAX_POINTS
  const toXY = (p: StepValue): XY => ({
    x: p.step,
    y:
      p.value === null || !Number.isFinite(p.value) || (options.logScale && p.value <= 0)
        ? null
        : p.value
  })
  const raw = thinForDisplay(points, max).map(toXY)
  if (!(options.smoothing > 0)) return { raw, smoothed: null }
  const values = emaSmooth(
    points.map((p) => p.value),
    options.smoothing
  )
  const smooth = points.map((p, i) => ({ step: p.step, value: values[i] }))
  return { raw, smoothed: thinForDisplay(smooth, max).map(toXY) }
}

/** The latest finite value of a series, or null. */
export function lastValue(points: readonly StepValue[] | undefined): number | null {
  if (points === undefined) return null
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i].value
    if (v !== null && Number.isFinite(v)) return v
  }
  return null
}

/**
 * `points` with `added` appended, keeping steps increasing: an added point at or before the last
 * step (a batch seen twice around a reload) is dropped. Returns a new array (state is reassigned).
 */
export function appendPoints<P extends StepValue>(points: readonly P[], added: readonly P[]): P[] {
  let last = points.at(-1)?.step ?? -1
  const fresh: P[] = []
  for (const p of added) {
    if (p.step <= last) continue
    fresh.push(p)
    last = p.step
  }
  return fresh.length === 0 ? (points as P[]) : [...points, ...fresh]
}
