/**
 * Reading and inspecting datasets: bytes from disk → checked UTF-8 text → kind and statistics.
 * Everything here is plain Node; no Electron, no database.
 */
export { DataError, type DataErrorCode } from './errors'
export { decodeText, detectLineEndings, normaliseNewlines } from './decode'
export {
  checkSize,
  DEFAULT_MAX_BYTES,
  readDatasetSource,
  type DatasetFile,
  type DatasetFiles,
  type ReadOptions
} from './read-files'
export { parseCsv, type CsvTable } from './csv'
export { describeColumn, isMissing, parseNumber } from './csv-columns'
export { findDateGaps, parseIsoDate, type DatePrecision, type IsoDate } from './dates'
export { computeCsvStats, evenlySpaced, pickPreviewColumn } from './csv-stats'
export {
  parseClassFolder,
  parseLabelledLines,
  type ClassFile,
  type LabelledExample
} from './labelled'
export { computeLabelledStats } from './labelled-stats'
export { computeTextStats, MIN_TEXT_CHARACTERS } from './text-stats'
export { detectKind } from './detect'
export { inspectDataset, type DatasetInspection } from './inspect'
