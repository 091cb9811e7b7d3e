import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv'
import { dataErrorOf } from './test-helpers'

describe('parseCsv', () => {
  it('parses CRLF records with no final newline and quoted cells', () => {
    expect(parseCsv('"Month","Passengers"\r\n"1949-01",112\r\n"1949-02",118')).toEqual({
      header: ['Month', 'Passengers'],
      rows: [
        ['1949-01', '112'],
        ['1949-02', '118']
      ]
    })
  })

  it('keeps commas, escaped quotes and line breaks inside quoted fields', () => {
    const table = parseCsv('name,quote\n"Smith, J.","He said ""hi""\r\nthen left"\n')
    expect(table.rows).toEqual([['Smith, J.', 'He said "hi"\r\nthen left']])
  })

  it('ignores blank lines, trailing ones included', () => {
    expect(parseCsv('a,b\n1,2\n\n3,4\r\n\r\n  \n').rows).toEqual([
      ['1', '2'],
      ['3', '4']
    ])
  })

  it('accepts lone CR record ends and keeps empty cells', () => {
    expect(parseCsv('a,b,c\r1,,3\r,,').rows).toEqual([
      ['1', '', '3'],
      ['', '', '']
    ])
  })

  it('trims header names and names empty ones by position', () => {
    expect(parseCsv(' Date , ,Temp \n1,2,3').header).toEqual(['Date', 'column 2', 'Temp'])
  })

  it('takes a quote inside an unquoted field literally', () => {
    expect(parseCsv('a,b\n5" screen,1').rows).toEqual([['5" screen', '1']])
  })

  it('returns no rows for a header-only file', () => {
    expect(parseCsv('a,b\r\n').rows).toEqual([])
  })

  it('refuses an empty text', () => {
    expect(dataErrorOf(() => parseCsv('\n\n', 'e.csv')).code).toBe('EMPTY')
  })

  it('refuses ragged rows, naming the first bad line', () => {
    const err = dataErrorOf(() => parseCsv('a,b\n1,2\n3\n4,5,6', 'r.csv'))
    expect(err.code).toBe('RAGGED')
    expect(err.message).toContain('r.csv line 3 has 1 fields but the header has 2')
  })

  it('counts physical lines, so a multi-line quoted cell does not shift the line number', () => {
    const err = dataErrorOf(() => parseCsv('a,b\n"x\ny\nz",1\n\n1,2,3\n', 'r.csv'))
    expect(err.message).toContain('line 6 has 3 fields')
  })

  it('refuses duplicated header names, after trimming', () => {
    const err = dataErrorOf(() => parseCsv('Date,Temp,Temp \n1,2,3', 'd.csv'))
    expect(err.code).toBe('DUPLICATE_HEADER')
    expect(err.message).toContain('two columns named "Temp" (columns 2 and 3)')
  })

  it('refuses a quoted field that never closes', () => {
    const err = dataErrorOf(() => parseCsv('a,b\n1,"open\n2,3\n', 'q.csv'))
    expect(err.code).toBe('BAD_QUOTE')
    expect(err.message).toContain('line 2')
  })
})
