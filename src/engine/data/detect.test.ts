import { describe, expect, it } from 'vitest'
import { detectKind } from './detect'

function one(name: string, text: string): { name: string; text: string }[] {
  return [{ name, text }]
}

describe('detectKind', () => {
  it('calls several plain files a class folder', () => {
    const files = [
      { name: 'Greek.txt', text: 'Adamidis\n' },
      { name: 'Korean.txt', text: 'Ahn\n' }
    ]
    expect(detectKind(files)).toBe('class-folder')
  })

  it('calls several text<TAB>label files labelled', () => {
    const files = [
      { name: 'amazon.txt', text: 'Good.\t1\nBad.\t0\n' },
      { name: 'imdb.txt', text: 'Fine.  \t1\n' }
    ]
    expect(detectKind(files)).toBe('labelled')
  })

  it('trusts a .csv extension', () => {
    expect(detectKind(one('x.CSV', 'just one line'))).toBe('csv')
  })

  it('recognises CSV content by a steady comma count, quotes respected', () => {
    expect(detectKind(one('data.txt', 'a,b,c\n1,"2,5",3\n4,5,6\n'))).toBe('csv')
    expect(detectKind(one('prose.txt', 'Well, then.\nNo commas\nA, b, c\n'))).toBe('text')
    // One comma on every line, but no column of numbers: still prose.
    expect(
      detectKind(one('hamlet.txt', 'to be, or not\nthat is, the question\nwhether, tis\n'))
    ).toBe('text')
  })

  it('recognises text<TAB>label lines, even with commas and a few odd lines', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `Sentence ${i}, with a comma.  \t${i % 2}`)
    expect(detectKind(one('s.txt', [...lines, 'odd line', ''].join('\n')))).toBe('labelled')
  })

  it('does not call a tab-separated table with many distinct last fields labelled', () => {
    const lines = Array.from({ length: 80 }, (_, i) => `row ${i}\t${i}`)
    expect(detectKind(one('t.txt', lines.join('\n')))).toBe('text')
  })

  it('calls anything else text', () => {
    expect(
      detectKind(
        one('input.txt', 'First Citizen:\nBefore we proceed any further, hear me speak.\n')
      )
    ).toBe('text')
  })
})
