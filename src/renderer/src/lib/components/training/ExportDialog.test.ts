import '@testing-library/svelte/vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../../../shared/api/errors'
import type { CheckpointSummary } from '../../../../../shared/api/runs'
import { fakeClient } from '../../testing/fake-client'
import { run } from '../../testing/fixtures'
import ExportDialog from './ExportDialog.svelte'

function checkpoint(step: number, valLoss: number | null, isBest = false): CheckpointSummary {
  return {
    id: step,
    step,
    valLoss,
    isBest,
    createdAt: '2026-11-22T10:00:00.000Z',
    weightsBytes: 1000,
    optimizerStateBytes: 2000
  }
}

const CHECKPOINTS = [checkpoint(100, 1.5), checkpoint(200, 1.2, true), checkpoint(300, 1.3)]

function setup(checkpoints = CHECKPOINTS, exportRun?: () => never) {
  const fake = fakeClient({
    exportRun:
      exportRun ??
      ((input) => ({
        outDir: '/home/me/.rnn-studio/exports/Poems-20261122-100000',
        files: ['README.md', 'studio.json', 'tfjs/model.json', 'tfjs/group1-shard1of1.bin'],
        step: (input as { checkpoint: number }).checkpoint,
        isBest: false
      })),
    exportCurves: () => ({
      outDir: '/home/me/.rnn-studio/exports/Poems-curves-20261122-100000',
      files: ['config.json', 'metrics.csv'],
      points: 1234
    })
  })
  const onclose = vi.fn()
  render(ExportDialog, {
    client: fake.client,
    run: run(4, { name: 'Poems' }),
    checkpoints,
    onclose
  })
  return { ...fake, onclose }
}

describe('ExportDialog', () => {
  it('offers best, latest and every checkpoint, and exports the chosen one in the chosen format', async () => {
    const fake = setup()
    const select = screen.getByTestId('export-checkpoint') as HTMLSelectElement
    const options = [...select.options].map((o) => o.textContent?.trim())
    expect(options).toEqual([
      'Best (step 200, val loss 1.2)',
      'Latest (step 300)',
      'step 300, val loss 1.3',
      'step 200, val loss 1.2',
      'step 100, val loss 1.5'
    ])
    await fireEvent.change(select, { target: { value: '100' } })
    await fireEvent.click(screen.getByRole('radio', { name: /TensorFlow\.js Layers/ }))
    await fireEvent.click(screen.getByTestId('export-model-button'))

    expect(fake.calls.at(-1)).toEqual({
      method: 'exportRun',
      input: { runId: 4, checkpoint: 100, format: 'tfjs' }
    })
    const result = await screen.findByTestId('export-result')
    expect(result.textContent).toContain('The model (checkpoint, step 100) went to')
    expect(screen.getByTestId('export-folder').textContent).toBe(
      '/home/me/.rnn-studio/exports/Poems-20261122-100000'
    )
    expect(within(result).getAllByRole('listitem')).toHaveLength(4)
  })

  it('exports the curves and shows the refusal of a model export in place', async () => {
    setup(CHECKPOINTS, () => {
      throw new ApiError('UNSUPPORTED', 'ONNX cannot represent this model: use TensorFlow.js.')
    })
    await fireEvent.click(screen.getByTestId('export-model-button'))
    expect((await screen.findByRole('alert')).textContent).toBe(
      'ONNX cannot represent this model: use TensorFlow.js.'
    )
    await fireEvent.click(screen.getByRole('button', { name: 'Export curves' }))
    expect((await screen.findByTestId('export-result')).textContent).toContain(
      'The curves (1,234 metric points) and the config went to'
    )
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('without checkpoints offers only the curves, and closes on Escape', async () => {
    const fake = setup([])
    expect(screen.queryByTestId('export-model-button')).toBeNull()
    expect(screen.getByText(/no checkpoint yet/)).toBeTruthy()
    await fireEvent.keyDown(screen.getByTestId('export-dialog'), { key: 'Escape' })
    expect(fake.onclose).toHaveBeenCalledOnce()
  })
})
