import { describe, expect, it } from 'vitest'
import { describeColumn, isMissing, parseNumber } from './csv-columns'

describe('isMissing', () => {
  it.each(['', '  ', 'NA', 'na', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', '?', ' NA '])(
    '%j is missing',
    (cell) => expect(isMissing(cell)).toBe(true)
  )
  it.each(['0', 'N', 'none', 'NAN1', '-'])('%j is a value', (cell) => {
    expect(isMissing(cell)).toBe(false)
  })
})

describe('parseNumber', () => {
  it('reads decimals, signs and exponents, trimming spaces', () => {
    expect([' 12 ', '-0.5', '+3', '.25', '1e3', '2.5E-2', '7.'].map(parseNumber)).toEqual([
      12, -0.5, 3, 0.25, 1000, 0.025, 7
    ])
  })
  it('refuses what only looks numeric', () => {
    expect(['1,5', '0x10', '12abc', 'Infinity', '1 000', '?0.2'].map(parseNumber)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null
    ])
  })
})

describe('describeColumn', () => {
  it('summarises a numeric column, ignoring NA and empty cells', () => {
    expect(describeColumn('pm2.5', ['NA', '10', '', '20', 'na', '-3'])).toEqual({
      name: 'pm2.5',
      type: 'numeric',
      missing: 3,
      min: -3,
      max: 20,
      mean: 9
    })
  })

  it('types ISO dates, monthly and with times', () => {
    expect(describeColumn('d', ['1949-01', '1949-02', 'NA']).type).toBe('date')
    expect(describeColumn('d', ['2010-01-01 00:00', '2010-01-01 01:00:30']).type).toBe('date')
    expect(describeColumn('d', ['2010-01-01', 'tomorrow']).type).toBe('text')
  })

  it('makes few repeated labels categorical, most frequent first, ties alphabetical', () => {
    const cells = ['NW', 'SE', 'cv', 'SE', 'NW', 'SE', 'NE', 'cv', 'NA', 'NE', 'SE', 'cv']
    expect(describeColumn('cbwd', cells)).toEqual({
      name: 'cbwd',
      type: 'categorical',
      missing: 1,
      categories: ['SE', 'cv', 'NE', 'NW']
    })
  })

  it('calls a column with mostly distinct words text', () => {
    expect(describeColumn('note', ['a', 'b', 'c', 'a']).type).toBe('text')
  })

  it('calls a column of only missing cells text', () => {
    expect(describeColumn('x', ['', 'NA'])).toEqual({ name: 'x', type: 'text', missing: 2 })
  })

  it('lists at most 20 categories', () => {
    const cells = Array.from({ length: 1000 }, (_, i) => `c${i % 30}`)
    expect(describeColumn('c', cells).categories).toHaveLength(20)
  })
})
