import '@testing-library/svelte/vitest'
import { render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { csvDataset, labelledDataset, textDataset } from '../../testing/fixtures'
import DatasetCard from './DatasetCard.svelte'

/** The value shown under a stat label, e.g. stat('Rows') → '144'. */
function stat(label: string): string {
  const term = screen.getByText(label, { selector: 'dt' })
  return term.nextElementSibling?.textContent?.trim() ?? ''
}

describe('DatasetCard', () => {
  it('shows a text corpus: name, badges, size, counts and escaped rare characters', () => {
    render(DatasetCard, { dataset: textDataset() })
    const card = screen.getByTestId('dataset-card')

    expect(within(card).getByRole('heading', { name: 'tiny-shakespeare' })).toBeTruthy()
    expect(screen.getByTestId('dataset-kind').textContent).toBe('Text')
    expect(within(card).getByText('sample')).toBeTruthy()
    expect(within(card).getByText('1.1 MB')).toBeTruthy()
    expect(stat('Characters')).toBe('1,115,394')
    expect(stat('Vocabulary')).toBe('65')
    expect(stat('Lines')).toBe('40,000')
    expect(stat('Words')).toBe('202,651')
    expect(screen.getAllByTestId('rare-char').map((c) => c.textContent)).toEqual(['\\n', '␠', 'Z'])
    expect(screen.getByTestId('dataset-notice').textContent).toBe('Karpathy, char-rnn (MIT).')
  })

  it('notes CRLF line endings', () => {
    const dataset = textDataset()
    if (dataset.stats.kind !== 'text') throw new Error('fixture')
    render(DatasetCard, {
      dataset: { ...dataset, stats: { ...dataset.stats, lineEndings: 'crlf' } }
    })
    expect(screen.getByText(/CRLF/).textContent).toContain('read as LF')
  })

  it('shows a CSV table: rows, typed columns with missing counts, date gaps and a gapped sparkline', () => {
    const { container } = render(DatasetCard, { dataset: csvDataset() })

    expect(screen.getByTestId('dataset-kind').textContent).toBe('CSV')
    expect(screen.queryByText('sample')).toBeNull()
    expect(screen.getByText('2.2 kB')).toBeTruthy()
    expect(stat('Rows')).toBe('144')
    expect(stat('Columns')).toBe('2')
    expect(stat('Date column')).toBe('Month')

    const columns = screen
      .getAllByTestId('csv-column')
      .map((li) => li.textContent?.replace(/\s+/g, ' ').trim())
    expect(columns).toEqual(['Month date no missing', 'Passengers numeric 2 missing'])

    expect(screen.getByTestId('date-gaps').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      '2 date gaps: 1950-03, 1950-04'
    )

    // preview [112, 118, null, 129, 121]: two subpaths, the null leaves a gap
    const path = container.querySelector('svg path')?.getAttribute('d') ?? ''
    expect(path.match(/M/g)).toHaveLength(2)
    expect(screen.getByRole('img', { name: 'Preview: 112 to 129' })).toBeTruthy()
  })

  it('folds columns beyond the first six under a disclosure', () => {
    const dataset = csvDataset()
    if (dataset.stats.kind !== 'csv') throw new Error('fixture')
    const columns = Array.from({ length: 9 }, (_, i) => ({
      name: `c${i}`,
      type: 'numeric' as const,
      missing: 0
    }))
    render(DatasetCard, {
      dataset: { ...dataset, stats: { ...dataset.stats, columns, dateGaps: [] } }
    })

    expect(screen.getAllByTestId('csv-column')).toHaveLength(9)
    expect(screen.getByText('Show 3 more columns')).toBeTruthy()
    expect(screen.queryByTestId('date-gaps')).toBeNull()
  })

  it('shows labelled data: examples, classes and bars for the top 8 with "…N more"', () => {
    render(DatasetCard, { dataset: labelledDataset(18) })

    expect(screen.getByTestId('dataset-kind').textContent).toBe('Class folders')
    // 100 + 95 + … + 15 = 18 × (100 + 15) / 2 = 1035
    expect(stat('Examples')).toBe('1,035')
    expect(stat('Classes')).toBe('18')
    expect(stat('Longest')).toBe('19 chars')

    const bars = screen.getAllByTestId('class-bar')
    expect(bars).toHaveLength(8)
    expect(bars[0].textContent).toContain('class-1')
    expect(bars[0].textContent).toContain('100')
    expect(bars[7].textContent).toContain('class-8')
    // widths are relative to the largest class: 65 / 100
    expect((bars[7].querySelector('.bar') as HTMLElement).style.width).toBe('65%')
    expect(screen.getByText('…10 more classes')).toBeTruthy()
    expect(screen.queryByTestId('dataset-notice')).toBeNull()
  })

  it('lists all classes without "more" when there are 8 or fewer, and warns of duplicates', () => {
    const dataset = labelledDataset(3, { kind: 'labelled' })
    if (dataset.stats.kind === 'csv' || dataset.stats.kind === 'text') throw new Error('fixture')
    render(DatasetCard, {
      dataset: { ...dataset, stats: { ...dataset.stats, kind: 'labelled', distinctExamples: 280 } }
    })

    expect(screen.getByTestId('dataset-kind').textContent).toBe('Labelled')
    expect(screen.getAllByTestId('class-bar')).toHaveLength(3)
    expect(screen.queryByText(/more class/)).toBeNull()
    // 100 + 95 + 90 = 285 examples, 280 distinct
    expect(screen.getByText(/5 duplicate examples/)).toBeTruthy()
  })
})
