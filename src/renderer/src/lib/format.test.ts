import { describe, expect, it } from 'vitest'
import {
  formatMetric,
  formatRate,
  formatBytes,
  formatCount,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatRunDuration,
  visibleChar,
  visibleText
} from './format'

describe('formatNumber', () => {
  it('groups thousands and keeps at most two decimals', () => {
    expect(formatNumber(1_115_394)).toBe('1,115,394')
    expect(formatNumber(65)).toBe('65')
    expect(formatNumber(280.333)).toBe('280.33')
    expect(formatNumber(-1200)).toBe('-1,200')
    expect(formatNumber(Number.NaN)).toBe('—')
  })
})

describe('formatCount', () => {
  it('picks singular or plural', () => {
    expect(formatCount(1, 'row')).toBe('1 row')
    expect(formatCount(0, 'row')).toBe('0 rows')
    expect(formatCount(2500, 'class', 'classes')).toBe('2,500 classes')
  })
})

describe('formatBytes', () => {
  it('uses SI units with one decimal below 10', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(2_180)).toBe('2.2 kB')
    expect(formatBytes(45_000)).toBe('45 kB')
    expect(formatBytes(1_115_394)).toBe('1.1 MB')
    expect(formatBytes(2_010_492)).toBe('2 MB')
    expect(formatBytes(3_500_000_000)).toBe('3.5 GB')
  })

  it('moves up a unit instead of showing 1000', () => {
    expect(formatBytes(999_999)).toBe('1 MB')
    expect(formatBytes(999)).toBe('999 B')
  })

  it('shows a dash for nonsense', () => {
    expect(formatBytes(-1)).toBe('—')
  })
})

describe('formatDuration', () => {
  it('reads at the right precision for each scale', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(4_250)).toBe('4.2 s')
    expect(formatDuration(42_900)).toBe('42 s')
    expect(formatDuration(185_000)).toBe('3 min 05 s')
    expect(formatDuration(3_720_000)).toBe('1 h 02 min')
    expect(formatDuration(97_200_000)).toBe('1 d 3 h')
    expect(formatDuration(-5)).toBe('—')
  })
})

describe('formatRunDuration', () => {
  it('is start to finish, start to now while running, a dash before start', () => {
    const startedAt = '2025-01-05T10:00:00.000Z'
    expect(formatRunDuration({ startedAt, finishedAt: '2025-01-05T10:03:05.000Z' })).toBe(
      '3 min 05 s'
    )
    expect(formatRunDuration({ startedAt, finishedAt: null }, Date.parse(startedAt) + 42_000)).toBe(
      '42 s'
    )
    expect(formatRunDuration({ startedAt: null, finishedAt: null })).toBe('—')
  })
})

describe('formatDateTime', () => {
  it('shows local date and time to the minute', () => {
    const local = new Date(2025, 0, 5, 9, 7, 30) // 5 Jan 2025 09:07:30 in this machine's zone
    expect(formatDateTime(local.toISOString())).toBe('2025-01-05 09:07')
  })

  it('returns what it cannot parse unchanged', () => {
    expect(formatDateTime('yesterday')).toBe('yesterday')
  })
})

describe('visibleChar', () => {
  it('escapes whitespace and control characters', () => {
    expect(visibleChar('\n')).toBe('\\n')
    expect(visibleChar('\t')).toBe('\\t')
    expect(visibleChar('\r')).toBe('\\r')
    expect(visibleChar(' ')).toBe('␠')
    expect(visibleChar('\\')).toBe('\\\\')
    expect(visibleChar('\u0000')).toBe('U+0000')
    expect(visibleChar('\u200b')).toBe('U+200B') // zero-width space
    expect(visibleChar('\u00a0')).toBe('U+00A0') // no-break space
  })

  it('gives a lone combining mark something to sit on', () => {
    expect(visibleChar('\u0301')).toBe('◌\u0301')
  })

  it('leaves ordinary characters alone, astral ones included', () => {
    expect(visibleChar('Z')).toBe('Z')
    expect(visibleChar('é')).toBe('é')
    expect(visibleChar('😀')).toBe('😀')
  })
})

describe('visibleText', () => {
  it('escapes each character', () => {
    expect(visibleText('a b\n')).toBe('a␠b\\n')
  })
})

describe('formatMetric and formatRate', () => {
  it('shows four significant digits, scientific at the extremes', () => {
    expect(formatMetric(1.234567)).toBe('1.235')
    expect(formatMetric(0.5)).toBe('0.5')
    expect(formatMetric(0.000123)).toBe('1.23e-4')
    expect(formatMetric(123456)).toBe('1.23e+5')
    expect(formatMetric(0)).toBe('0')
    expect(formatMetric(null)).toBe('—')
    expect(formatMetric(Number.NaN)).toBe('—')
  })

  it('rounds rates to three significant digits with their unit', () => {
    expect(formatRate(12.345, 'steps/s')).toBe('12.3 steps/s')
    expect(formatRate(12_345.6, 'chars/s')).toBe('12,346 chars/s')
    expect(formatRate(null, 'steps/s')).toBe('—')
    expect(formatRate(4897.6, '')).toBe('4,898')
  })
})
