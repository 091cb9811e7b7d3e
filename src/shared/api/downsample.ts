/**
 * Thinning a metric series for display. A chart a few hundred pixels wide gains nothing from
 * 100 000 points, but averaging would hide what a user looks for in a loss curve (a spike, the
 * lowest validation loss), so each bucket keeps its extremes instead.
 *
 * Shared: the backend thins `listMetrics` replies with it (`maxPoints`), and the renderer thins
 * the same series again once live points have grown them, so both give the same picture.
 */

/** A point of a series; `value` null stands for NaN/±Infinity (see shared/api/runs.ts). */
export interface Point {
  step: number
  value: number | null
  time: number
}

/**
 * At most `maxPoints` of `points` (sorted by step): the first and the last, and between them, per
 * bucket of equal point count, the point with the lowest and the one with the highest value, in
 * step order. A bucket holding non-finite values (null) also keeps the first of them, so a
 * diverged stretch still shows; such series get a third fewer buckets to stay within `maxPoints`.
 * A series that already fits is returned as it is.
 *
 * @param maxPoints at least 5 (first, last, and one bucket's min, max and first null)
 */
export function downsampleSeries<P extends Point>(points: readonly P[], maxPoints: number): P[] {
  if (maxPoints < 5) throw new RangeError('maxPoints must be at least 5')
  if (points.length <= maxPoints) return [...points]
  const inner = points.length - 2
  const perBucket = points.some((p) => p.value === null) ? 3 : 2
  const buckets = Math.floor((maxPoints - 2) / perBucket)
  const kept: P[] = [points[0]]
  for (let b = 0; b < buckets; b++) {
    // Bucket b covers inner points [start, end): equal counts, the remainder spread evenly.
    const start = 1 + Math.floor((b * inner) / buckets)
    const end = 1 + Math.floor(((b + 1) * inner) / buckets)
    let min = -1
    let max = -1
    let firstNull = -1
    for (let i = start; i < end; i++) {
      const value = points[i].value
      if (value === null) {
        if (firstNull < 0) firstNull = i
        continue
      }
      if (min < 0 || value < (points[min].value as number)) min = i
      if (max < 0 || value > (points[max].value as number)) max = i
    }
    const chosen = new Set([min, max, firstNull].filter((i) => i >= 0))
    kept.push(...[...chosen].sort((a, b) => a - b).map((i) => points[i]))
  }
  kept.push(points[points.length - 1])
  return kept
}
