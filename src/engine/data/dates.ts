/** How finely an ISO date cell is written; gaps are only looked for when a column uses one. */
export type DatePrecision = 'month' | 'day' | 'time'

/** A parsed ISO date: its precision and a position on a scale where a regular series steps evenly. */
export interface IsoDate {
  precision: DatePrecision
  /** Months since year 0 (`month`), days since 1970 (`day`) or seconds since 1970 (`time`). */
  ordinal: number
}

const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?)?$/

/**
 * A series is called regular when at least this share of its steps has the most common length.
 * Business days (5 of 7 steps are one day) fall below it, so weekends are not reported as gaps.
 */
const REGULAR_SHARE = 0.9

/**
 * Parses `YYYY-MM`, `YYYY-MM-DD` and `YYYY-MM-DD HH:MM[:SS]` (a `T` also separates), rejecting
 * impossible calendar dates such as 2023-02-30. Returns null for anything else.
 */
export function parseIsoDate(cell: string): IsoDate | null {
  const m = ISO_DATE.exec(cell.trim())
  if (!m) return null
  const [year, month] = [Number(m[1]), Number(m[2])]
  if (month < 1 || month > 12) return null
  if (m[3] === undefined) return { precision: 'month', ordinal: year * 12 + month - 1 }
  const day = Number(m[3])
  const hour = m[4] === undefined ? 0 : Number(m[4])
  const minute = m[5] === undefined ? 0 : Number(m[5])
  const second = m[6] === undefined ? 0 : Number(m[6])
  if (hour > 23 || minute > 59 || second > 59) return null
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  const check = new Date(0)
  check.setUTCFullYear(year, month - 1, day)
  check.setUTCHours(hour, minute, second, 0)
  // 2023-02-30 rolls over into March; a changed month or day means the date does not exist.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null
  const ms = check.getTime()
  if (m[4] === undefined) return { precision: 'day', ordinal: ms / 86_400_000 }
  return { precision: 'time', ordinal: ms / 1000 }
}

/**
 * Calendar steps absent from a regular, ascending date series, e.g. two missing days in a daily
 * series, written like the column (`YYYY-MM`, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]`). The step
 * is the most common distance between neighbours. Nothing is reported for series that are mixed
 * in precision, unsorted, repeat dates (several series stacked) or irregular (e.g. business days).
 * @param cells date cells, missing ones already removed
 */
export function findDateGaps(cells: string[], limit = 20): string[] {
  const dates = cells.map(parseIsoDate)
  const first = dates[0]
  if (!first || dates.some((d) => d === null || d.precision !== first.precision)) return []
  const ordinals = dates.map((d) => (d as IsoDate).ordinal)
  const steps: number[] = []
  for (let i = 1; i < ordinals.length; i++) steps.push(ordinals[i] - ordinals[i - 1])
  if (steps.length === 0 || steps.some((s) => s <= 0)) return []
  const step = mostCommon(steps)
  if (steps.filter((s) => s === step).length < steps.length * REGULAR_SHARE) return []
  const gaps: string[] = []
  for (let i = 0; i < steps.length && gaps.length < limit; i++) {
    if (steps[i] === step || steps[i] % step !== 0) continue
    for (let k = 1; k < steps[i] / step && gaps.length < limit; k++) {
      gaps.push(formatOrdinal(ordinals[i] + k * step, first.precision, step))
    }
  }
  return gaps
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  let best = values[0]
  for (const [v, c] of counts) if (c > (counts.get(best) ?? 0)) best = v
  return best
}

function formatOrdinal(ordinal: number, precision: DatePrecision, step: number): string {
  if (precision === 'month') {
    return `${pad(Math.floor(ordinal / 12), 4)}-${pad((ordinal % 12) + 1, 2)}`
  }
  const iso = new Date(precision === 'day' ? ordinal * 86_400_000 : ordinal * 1000).toISOString()
  if (precision === 'day') return iso.slice(0, 10)
  // Seconds are shown only when the series steps by them.
  return `${iso.slice(0, 10)} ${iso.slice(11, step % 60 === 0 ? 16 : 19)}`
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}
