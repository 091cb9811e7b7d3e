import '@testing-library/svelte/vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import App from './App.svelte'
import { fakeClient } from './lib/testing/fake-client'
import { csvDataset, run, runDetail, textDataset } from './lib/testing/fixtures'
import type { StudioInfo } from '../../shared/api/contract'

const info: StudioInfo = {
  version: '0.1.0',
  home: '/home/me/.rnn-studio',
  databasePath: '/home/me/.rnn-studio/studio.db',
  backend: { selected: 'wasm', forced: false, probes: [] }
}

describe('App', () => {
  it('loads everything once connected and shows it', async () => {
    const fake = fakeClient(
      {
        getStudioInfo: () => info,
        listDatasets: () => [textDataset(), csvDataset()],
        listRuns: () => []
      },
      { connection: 'connecting' }
    )
    render(App, { client: fake.client })

    expect(screen.getByTestId('connection-status').textContent?.trim()).toBe('Connecting…')
    expect(fake.calls).toEqual([])

    fake.setConnection('connected')

    expect(await screen.findAllByTestId('dataset-card')).toHaveLength(2)
    expect(screen.getByTestId('connection-status').textContent?.trim()).toBe(
      'Connected (browser mode)'
    )
    expect(screen.getByTestId('backend-status').textContent).toBe('Backend: wasm')
    expect(await screen.findByTestId('runs-empty')).toBeTruthy()
    expect(screen.getByText('/home/me/.rnn-studio')).toBeTruthy()
    expect(fake.calls.map((c) => c.method).sort()).toEqual([
      'getStudioInfo',
      'listDatasets',
      'listRuns'
    ])
  })

  it('reloads after a reconnect, since events may have been missed', async () => {
    const fake = fakeClient({
      getStudioInfo: () => info,
      listDatasets: () => [],
      listRuns: () => []
    })
    render(App, { client: fake.client })
    await screen.findByTestId('runs-empty')
    expect(fake.calls).toHaveLength(3)

    fake.setConnection('connecting')
    await tick()
    expect(screen.getByTestId('connection-status').textContent?.trim()).toBe('Reconnecting…')
    fake.setConnection('connected')
    await tick()
    expect(fake.calls).toHaveLength(6)
  })

  it('explains a connection that never came up, and retries on request', async () => {
    const fake = fakeClient(
      { getStudioInfo: () => info, listDatasets: () => [], listRuns: () => [] },
      { connection: 'disconnected' }
    )
    render(App, { client: fake.client })

    const banner = screen.getByTestId('connection-problem')
    expect(banner.textContent).toContain('Cannot reach the studio.')
    expect(fake.calls).toEqual([])

    await fireEvent.click(screen.getByRole('button', { name: 'Retry now' }))
    expect(fake.calls.map((c) => c.method).sort()).toEqual([
      'getStudioInfo',
      'listDatasets',
      'listRuns'
    ])
    fake.setConnection('connected')
    await tick()
    expect(screen.queryByTestId('connection-problem')).toBeNull()
  })
})

describe('App navigation', () => {
  function handlers() {
    return {
      getStudioInfo: () => info,
      listDatasets: () => [textDataset()],
      listRuns: () => [],
      listRunStats: () => [],
      listPresets: () => [],
      startRun: () => run(5, { status: 'queued', startedAt: null, finishedAt: null }),
      getRun: () => runDetail(run(5, { status: 'queued', startedAt: null, finishedAt: null })),
      listMetrics: () => [],
      listSamples: () => []
    }
  }

  afterEach(() => {
    window.location.hash = ''
  })

  it('opens the screen the address names, marking it in the navigation', async () => {
    window.location.hash = '#/runs'
    render(App, { client: fakeClient(handlers()).client })
    expect(await screen.findByRole('heading', { name: 'Runs' })).toBeTruthy()
    const nav = screen.getByRole('navigation', { name: 'Main' })
    expect(within(nav).getByRole('link', { name: 'Runs' }).getAttribute('aria-current')).toBe(
      'page'
    )
    expect(within(nav).getByRole('link', { name: 'Home' }).getAttribute('aria-current')).toBeNull()
  })

  it('starts a run from New run and shows it', async () => {
    window.location.hash = '#/new'
    const fake = fakeClient(handlers())
    render(App, { client: fake.client })
    const start = await screen.findByTestId('start-button')
    await vi.waitFor(() => expect((start as HTMLButtonElement).disabled).toBe(false))
    await fireEvent.click(start)

    await vi.waitFor(() => expect(window.location.hash).toBe('#/runs/5'))
    expect(fake.calls.find((c) => c.method === 'startRun')?.input).toMatchObject({
      task: { kind: 'text-generation', datasetId: 1 }
    })
    expect(await screen.findByTestId('run-name')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Stop' })).toHaveProperty('disabled', false)
  })
})
