import '@testing-library/svelte/vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { RunStatus } from '../../../../../shared/domain/run'
import RunControls from './RunControls.svelte'

function enabled(): string[] {
  return (screen.getAllByRole('button') as HTMLButtonElement[])
    .filter((b) => !b.disabled)
    .map((b) => b.textContent!.trim())
}

describe('RunControls', () => {
  it.each<[RunStatus, string[]]>([
    ['queued', ['Stop']],
    ['running', ['Pause', 'Stop']],
    ['paused', ['Resume', 'Stop']],
    ['stopped', ['Resume from checkpoint']],
    ['interrupted', ['Resume from checkpoint']],
    ['failed', ['Resume from checkpoint']],
    ['completed', []]
  ])('enables the right buttons while %s', (status, expected) => {
    render(RunControls, { status, onaction: () => {} })
    expect(enabled()).toEqual(expected)
  })

  it('reports the action, and holds every button while one is in flight', async () => {
    const onaction = vi.fn()
    const { rerender } = render(RunControls, { status: 'running', onaction })
    await fireEvent.click(screen.getByRole('button', { name: 'Pause' }))
    expect(onaction).toHaveBeenCalledWith('pause')

    await rerender({ status: 'running', busy: 'pause', onaction })
    expect(enabled()).toEqual([])
    expect(screen.getByRole('button', { name: 'Pausing…' })).toBeTruthy()
  })
})
