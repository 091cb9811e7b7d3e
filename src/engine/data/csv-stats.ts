import type { CsvColumn, CsvStats } from '../../shared/domain/dataset'
import type { CsvTable } from './csv'
import { describeColumn, isMissing, parseNumber } from './csv-columns'
import { findDateGaps } from './dates'
import { DataError } from './errors'

/** Points in the sparkline preview. */
const PREVIEW_POINTS = 200
/** Gaps listed in the stats; a long gap list says "irregular" as well as twenty do. */
const LISTED_GAPS = 20

/** Numeric columns that split a timestamp (beijing-pm25's year, month, day, hour). */
const DATE_PART = /^(year|yr|month|mon|day|dom|hour|hr|minute|min|second|sec)$/i

/**
 * Statistics of a parsed CSV: column types and summaries, the first date column and its gaps,
 * and a preview of the series to forecast.
 * @throws DataError EMPTY (a header but no rows) or NO_NUMERIC_COLUMNS
 */
export function computeCsvStats(table: CsvTable, fileName = 'The CSV file'): CsvStats {
  if (table.rows.length === 0) {
    throw new DataError(
      'EMPTY',
      `${fileName} has a header but no rows: add the data rows below the header line.`
    )
  }
  const cellsOf = (j: number): string[] => table.rows.map((row) => row[j])
  const columns = table.header.map((name, j) => describeColumn(name, cellsOf(j)))
  if (!columns.some((c) => c.type === 'numeric')) {
    throw new DataError(
      'NO_NUMERIC_COLUMNS',
      `${fileName} has no numeric column (columns: ${columns.map((c) => `${c.name} = ${c.type}`).join(', ')}): forecasting needs at least one column of numbers; check the decimal separator is "." and the delimiter is ",".`
    )
  }
  const stats: CsvStats = {
    kind: 'csv',
    rows: table.rows.length,
    columns,
    dateGaps: [],
    preview: []
  }
  const dateIndex = columns.findIndex((c) => c.type === 'date')
  if (dateIndex >= 0) {
    stats.dateColumn = columns[dateIndex].name
    const filled = cellsOf(dateIndex).filter((c) => !isMissing(c))
    stats.dateGaps = findDateGaps(filled, LISTED_GAPS)
  }
  const previewIndex = pickPreviewColumn(columns, cellsOf)
  stats.preview = evenlySpaced(cellsOf(previewIndex), PREVIEW_POINTS).map((c) =>
    isMissing(c) ? null : parseNumber(c)
  )
  return stats
}

/**
 * The first numeric column worth drawing: a row counter (1, 2, 3…) or a piece of a split
 * timestamp is a straight line or a saw-tooth, so those are passed over while a better one exists.
 * Forecasting uses it as the default target, so the default is the series the preview showed.
 * @returns a column index, or -1 without numeric columns
 */
export function pickPreviewColumn(columns: CsvColumn[], cellsOf: (j: number) => string[]): number {
  const numeric = columns.flatMap((c, j) => (c.type === 'numeric' ? [j] : []))
  const interesting = numeric.find(
    (j) => !DATE_PART.test(columns[j].name) && !isRowCounter(cellsOf(j))
  )
  return interesting ?? numeric[0] ?? -1
}

function isRowCounter(cells: string[]): boolean {
  let previous: number | null = null
  for (const cell of cells) {
    const v = parseNumber(cell)
    if (v === null || !Number.isInteger(v) || (previous !== null && v !== previous + 1))
      return false
    previous = v
  }
  return cells.length > 1
}

/** All items when there are few, else `count` items from first to last at even spacing. */
export function evenlySpaced<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items.slice()
  return Array.from(
    { length: count },
    (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]
  )
}
