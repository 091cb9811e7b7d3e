import type { CsvColumn } from '../../shared/domain/dataset'
import { parseIsoDate } from './dates'

/** Spellings of "no value" found in real exports (R writes NA, pandas NaN, UCI files `?`). */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', '?'])

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** A column is categorical with at most this many distinct values… */
const MAX_CATEGORIES = 50
/** …that also make up less than this share of its filled cells (else it is free text or ids). */
const MAX_CATEGORY_SHARE = 0.5
/** Categories listed in the stats, most frequent first. */
const LISTED_CATEGORIES = 20

/** True for an empty cell or one that spells a missing value (`NA`, `N/A`, `NaN`, `null`, `?`). */
export function isMissing(cell: string): boolean {
  const s = cell.trim()
  // The length test skips lowercasing the many ordinary cells of a large file.
  return s.length <= 4 && MISSING.has(s.toLowerCase())
}

/** The number a cell holds (plain decimal or exponent notation), or null. */
export function parseNumber(cell: string): number | null {
  const s = cell.trim()
  return NUMBER.test(s) ? Number(s) : null
}

/**
 * Types a column from its cells and summarises it. Missing cells are counted and otherwise
 * ignored. The first type that fits every filled cell wins: numeric, date, categorical, text.
 * A column with no filled cell at all is `text`.
 */
export function describeColumn(name: string, cells: string[]): CsvColumn {
  const filled: string[] = []
  const numbers: number[] = []
  let numeric = true
  // One pass and one trim per cell: this runs over every cell of files with 500k+ of them.
  for (const cell of cells) {
    const value = cell.trim()
    if (value.length <= 4 && MISSING.has(value.toLowerCase())) continue
    filled.push(value)
    if (!numeric) continue
    if (NUMBER.test(value)) numbers.push(Number(value))
    else numeric = false
  }
  const missing = cells.length - filled.length
  if (filled.length === 0) return { name, type: 'text', missing }
  if (numeric) return { name, type: 'numeric', missing, ...numericSummary(numbers) }
  if (filled.every((c) => parseIsoDate(c) !== null)) return { name, type: 'date', missing }
  const counts = countValues(filled)
  if (counts.size <= MAX_CATEGORIES && counts.size < filled.length * MAX_CATEGORY_SHARE) {
    return { name, type: 'categorical', missing, categories: topCategories(counts) }
  }
  return { name, type: 'text', missing }
}

function numericSummary(values: number[]): { min: number; max: number; mean: number } {
  // A loop, not Math.min(...values): spreading 40k+ arguments can overflow the stack.
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  return { min, max, mean: sum / values.length }
}

function countValues(values: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return counts
}

/** Most frequent first; ties in code-unit order so the list never depends on row order. */
function topCategories(counts: Map<string, number>): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, LISTED_CATEGORIES)
    .map(([value]) => value)
}
