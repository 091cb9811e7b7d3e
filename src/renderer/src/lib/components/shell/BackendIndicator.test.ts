import '@testing-library/svelte/vitest'
import { render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { BackendInfo } from '../../../../../shared/domain/backend'
import BackendIndicator from './BackendIndicator.svelte'

const backend: BackendInfo = {
  selected: 'wasm',
  forced: false,
  probes: [
    { name: 'tensorflow-gpu', available: false, reason: 'package not installed' },
    { name: 'tensorflow', available: false, reason: 'libtensorflow failed to load' },
    { name: 'wasm', available: true, reason: null },
    { name: 'cpu', available: true, reason: null }
  ]
}

describe('BackendIndicator', () => {
  it('names the selected backend and explains every probe in its title', () => {
    render(BackendIndicator, { backend })
    const status = screen.getByTestId('backend-status')

    expect(status.textContent).toBe('Backend: wasm')
    expect(status.title.split('\n')).toEqual([
      'Training uses wasm, the first available in order of preference.',
      'tensorflow-gpu: unavailable — package not installed',
      'tensorflow: unavailable — libtensorflow failed to load',
      'wasm: in use',
      'cpu: available'
    ])
  })

  it('marks a forced backend', () => {
    render(BackendIndicator, { backend: { ...backend, selected: 'cpu', forced: true } })
    expect(screen.getByTestId('backend-status').textContent).toBe('Backend: cpu (forced)')
  })

  it('waits, then admits it does not know when the info failed', async () => {
    const view = render(BackendIndicator, { backend: null })
    expect(screen.getByTestId('backend-status').textContent).toBe('Backend: …')
    await view.rerender({ backend: null, error: 'Disconnected.' })
    expect(screen.getByTestId('backend-status').textContent).toBe('Backend: unknown')
    expect(screen.getByTestId('backend-status').title).toBe('Disconnected.')
  })
})
