import { describe, expect, it } from 'vitest'
import {
  codePoints,
  compareCodePoints,
  foldAccents,
  sortByCodePoint,
  sortByFrequency,
  wordTokens
} from './tokens'

describe('tokens', () => {
  it('splits text into code points, keeping surrogate pairs whole', () => {
    expect(codePoints('a😀b\n')).toEqual(['a', '😀', 'b', '\n'])
  })

  it('splits words, punctuation and newlines; spaces only separate', () => {
    expect(wordTokens("Don't stop,  O'Brien!\nNow.")).toEqual([
      "Don't",
      'stop',
      ',',
      "O'Brien",
      '!',
      '\n',
      'Now',
      '.'
    ])
  })

  it('folds accents and keeps Hangul whole', () => {
    expect(foldAccents('Émile Müller Łukasz Ñúñez 한국')).toBe('Emile Muller Łukasz Nunez 한국')
  })

  it('orders by code point and by frequency with code-point ties', () => {
    expect(sortByCodePoint(['b', '\uE000', '😀', 'A'])).toEqual(['A', 'b', '\uE000', '😀'])
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0)
    const counts = new Map([
      ['x', 2],
      ['b', 5],
      ['a', 2]
    ])
    expect(sortByFrequency(counts)).toEqual(['b', 'a', 'x'])
    expect(sortByFrequency(counts, 2)).toEqual(['b', 'a'])
  })
})
