import { DataError } from './errors'

/** A parsed CSV file: trimmed header names and the raw data cells, every row as wide as the header. */
export interface CsvTable {
  header: string[]
  rows: string[][]
}

const COMMA = 44
const QUOTE = 34
const LF = 10
const CR = 13

/** One record and the physical line it starts on (1-based), for error messages. */
interface CsvRecord {
  fields: string[]
  line: number
}

/**
 * Parses RFC 4180 CSV: comma separated, `"quoted, fields"` with `""` for a quote, line breaks
 * inside quotes kept, CRLF/LF/CR record ends, no final newline needed. Blank lines (including
 * trailing ones) are skipped, as spreadsheet exports often end with a few. Header names are trimmed;
 * an empty one becomes `column N`. Cells are returned untrimmed.
 * @param fileName used in error messages only
 * @throws DataError EMPTY, BAD_QUOTE, DUPLICATE_HEADER or RAGGED (naming the first bad line)
 */
export function parseCsv(text: string, fileName = 'The CSV file'): CsvTable {
  const records = readRecords(text, fileName).filter((r) => !isBlank(r.fields))
  const first = records[0]
  if (!first) {
    throw new DataError(
      'EMPTY',
      `${fileName} has no lines: a CSV needs a header line and at least one row of values.`
    )
  }
  const header = first.fields.map((name, i) => name.trim() || `column ${i + 1}`)
  checkUniqueHeader(header, fileName)
  const rows: string[][] = []
  for (const record of records.slice(1)) {
    if (record.fields.length !== header.length) {
      throw new DataError(
        'RAGGED',
        `${fileName} line ${record.line} has ${record.fields.length} fields but the header has ${header.length}: fix that line (a missing or extra comma? a value containing a comma must be in "double quotes").`
      )
    }
    rows.push(record.fields)
  }
  return { header, rows }
}

/** A character scanner rather than a split, so quoted commas and line breaks stay inside fields. */
function readRecords(text: string, fileName: string): CsvRecord[] {
  const records: CsvRecord[] = []
  const n = text.length
  let i = 0
  let line = 1
  let fields: string[] = []
  let recordLine = 1
  while (i <= n) {
    let field: string
    if (text.charCodeAt(i) === QUOTE) {
      const startLine = line
      field = ''
      let from = i + 1
      for (;;) {
        const close = text.indexOf('"', from)
        if (close < 0) {
          throw new DataError(
            'BAD_QUOTE',
            `${fileName} line ${startLine} opens a "quoted value that never closes: add the closing " (a quote inside a quoted value is written "").`
          )
        }
        field += text.slice(from, close)
        if (text.charCodeAt(close + 1) === QUOTE) {
          field += '"'
          from = close + 2
        } else {
          i = close + 1
          break
        }
      }
      line += countLineBreaks(field)
      // Lenient like spreadsheets: text after the closing quote (`"a"b`) is kept, not an error.
      const end = fieldEnd(text, i)
      field += text.slice(i, end)
      i = end
    } else {
      const end = fieldEnd(text, i)
      field = text.slice(i, end)
      i = end
    }
    fields.push(field)
    const c = text.charCodeAt(i)
    if (c === COMMA) {
      i++
      continue
    }
    records.push({ fields, line: recordLine })
    if (i >= n) break
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1
    line++
    recordLine = line
    fields = []
    if (i >= n) break // a final line break ends the last record; it does not start an empty one
  }
  return records
}

/** Index of the comma or line break that ends an unquoted field starting at `from`. */
function fieldEnd(text: string, from: number): number {
  let j = from
  while (j < text.length) {
    const c = text.charCodeAt(j)
    if (c === COMMA || c === LF || c === CR) break
    j++
  }
  return j
}

function countLineBreaks(s: string): number {
  let count = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === LF || (c === CR && s.charCodeAt(i + 1) !== LF)) count++
  }
  return count
}

function isBlank(fields: string[]): boolean {
  return fields.length === 1 && fields[0].trim() === ''
}

function checkUniqueHeader(header: string[], fileName: string): void {
  const seen = new Map<string, number>()
  header.forEach((name, i) => {
    const before = seen.get(name)
    if (before !== undefined) {
      throw new DataError(
        'DUPLICATE_HEADER',
        `${fileName} has two columns named "${name}" (columns ${before + 1} and ${i + 1}): rename one so every column has its own name.`
      )
    }
    seen.set(name, i)
  })
}
