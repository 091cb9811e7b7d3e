import '@testing-library/svelte/vitest'
import { render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { run } from '../../testing/fixtures'
import ConfigDiff from './ConfigDiff.svelte'

describe('ConfigDiff', () => {
  it('lists only the settings that differ, one column per run', () => {
    const a = run(1, {
      name: 'small',
      config: { network: { cell: 'lstm', layers: [{ units: 8 }] }, training: { seed: 42 } }
    })
    const b = run(2, {
      name: 'wide',
      config: { network: { cell: 'lstm', layers: [{ units: 64 }] }, training: { seed: 42 } }
    })
    render(ConfigDiff, { runs: [a, b] })
    const table = screen.getByTestId('config-diff')
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent)
    expect(headers).toEqual(['Setting', 'small', 'wide'])
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))
    expect(rows).toEqual([['network.layers.0.units', '8', '64']])
  })

  it('says so when nothing differs', () => {
    render(ConfigDiff, { runs: [run(1, { config: { a: 1 } }), run(2, { config: { a: 1 } })] })
    expect(screen.getByTestId('config-diff-same').textContent).toBe('The configs are the same.')
  })
})
