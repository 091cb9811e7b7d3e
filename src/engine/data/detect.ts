import type { DatasetKind } from '../../shared/domain/dataset'
import type { ClassFile } from './labelled'

/** Lines looked at to decide whether a file is a CSV table. */
const CSV_SAMPLE_LINES = 20
/** Lines looked at to decide whether a file is `text<TAB>label`. */
const LABELLED_SAMPLE_LINES = 2000
/** Share of sampled lines that must look like `text<TAB>label`: a few odd lines are reported later. */
const LABELLED_SHARE = 0.9
/** More distinct labels than this is tab-separated text, not classes. */
const MAX_LABELS = 50

const LABELLED_LINE = /.+\t\S+\s*$/

/**
 * Guesses the kind of decoded dataset files, in this order:
 * 1. several files → `class-folder` (one file per class), unless every one of them is
 *    `text<TAB>label` (rule 3), as in the sentiment folder → `labelled`, read as one set;
 * 2. a `.csv` extension → `csv`;
 * 3. at least 90% of non-blank lines like `text<TAB>label` with at most 50 distinct labels →
 *    `labelled` (tested before the CSV content rule: a sentence with one comma would otherwise
 *    pass as a two-column table);
 * 4. a first line with commas, the same number of (unquoted) commas on the next lines, and at
 *    least one column that is numeric on every sampled row → `csv` (prose whose lines each hold one
 *    comma is still text: a table worth forecasting has numbers);
 * 5. anything else → `text`.
 */
export function detectKind(files: ClassFile[]): DatasetKind {
  if (files.length > 1) return files.every(looksLabelled) ? 'labelled' : 'class-folder'
  const file = files[0]
  if (!file) return 'text'
  if (/\.csv$/i.test(file.name)) return 'csv'
  if (looksLabelled(file)) return 'labelled'
  if (looksLikeCsv(nonBlankLines(file.text, CSV_SAMPLE_LINES))) return 'csv'
  return 'text'
}

function nonBlankLines(text: string, limit: number): string[] {
  const lines: string[] = []
  for (const line of text.split('\n', limit * 10)) {
    if (line.trim() !== '') lines.push(line)
    if (lines.length === limit) break
  }
  return lines
}

function looksLabelled(file: ClassFile): boolean {
  const lines = nonBlankLines(file.text, LABELLED_SAMPLE_LINES)
  const matching = lines.filter((l) => LABELLED_LINE.test(l))
  if (lines.length === 0 || matching.length < lines.length * LABELLED_SHARE) return false
  const labels = new Set(matching.map((l) => l.slice(l.lastIndexOf('\t') + 1).trim()))
  return labels.size <= MAX_LABELS
}

function looksLikeCsv(lines: string[]): boolean {
  if (lines.length < 2) return false
  const commas = countUnquotedCommas(lines[0])
  if (commas === 0 || !lines.every((l) => countUnquotedCommas(l) === commas)) return false
  const rows = lines.slice(1).map(splitUnquoted)
  for (let column = 0; column <= commas; column++) {
    if (rows.every((cells) => NUMBER.test(cells[column].trim()))) return true
  }
  return false
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/** Splits on commas outside `"…"`, keeping the quotes: enough to sniff, not to parse. */
function splitUnquoted(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (const ch of line) {
    if (ch === '"') quoted = !quoted
    if (ch === ',' && !quoted) {
      cells.push(cell)
      cell = ''
    } else cell += ch
  }
  cells.push(cell)
  return cells
}

/** Commas outside `"…"`; a rough count for sniffing, the real parse is {@link parseCsv}. */
function countUnquotedCommas(line: string): number {
  let count = 0
  let quoted = false
  for (const ch of line) {
    if (ch === '"') quoted = !quoted
    else if (ch === ',' && !quoted) count++
  }
  return count
}
