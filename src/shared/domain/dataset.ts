import { z } from 'zod'
import { DatasetId } from './ids'

/**
 * What a dataset's files hold, which decides the tasks it can feed:
 * - `text`: one UTF-8 corpus (character or word generation)
 * - `csv`: a table with a header, usually a time series (forecasting)
 * - `labelled`: `text<TAB>label` lines (classification; split on the LAST tab, quotes are not quotes)
 * - `class-folder`: one file per class, one example per line (names by language)
 */
export const DatasetKind = z.enum(['text', 'csv', 'labelled', 'class-folder'])
export type DatasetKind = z.infer<typeof DatasetKind>

/** One character and how often it occurs; used for "rarest characters" in a corpus preview. */
export const CharCount = z.strictObject({ char: z.string(), count: z.number().int().nonnegative() })
export type CharCount = z.infer<typeof CharCount>

export const TextStats = z.strictObject({
  kind: z.literal('text'),
  /** Unicode code points in the corpus (not bytes). */
  characters: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  words: z.number().int().nonnegative(),
  /** Distinct characters: the size of a char-level vocabulary. */
  vocabularySize: z.number().int().nonnegative(),
  /** The least frequent characters, rarest first (at most 10). */
  rarestCharacters: z.array(CharCount),
  /** Line-ending style found; CRLF is normalised on load. */
  lineEndings: z.enum(['lf', 'crlf', 'mixed', 'none'])
})
export type TextStats = z.infer<typeof TextStats>

export const ColumnType = z.enum(['numeric', 'categorical', 'date', 'text'])
export type ColumnType = z.infer<typeof ColumnType>

export const CsvColumn = z.strictObject({
  name: z.string(),
  type: ColumnType,
  /** Cells that are empty or spell a missing value (`NA`, `NaN`, `null`, `?`). */
  missing: z.number().int().nonnegative(),
  /** For numeric columns. */
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  /** For categorical columns: distinct values, most frequent first (at most 20). */
  categories: z.array(z.string()).optional()
})
export type CsvColumn = z.infer<typeof CsvColumn>

export const CsvStats = z.strictObject({
  kind: z.literal('csv'),
  rows: z.number().int().nonnegative(),
  columns: z.array(CsvColumn),
  /** Name of a date column if one was recognised (used for gap detection). */
  dateColumn: z.string().optional(),
  /** Calendar steps absent from a regular date series (e.g. two missing days), at most 20 listed. */
  dateGaps: z.array(z.string()),
  /** Up to 200 evenly spaced values of the first numeric non-date column, for a sparkline. */
  preview: z.array(z.number().nullable())
})
export type CsvStats = z.infer<typeof CsvStats>

export const ClassCount = z.strictObject({
  label: z.string(),
  count: z.number().int().nonnegative()
})
export type ClassCount = z.infer<typeof ClassCount>

export const LabelledStats = z.strictObject({
  kind: z.enum(['labelled', 'class-folder']),
  examples: z.number().int().nonnegative(),
  /** Examples per class, largest first. */
  classes: z.array(ClassCount),
  /** Distinct examples (duplicates inflate accuracy when they cross a split). */
  distinctExamples: z.number().int().nonnegative(),
  /** Length of the longest example, in characters. */
  maxLength: z.number().int().nonnegative(),
  vocabularySize: z.number().int().nonnegative()
})
export type LabelledStats = z.infer<typeof LabelledStats>

export const DatasetStats = z.discriminatedUnion('kind', [TextStats, CsvStats, LabelledStats])
export type DatasetStats = z.infer<typeof DatasetStats>

/** A dataset as the UI and CLI see it. */
export const DatasetSummary = z.strictObject({
  id: DatasetId,
  name: z.string(),
  kind: DatasetKind,
  /** Where the files were read from (a sample in resources/, or the user's file). */
  sourcePath: z.string(),
  /** sha256 over the dataset's files; the same content is not registered twice. */
  contentHash: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  stats: DatasetStats,
  /** True for the datasets shipped with the studio. */
  isSample: z.boolean(),
  /** Attribution / licence line shown with the data (from SOURCE.md for samples). */
  notice: z.string(),
  createdAt: z.string()
})
export type DatasetSummary = z.infer<typeof DatasetSummary>
