import { describe, expect, it } from 'vitest'
import { findDateGaps, parseIsoDate } from './dates'

function days(from: string, count: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`)
  return Array.from({ length: count }, (_, i) =>
    new Date(start + i * 86_400_000).toISOString().slice(0, 10)
  )
}

describe('parseIsoDate', () => {
  it('reads the three precisions', () => {
    expect(parseIsoDate('1949-01')).toEqual({ precision: 'month', ordinal: 1949 * 12 })
    expect(parseIsoDate('1970-01-02')).toEqual({ precision: 'day', ordinal: 1 })
    expect(parseIsoDate('1970-01-01 01:00')).toEqual({ precision: 'time', ordinal: 3600 })
    expect(parseIsoDate('1970-01-01T00:00:05')).toEqual({ precision: 'time', ordinal: 5 })
  })

  it('refuses impossible dates and other formats', () => {
    for (const cell of [
      '2023-02-29',
      '2023-13',
      '2023-04-31',
      '2023-01-01 24:00',
      '01/02/2023',
      '2023'
    ]) {
      expect(parseIsoDate(cell)).toBeNull()
    }
    expect(parseIsoDate('2024-02-29')).not.toBeNull()
  })
})

describe('findDateGaps', () => {
  it('lists missing days of a daily series', () => {
    const series = days('1984-12-01', 40).filter((d) => d !== '1984-12-31' && d !== '1985-01-02')
    expect(findDateGaps(series)).toEqual(['1984-12-31', '1985-01-02'])
  })

  it('lists several missing steps in a row', () => {
    const series = days('2020-01-01', 40).filter((d) => d !== '2020-01-03' && d !== '2020-01-04')
    expect(findDateGaps(series)).toEqual(['2020-01-03', '2020-01-04'])
  })

  it('lists missing months, across a year end', () => {
    const months = Array.from({ length: 36 }, (_, i) => {
      const m = 1948 * 12 + i
      return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`
    })
    expect(findDateGaps(months.filter((m) => m !== '1949-12'))).toEqual(['1949-12'])
  })

  it('lists missing hours of an hourly series', () => {
    const hours = Array.from({ length: 48 }, (_, i) =>
      new Date(Date.UTC(2010, 0, 1, i)).toISOString().slice(0, 16).replace('T', ' ')
    )
    expect(findDateGaps(hours.filter((h) => h !== '2010-01-02 02:00'))).toEqual([
      '2010-01-02 02:00'
    ])
  })

  it('calls a short series with many holes irregular rather than guess', () => {
    expect(findDateGaps(['2020-01-01', '2020-01-02', '2020-01-04', '2020-01-05'])).toEqual([])
  })

  it('reports nothing for unsorted, repeated, mixed or irregular series', () => {
    expect(findDateGaps(['2020-01-02', '2020-01-01', '2020-01-03'])).toEqual([])
    expect(findDateGaps(['2020-01-01', '2020-01-01', '2020-01-03'])).toEqual([])
    expect(findDateGaps(['2020-01', '2020-01-02', '2020-01-05'])).toEqual([])
    // business days: weekends are not gaps
    const weekdays = days('2024-01-01', 28).filter((d) => ![0, 6].includes(new Date(d).getUTCDay()))
    expect(findDateGaps(weekdays)).toEqual([])
    expect(findDateGaps([])).toEqual([])
  })

  it('lists at most `limit` gaps', () => {
    const everyOther = days('2020-01-01', 200).filter((_, i) => i % 2 === 0 || i < 100)
    expect(findDateGaps(everyOther)).toHaveLength(0) // 50% off the main step: irregular
    const long = [...days('2020-01-01', 400), ...days('2021-03-01', 10)]
    expect(findDateGaps(long, 5)).toEqual([
      '2021-02-04',
      '2021-02-05',
      '2021-02-06',
      '2021-02-07',
      '2021-02-08'
    ])
  })
})
