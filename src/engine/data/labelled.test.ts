import { describe, expect, it } from 'vitest'
import { parseClassFolder, parseLabelledLines } from './labelled'
import { dataErrorOf } from './test-helpers'

describe('parseLabelledLines', () => {
  it('splits on the last tab and takes quotes literally', () => {
    const text = 'He said "great\t1\n"Awful\t0\nA\ttab inside\t1\n'
    expect(parseLabelledLines(text, 'q.txt')).toEqual([
      { text: 'He said "great', label: '1' },
      { text: '"Awful', label: '0' },
      { text: 'A\ttab inside', label: '1' }
    ])
  })

  it('splits lines on \\n only, keeping U+0085 inside the text', () => {
    expect(parseLabelledLines('all of them\u0085 a true masterpiece\t1\n', 'nel.txt')).toEqual([
      { text: 'all of them\u0085 a true masterpiece', label: '1' }
    ])
  })

  it('trims spaces before the tab and CRs of CRLF files, and skips blank lines', () => {
    expect(parseLabelledLines('Slow movie.  \t0\r\n\r\n   \nFun. \t 1 \r\n', 's.txt')).toEqual([
      { text: 'Slow movie.', label: '0' },
      { text: 'Fun.', label: '1' }
    ])
  })

  it('refuses a non-blank line without a tab, naming the line', () => {
    const err = dataErrorOf(() => parseLabelledLines('good\t1\n\nno tab here\n', 'x.txt'))
    expect(err.code).toBe('BAD_LINE')
    expect(err.message).toContain('x.txt line 3 has no TAB')
  })

  it('refuses an empty label and an empty text', () => {
    const label = dataErrorOf(() => parseLabelledLines('good\t1\nbad\t \n', 'x.txt'))
    expect(label.message).toContain('x.txt line 2 has an empty label')
    const text = dataErrorOf(() => parseLabelledLines('  \t1\n', 'x.txt'))
    expect(text.message).toContain('x.txt line 1 has a label but no text')
  })
})

describe('parseClassFolder', () => {
  it('labels each line with its file name, trimming and skipping blank lines', () => {
    const files = [
      { name: 'Korean.txt', text: 'Ahn \nBaik\n\n' },
      { name: 'Greek.txt', text: 'Adamidis\r\n' }
    ]
    expect(parseClassFolder(files)).toEqual([
      { text: 'Ahn', label: 'Korean' },
      { text: 'Baik', label: 'Korean' },
      { text: 'Adamidis', label: 'Greek' }
    ])
  })

  it('refuses a class file without examples, naming it in its folder', () => {
    const files = [
      { name: 'Korean.txt', text: 'Ahn\n' },
      { name: 'Greek.txt', text: '\n  \n' }
    ]
    const err = dataErrorOf(() => parseClassFolder(files, 'names'))
    expect(err.code).toBe('EMPTY_CLASS')
    expect(err.message).toBe(
      'names/Greek.txt is empty: every class file needs at least one example; remove the file or add lines.'
    )
  })
})
