import '@testing-library/svelte/vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import { run } from '../../testing/fixtures'
import RunsSection from './RunsSection.svelte'

const idle = { loaded: true, error: null, onretry: () => {} }

describe('RunsSection', () => {
  it('explains what to do when there are no runs', () => {
    render(RunsSection, { ...idle, runs: [] })

    expect(screen.getByRole('heading', { name: 'Runs' })).toBeTruthy()
    expect(screen.getByTestId('runs-empty').textContent).toContain('No runs yet.')
    expect(screen.queryByRole('table')).toBeNull()
  })

  it('shows one row per run with name, task, status, backend, created and duration', () => {
    render(RunsSection, {
      ...idle,
      runs: [
        run(2, { name: 'shakespeare-lstm', status: 'running', finishedAt: null }),
        run(1, { status: 'failed', error: 'Out of memory: try fewer units.', backend: null })
      ]
    })

    const table = screen.getByRole('table', { name: 'Runs' })
    const rows = within(table).getAllByTestId('run-row')
    expect(rows).toHaveLength(2)
    expect(screen.queryByTestId('runs-empty')).toBeNull()

    const cells = (row: HTMLElement) =>
      [...row.querySelectorAll('th, td')].map((c) => c.textContent?.replace(/\s+/g, ' ').trim())
    expect(cells(rows[0]).slice(0, 4)).toEqual(['shakespeare-lstm', 'char-lm', 'running', 'wasm'])
    expect(cells(rows[1]).slice(0, 4)).toEqual([
      'run-1 Out of memory: try fewer units.',
      'char-lm',
      'failed',
      '—'
    ])
    expect(cells(rows[1])[5]).toBe('3 min 05 s')
    expect(rows[1].querySelector('time')?.getAttribute('datetime')).toBe('2025-01-05T10:00:00.000Z')
  })

  it('says it is loading until the first load', () => {
    render(RunsSection, { ...idle, loaded: false, runs: [] })
    expect(screen.getByRole('status').textContent).toBe('Loading runs…')
    expect(screen.queryByTestId('runs-empty')).toBeNull()
  })

  it('shows the error with a Retry button that calls onretry', async () => {
    const onretry = vi.fn()
    render(RunsSection, { runs: [], loaded: false, error: 'Lost the connection.', onretry })

    expect(screen.getByRole('alert').textContent).toContain('Lost the connection.')
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }))
    expect(onretry).toHaveBeenCalledTimes(1)
    expect(screen.queryByText('Loading runs…')).toBeNull()
  })
})
