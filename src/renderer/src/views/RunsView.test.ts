import '@testing-library/svelte/vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { RunStats } from '../../../shared/api/runs'
import type { RunId } from '../../../shared/domain/ids'
import type { RunSummary } from '../../../shared/domain/run'
import { DatasetsState } from '../lib/state/datasets.svelte'
import { RunsState } from '../lib/state/runs.svelte'
import { fakeClient, type FakeHandlers } from '../lib/testing/fake-client'
import { run, textDataset } from '../lib/testing/fixtures'
import RunsView from './RunsView.svelte'

const network = (cell: string, units: number) => ({ cell, layers: [{ units }] })

const RUNS: RunSummary[] = [
  run(3, {
    name: 'adding',
    task: 'synthetic',
    datasetId: null,
    status: 'running',
    finishedAt: null,
    createdAt: '2025-01-05T12:00:00.000Z',
    config: {
      task: { kind: 'synthetic', problem: 'adding', length: 50 },
      network: network('rnn', 16)
    }
  }),
  run(2, {
    name: 'gru-wide',
    task: 'text-generation',
    status: 'failed',
    error: 'Training diverged at step 12.',
    createdAt: '2025-01-05T11:00:00.000Z',
    config: { network: network('gru', 64), training: { learningRate: 0.01 } }
  }),
  run(1, {
    name: 'lstm-small',
    task: 'text-generation',
    createdAt: '2025-01-05T10:00:00.000Z',
    config: { network: network('lstm', 8), training: { learningRate: 0.002 } }
  })
]

const STATS: RunStats[] = [
  { runId: 1 as RunId, bestValLoss: 1.5, bestStep: 100, lastStep: 100 },
  { runId: 2 as RunId, bestValLoss: 1.2, bestStep: 10, lastStep: 12 },
  { runId: 3 as RunId, bestValLoss: null, bestStep: null, lastStep: 4 }
]

async function setup(handlers: FakeHandlers = {}) {
  let runs = RUNS
  const fake = fakeClient({
    listRuns: () => runs,
    listDatasets: () => [textDataset()],
    listRunStats: () => STATS,
    listMetrics: (input) => [
      { name: (input as { names: string[] }).names[0], points: [{ step: 10, value: 1, time: 0 }] }
    ],
    deleteRun: (input) => {
      runs = runs.filter((r) => r.id !== (input as { runId: number }).runId)
      return {}
    },
    ...handlers
  })
  const runsState = new RunsState(fake.client)
  const datasets = new DatasetsState(fake.client)
  await Promise.all([runsState.load(), datasets.load()])
  render(RunsView, { client: fake.client, runs: runsState, datasets })
  await screen.findAllByTestId('run-row')
  await Promise.resolve()
  return fake
}

function names(): string[] {
  return screen
    .getAllByTestId('run-row')
    .map((row) => within(row).getAllByRole('link')[0].textContent!)
}

describe('RunsView', () => {
  it('shows every run newest first, with its task, dataset, network and best loss', async () => {
    await setup()
    expect(names()).toEqual(['adding', 'gru-wide', 'lstm-small'])
    const [adding, gru] = screen.getAllByTestId('run-row')
    expect(adding.textContent).toContain('Synthetic: adding T=50')
    expect(adding.textContent).toContain('generated')
    expect(adding.textContent).toContain('RNN 16')
    expect(gru.textContent).toContain('tiny-shakespeare')
    expect(gru.textContent).toContain('1.2')
    expect(gru.textContent).toContain('Training diverged at step 12.')
  })

  it('filters by status, task and name', async () => {
    await setup()
    await fireEvent.change(screen.getByTestId('filter-status'), { target: { value: 'failed' } })
    expect(names()).toEqual(['gru-wide'])
    await fireEvent.change(screen.getByTestId('filter-status'), { target: { value: '' } })
    await fireEvent.change(screen.getByTestId('filter-task'), {
      target: { value: 'text-generation' }
    })
    expect(names()).toEqual(['gru-wide', 'lstm-small'])
    await fireEvent.input(screen.getByPlaceholderText('Filter by name'), {
      target: { value: 'LSTM' }
    })
    expect(names()).toEqual(['lstm-small'])
    expect(screen.getByRole('status').textContent).toContain('1 of 3 runs')
  })

  it('sorts by a column, lowest loss first, runs without one last either way', async () => {
    await setup()
    await fireEvent.click(screen.getByTestId('sort-best'))
    expect(names()).toEqual(['gru-wide', 'lstm-small', 'adding'])
    expect(screen.getByTestId('sort-best').closest('th')?.getAttribute('aria-sort')).toBe(
      'ascending'
    )
    await fireEvent.click(screen.getByTestId('sort-best'))
    expect(names()).toEqual(['lstm-small', 'gru-wide', 'adding'])
    await fireEvent.click(screen.getByTestId('sort-name'))
    expect(names()).toEqual(['adding', 'gru-wide', 'lstm-small'])
  })

  it('overlays the curves and diffs the configs of the selected runs', async () => {
    const fake = await setup()
    expect(screen.queryByTestId('compare')).toBeNull()
    await fireEvent.click(screen.getByLabelText('Compare lstm-small'))
    expect(screen.queryByTestId('compare')).toBeNull()
    await fireEvent.click(screen.getByLabelText('Compare gru-wide'))

    const compare = await screen.findByTestId('compare')
    expect(within(compare).getByTestId('compare-chart')).toBeTruthy()
    const asked = fake.calls.filter((c) => c.method === 'listMetrics').map((c) => c.input)
    expect(asked).toEqual(
      expect.arrayContaining([
        { runId: 2, names: ['val_loss'], maxPoints: 1000 },
        { runId: 1, names: ['val_loss'], maxPoints: 1000 }
      ])
    )
    const diff = within(compare).getByTestId('config-diff')
    const settings = within(diff)
      .getAllByRole('rowheader')
      .map((h) => h.textContent)
    expect(settings).toEqual(['network.cell', 'network.layers.0.units', 'training.learningRate'])
  })

  it('deletes a run only after confirming, and not one that is training', async () => {
    const fake = await setup()
    expect(
      (screen.getByRole('button', { name: 'Delete adding' }) as HTMLButtonElement).disabled
    ).toBe(true)

    await fireEvent.click(screen.getByRole('button', { name: 'Delete lstm-small' }))
    const dialog = screen.getByRole('alertdialog')
    expect(dialog.textContent).toContain('cannot be undone')
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fake.calls.some((c) => c.method === 'deleteRun')).toBe(false)

    await fireEvent.click(screen.getByRole('button', { name: 'Delete lstm-small' }))
    await fireEvent.click(screen.getByRole('button', { name: 'Delete run' }))
    await vi.waitFor(() => expect(names()).toEqual(['adding', 'gru-wide']))
    expect(fake.calls.filter((c) => c.method === 'deleteRun').map((c) => c.input)).toEqual([
      { runId: 1 }
    ])
  })

  it('renames a run in place', async () => {
    const renamed: unknown[] = []
    await setup({
      renameRun: (input) => {
        renamed.push(input)
        return RUNS[2]
      }
    })
    await fireEvent.click(screen.getByRole('button', { name: 'Rename lstm-small' }))
    const field = screen.getByLabelText('New name for lstm-small')
    await fireEvent.input(field, { target: { value: 'baseline' } })
    await fireEvent.keyDown(field, { key: 'Enter' })
    expect(renamed).toEqual([{ runId: 1, name: 'baseline' }])
  })
})
