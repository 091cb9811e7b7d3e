import { describe, expect, it } from 'vitest'
import type { MetricSeries } from '../../../../shared/api/runs'
import type { RunId } from '../../../../shared/domain/ids'
import { deferred, fakeClient } from '../testing/fake-client'
import { metricPoints, run, runDetail } from '../testing/fixtures'
import { RunDetailState } from './run-detail.svelte'

const RUN = 7 as RunId

function client(series: () => MetricSeries[] | Promise<MetricSeries[]>) {
  return fakeClient({
    getRun: () =>
      runDetail(
        run(7, { status: 'running', finishedAt: null, config: { training: { maxSteps: 100 } } })
      ),
    listMetrics: series,
    listSamples: () => [],
    pauseRun: () => run(7, { status: 'paused', finishedAt: null })
  })
}

const points = (values: number[]) =>
  metricPoints('loss', values).map(({ step, value, time }) => ({ step, value, time }))

describe('RunDetailState', () => {
  it('fetches thinned series, then grows them with live points of this run only', async () => {
    const fake = client(() => [{ name: 'loss', points: points([2, 1.5]) }])
    const state = new RunDetailState(fake.client, RUN)
    state.start()
    await state.load()
    expect(fake.calls.find((c) => c.method === 'listMetrics')?.input).toEqual({
      runId: 7,
      maxPoints: 2000
    })
    expect(state.series.loss.map((p) => p.value)).toEqual([2, 1.5])

    fake.emit('runMetricsAppended', { runId: 7, points: metricPoints('loss', [1.5, 1.2], 20) })
    fake.emit('runMetricsAppended', { runId: 8, points: metricPoints('loss', [9], 40) })
    expect(state.series.loss.map((p) => [p.step, p.value])).toEqual([
      [10, 2],
      [20, 1.5],
      [30, 1.2]
    ])
    expect(state.step).toBe(30)
    expect(state.progress).toMatchObject({ step: 30, maxSteps: 100, fraction: 0.3 })
  })

  it('keeps points that arrive while a load is in flight', async () => {
    const reply = deferred<MetricSeries[]>()
    const fake = client(() => reply.promise)
    const state = new RunDetailState(fake.client, RUN)
    state.start()
    const loading = state.load()
    fake.emit('runMetricsAppended', { runId: 7, points: metricPoints('loss', [1.5, 1.2], 20) })
    reply.resolve([{ name: 'loss', points: points([2, 1.5]) }])
    await loading
    expect(state.series.loss.map((p) => p.step)).toEqual([10, 20, 30])
  })

  it('shows the status a control call answers with', async () => {
    const fake = client(() => [])
    const state = new RunDetailState(fake.client, RUN)
    await state.load()
    const pausing = state.act('pause')
    expect(state.busy).toBe('pause')
    await pausing
    expect(state.status).toBe('paused')
    expect(state.busy).toBeNull()
  })
})
