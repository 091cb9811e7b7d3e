import { describe, expect, it } from 'vitest'
import { CsvStats } from '../../shared/domain/dataset'
import { parseCsv } from './csv'
import { computeCsvStats, evenlySpaced } from './csv-stats'
import { dataErrorOf } from './test-helpers'

function statsOf(csv: string): CsvStats {
  return CsvStats.parse(computeCsvStats(parseCsv(csv, 't.csv'), 't.csv'))
}

describe('computeCsvStats', () => {
  it('types columns, finds the date column and previews the values with null for NA', () => {
    const csv = 'Date,Temp,Note\r\n2020-01-01,1.5,x\r\n2020-01-02,NA,x\r\n2020-01-04,3.5,y'
    expect(statsOf(csv)).toEqual({
      kind: 'csv',
      rows: 3,
      columns: [
        { name: 'Date', type: 'date', missing: 0 },
        { name: 'Temp', type: 'numeric', missing: 1, min: 1.5, max: 3.5, mean: 2.5 },
        { name: 'Note', type: 'text', missing: 0 }
      ],
      dateColumn: 'Date',
      dateGaps: [],
      preview: [1.5, null, 3.5]
    })
  })

  it('previews the first real measurement, not a row counter or a timestamp part', () => {
    const csv = 'No,year,month,pm2.5\n1,2010,1,NA\n2,2010,1,10\n3,2010,2,12'
    const stats = statsOf(csv)
    expect(stats.dateColumn).toBeUndefined()
    expect(stats.preview).toEqual([null, 10, 12])
  })

  it('falls back to the first numeric column when nothing else is numeric', () => {
    expect(statsOf('No,name\n1,a\n2,b').preview).toEqual([1, 2])
  })

  it('refuses a CSV with only text columns', () => {
    const err = dataErrorOf(() =>
      computeCsvStats(parseCsv('name,city\nAnn,Oslo\nBo,Rome'), 'p.csv')
    )
    expect(err.code).toBe('NO_NUMERIC_COLUMNS')
    expect(err.message).toContain('p.csv has no numeric column (columns: name = text, city = text)')
  })

  it('refuses a CSV whose only other column is a date', () => {
    expect(dataErrorOf(() => computeCsvStats(parseCsv('d\n2020-01-01\n2020-01-02'))).code).toBe(
      'NO_NUMERIC_COLUMNS'
    )
  })

  it('refuses a header without rows', () => {
    expect(dataErrorOf(() => computeCsvStats(parseCsv('a,b\r\n'))).code).toBe('EMPTY')
  })
})

describe('evenlySpaced', () => {
  it('keeps short lists whole and picks first, last and evenly spaced items from long ones', () => {
    expect(evenlySpaced([1, 2, 3], 5)).toEqual([1, 2, 3])
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([0, 4, 8])
    const picked = evenlySpaced(
      Array.from({ length: 3650 }, (_, i) => i),
      200
    )
    expect(picked).toHaveLength(200)
    expect(picked[0]).toBe(0)
    expect(picked[199]).toBe(3649)
  })
})
