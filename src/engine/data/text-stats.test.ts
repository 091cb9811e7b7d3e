import { describe, expect, it } from 'vitest'
import { TextStats } from '../../shared/domain/dataset'
import { computeTextStats, MIN_TEXT_CHARACTERS } from './text-stats'
import { dataErrorOf } from './test-helpers'

describe('computeTextStats', () => {
  it('counts a hand-checkable corpus', () => {
    // 20 × "ab ba\n" = 120 characters: a 40, b 40, space 20, \n 20.
    const stats = TextStats.parse(computeTextStats('ab ba\n'.repeat(20), 't.txt'))
    expect(stats).toEqual({
      kind: 'text',
      characters: 120,
      lines: 20,
      words: 40,
      vocabularySize: 4,
      rarestCharacters: [
        { char: '\n', count: 20 },
        { char: ' ', count: 20 },
        { char: 'a', count: 40 },
        { char: 'b', count: 40 }
      ],
      lineEndings: 'lf'
    })
  })

  it('normalises CRLF before counting and reports the original style', () => {
    const stats = computeTextStats('0123456789\r\n'.repeat(10), 'w.txt')
    expect(stats.characters).toBe(110)
    expect(stats.lines).toBe(10)
    expect(stats.vocabularySize).toBe(11)
    expect(stats.lineEndings).toBe('crlf')
  })

  it('counts code points, not UTF-16 units, and a last line without newline', () => {
    const stats = computeTextStats('😀é'.repeat(50) + '\nend', 'e.txt')
    expect(stats.characters).toBe(104)
    expect(stats.lines).toBe(2)
    expect(stats.rarestCharacters.slice(0, 2)).toEqual([
      { char: '\n', count: 1 },
      { char: 'd', count: 1 }
    ])
    expect(stats.rarestCharacters.at(-1)).toEqual({ char: '😀', count: 50 })
  })

  it('lists at most 10 rarest characters, ties by code point', () => {
    const text = 'zyxwvutsrqponmlkjihgfedcba'.repeat(4)
    const rare = computeTextStats(text, 'abc.txt').rarestCharacters
    expect(rare.map((r) => r.char).join('')).toBe('abcdefghij')
  })

  it('accepts a corpus of one repeated character (training may refuse it later)', () => {
    const stats = computeTextStats('a\n'.repeat(100), 'a.txt')
    expect(stats.vocabularySize).toBe(2)
    expect(computeTextStats('a'.repeat(150), 'a.txt')).toMatchObject({
      vocabularySize: 1,
      lines: 1,
      words: 1,
      lineEndings: 'none'
    })
  })

  it('refuses a corpus shorter than the minimum, saying why', () => {
    const err = dataErrorOf(() => computeTextStats('To be, or not to be.\n', 'short.txt'))
    expect(err.code).toBe('TOO_SHORT')
    expect(err.message).toContain(`short.txt has only 21 characters`)
    expect(err.message).toContain(`at least ${MIN_TEXT_CHARACTERS}`)
    expect(err.message).toContain('sequences')
    expect(() => computeTextStats('x'.repeat(MIN_TEXT_CHARACTERS), 'ok.txt')).not.toThrow()
  })
})
