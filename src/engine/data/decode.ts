import { DataError } from './errors'

/** Binary sniffing looks at this many leading bytes; enough to see through any header. */
const SNIFF_BYTES = 64 * 1024

/**
 * Above this share of control bytes (other than tab, newlines, form feed and escape) the file is
 * treated as binary: real text, Latin-1 included, has almost none, random bytes have ~11%.
 */
const MAX_CONTROL_SHARE = 0.01

/** Leading bytes of common non-text files people pick by mistake, with what to tell them. */
const MAGIC_NUMBERS: { what: string; bytes: number[] }[] = [
  { what: 'a PNG image', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { what: 'a ZIP archive (or a .docx/.xlsx, which are ZIPs)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { what: 'an empty ZIP archive', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { what: 'a PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { what: 'a GZIP archive', bytes: [0x1f, 0x8b] },
  { what: 'a JPEG image', bytes: [0xff, 0xd8, 0xff] }
]

const UTF8_BOM = [0xef, 0xbb, 0xbf]

/**
 * Decodes a dataset file as strict UTF-8, refusing what would silently turn into garbage
 * characters: empty files, binary files, UTF-16 and Latin-1/Windows-1252 text.
 * A UTF-8 BOM is stripped. Line endings are left as they are (see {@link normaliseNewlines}),
 * because the CSV parser and the line-ending statistics need to see them.
 * @param fileName used in error messages only
 * @throws DataError EMPTY, BINARY or ENCODING
 */
export function decodeText(bytes: Uint8Array, fileName: string): string {
  if (bytes.length === 0) throw emptyError(fileName)
  const magic = MAGIC_NUMBERS.find((m) => startsWith(bytes, m.bytes))
  if (magic) {
    throw new DataError(
      'BINARY',
      `${fileName} is ${magic.what}, not text: export the data as a UTF-8 .txt or .csv file and import that instead.`
    )
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw utf16Error(fileName, 'it starts with a UTF-16 byte-order mark')
  }
  const sample = bytes.subarray(0, SNIFF_BYTES)
  const nul = countNulByParity(sample)
  if (nul.even + nul.odd > 0) {
    if (looksLikeUtf16(nul, sample.length)) throw utf16Error(fileName, 'every other byte is zero')
    throw new DataError(
      'BINARY',
      `${fileName} contains NUL bytes, so it is a binary file, not text: export the data as a UTF-8 .txt or .csv file and import that instead.`
    )
  }
  if (countControlBytes(sample) > sample.length * MAX_CONTROL_SHARE) {
    throw new DataError(
      'BINARY',
      `${fileName} is full of control bytes, so it is a binary file, not text: export the data as a UTF-8 .txt or .csv file and import that instead.`
    )
  }
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes
  if (body.length === 0) throw emptyError(fileName)
  try {
    // ignoreBOM: the BOM is already gone; a second one would be content and should stay visible.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body)
  } catch {
    throw latin1Error(fileName, body)
  }
}

/** Turns CRLF and lone CR line endings into LF; U+0085 and U+2028 are left alone on purpose. */
export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

/**
 * The line-ending style of undecoded text: `none` without any line break, `mixed` when LF and CRLF
 * both occur. Old-Mac lone CR endings also count as `mixed`, as the stats have no value for them.
 */
export function detectLineEndings(text: string): 'lf' | 'crlf' | 'mixed' | 'none' {
  let lf = 0
  let crlf = 0
  let cr = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) lf++
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++
        i++
      } else cr++
    }
  }
  if (cr > 0) return 'mixed'
  if (lf > 0 && crlf > 0) return 'mixed'
  if (crlf > 0) return 'crlf'
  return lf > 0 ? 'lf' : 'none'
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)
}

function countNulByParity(sample: Uint8Array): { even: number; odd: number } {
  let even = 0
  let odd = 0
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) even++
      else odd++
    }
  }
  return { even, odd }
}

/**
 * UTF-16 without a BOM: mostly-ASCII text puts a zero in every other byte, all on one side
 * (odd offsets for little-endian, even for big-endian). Binary files scatter their zeros.
 */
function looksLikeUtf16(nul: { even: number; odd: number }, length: number): boolean {
  const half = length / 2
  const major = Math.max(nul.even, nul.odd)
  const minor = Math.min(nul.even, nul.odd)
  return major >= half * 0.3 && minor <= major * 0.05
}

function countControlBytes(sample: Uint8Array): number {
  let count = 0
  for (const b of sample) {
    // Allowed: tab 9, LF 10, VT 11, FF 12, CR 13, ESC 27 (colour codes in logs).
    if ((b < 32 && (b < 9 || b > 13) && b !== 27) || b === 127) count++
  }
  return count
}

function emptyError(fileName: string): DataError {
  return new DataError(
    'EMPTY',
    `${fileName} is empty: there is nothing to learn from; pick a file with data in it.`
  )
}

function utf16Error(fileName: string, evidence: string): DataError {
  return new DataError(
    'ENCODING',
    `${fileName} is UTF-16 text (${evidence}): save it as UTF-8 (in most editors: "Save As" → encoding "UTF-8") and import it again.`
  )
}

function latin1Error(fileName: string, bytes: Uint8Array): DataError {
  const at = firstInvalidUtf8(bytes)
  let where = ''
  if (at >= 0) {
    let line = 1
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++
    const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0')
    where = ` (byte 0x${hex} on line ${line})`
  }
  return new DataError(
    'ENCODING',
    `${fileName} is not valid UTF-8${where}: this looks like Latin-1/Windows-1252 text; re-save as UTF-8 (in most editors: "Save As" → encoding "UTF-8") and import it again.`
  )
}

/**
 * Offset of the first byte that breaks UTF-8, or -1. TextDecoder only says "invalid", and the
 * user needs a line number to find the bad character. Follows the Unicode well-formed table
 * (no overlongs, no surrogates, nothing above U+10FFFF).
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lo = 0xa0
      if (b === 0xed) hi = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lo = 0x90
      if (b === 0xf4) hi = 0x8f
    } else return i
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return i
      const c = bytes[i + k]
      const min = k === 1 ? lo : 0x80
      const max = k === 1 ? hi : 0xbf
      if (c < min || c > max) return i
    }
    i += need + 1
  }
  return -1
}
