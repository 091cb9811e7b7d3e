import type { CharCount, TextStats } from '../../shared/domain/dataset'
import { detectLineEndings, normaliseNewlines } from './decode'
import { DataError } from './errors'

/**
 * Shortest corpus accepted: training cuts sequences of tens of characters out of the text,
 * and below this there are too few of them to learn anything.
 */
export const MIN_TEXT_CHARACTERS = 100

/** Characters listed as "rarest" in the stats. */
const LISTED_RARE = 10

/**
 * Statistics of a text corpus, taken after CRLF/CR are normalised to LF (the original style is
 * reported in `lineEndings`). Characters are code points, words are runs of non-whitespace.
 * A degenerate corpus (one repeated character) is accepted here; training decides about it.
 * @throws DataError TOO_SHORT below {@link MIN_TEXT_CHARACTERS} characters
 */
export function computeTextStats(raw: string, fileName: string): TextStats {
  const text = normaliseNewlines(raw)
  const counts = countCodePoints(text)
  let characters = 0
  for (const count of counts.values()) characters += count
  if (characters < MIN_TEXT_CHARACTERS) {
    throw new DataError(
      'TOO_SHORT',
      `${fileName} has only ${characters} characters: a text corpus needs at least ${MIN_TEXT_CHARACTERS}, because the network learns from sequences cut out of the text; add more text.`
    )
  }
  const rarestCharacters: CharCount[] = [...counts]
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .slice(0, LISTED_RARE)
    .map(([codePoint, count]) => ({ char: String.fromCodePoint(codePoint), count }))
  return {
    kind: 'text',
    characters,
    lines: countLines(text),
    words: countWords(text),
    vocabularySize: counts.size,
    rarestCharacters,
    lineEndings: detectLineEndings(raw)
  }
}

/** Occurrences per code point, walking UTF-16 by hand: `for…of` is several times slower on 1 MB. */
function countCodePoints(text: string): Map<number, number> {
  const bmp = new Uint32Array(0x10000)
  const counts = new Map<number, number>()
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        const cp = (c - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000
        counts.set(cp, (counts.get(cp) ?? 0) + 1)
        i++
        continue
      }
    }
    bmp[c]++
  }
  for (let c = 0; c < bmp.length; c++) if (bmp[c] > 0) counts.set(c, bmp[c])
  return counts
}

/** Like `wc -l`, plus one for a last line without a final newline. */
function countLines(text: string): number {
  let lines = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines
}

function countWords(text: string): number {
  let words = 0
  const word = /\S+/g
  while (word.exec(text)) words++
  return words
}
