/**
 * Why a dataset was refused. Callers branch on `code`; `message` is shown to the user as is, so it
 * always says what is wrong AND how to fix it.
 * - EMPTY: a file (or folder) holds no data
 * - BINARY: not a text file (an image, an archive, a PDF…)
 * - ENCODING: text, but not UTF-8 (UTF-16, Latin-1/Windows-1252)
 * - TOO_LARGE: over the size limit; refused before anything is read into memory
 * - TOO_SHORT: too little text for a network to learn sequences from
 * - NO_NUMERIC_COLUMNS: a CSV with nothing to forecast
 * - RAGGED: a CSV row with a different number of fields than the header
 * - BAD_QUOTE: a CSV quoted field that never closes
 * - DUPLICATE_HEADER: two CSV columns with the same name
 * - BAD_LINE: a `text<TAB>label` line without a tab, a label or a text
 * - ONE_CLASS: classification data with fewer than two classes
 * - EMPTY_CLASS: a class file without examples
 * - NOT_FOUND: the path does not exist
 * - UNRECOGNISED: the files do not fit the requested or detected kind
 */
export type DataErrorCode =
  | 'EMPTY'
  | 'BINARY'
  | 'ENCODING'
  | 'TOO_LARGE'
  | 'TOO_SHORT'
  | 'NO_NUMERIC_COLUMNS'
  | 'RAGGED'
  | 'BAD_QUOTE'
  | 'DUPLICATE_HEADER'
  | 'BAD_LINE'
  | 'ONE_CLASS'
  | 'EMPTY_CLASS'
  | 'NOT_FOUND'
  | 'UNRECOGNISED'

/** A dataset the engine cannot use, with a message a user can act on. */
export class DataError extends Error {
  override readonly name = 'DataError'
  constructor(
    readonly code: DataErrorCode,
    message: string
  ) {
    super(message)
  }
}
