/**
 * Turning text into tokens and tokens into vocabularies, shared by the text tasks. Vocabularies
 * are always built from the training split only (see each task for its unknown-token policy).
 */

/**
 * The code points of `text`, one string each: an emoji or a rare CJK character is one symbol,
 * not two UTF-16 halves. A hand-written loop: `Array.from` is several times slower on 1 MB.
 */
export function codePoints(text: string): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        out.push(text.slice(i, i + 2))
        i++
        continue
      }
    }
    out.push(text[i])
  }
  return out
}

/**
 * Words (letters and digits, with inner apostrophes: `don't`, `O'Brien`), every other visible
 * character as its own token (`,` `!` `:`), and every newline (verse and dialogue layout is
 * part of what a text generator learns). Spaces and tabs only separate tokens, so a sampler
 * joins words with a space.
 */
const WORD_TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|\n|[^\s]/gu

/** Word-level tokens of `text`, see {@link WORD_TOKEN}. */
export function wordTokens(text: string): string[] {
  return text.match(WORD_TOKEN) ?? []
}

/**
 * Folds accents as the PyTorch names tutorial does: NFD splits `é` into `e` + a combining mark,
 * the marks are dropped, then NFC recomposes what is left, so scripts that NFD decomposes without
 * marks (Hangul syllables into jamo) come back whole.
 */
export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC')
}

/** How often each token occurs. */
export function countTokens(tokens: Iterable<string>, into = new Map<string, number>()) {
  for (const t of tokens) into.set(t, (into.get(t) ?? 0) + 1)
  return into
}

/** Tokens by code point (char-rnn and nanoGPT's `sorted(set(text))`), so ids never depend on counts. */
export function sortByCodePoint(tokens: Iterable<string>): string[] {
  return [...tokens].sort(compareCodePoints)
}

/** Most frequent first, ties in code-point order, at most `limit` of them. */
export function sortByFrequency(counts: Map<string, number>, limit = Infinity): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
    .slice(0, limit)
    .map(([token]) => token)
}

/** Code-point order; plain `<` on strings is code-unit order, which puts U+E000 after emoji halves. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n;) {
    const ca = a.codePointAt(i) as number
    const cb = b.codePointAt(i) as number
    if (ca !== cb) return ca - cb
    i += ca > 0xffff ? 2 : 1
  }
  return a.length - b.length
}

/** Token → id, the inverse of a vocabulary list. */
export function indexOf(vocabulary: readonly string[]): Map<string, number> {
  return new Map(vocabulary.map((token, id) => [token, id]))
}
