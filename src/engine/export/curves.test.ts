import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportCurves, metricsCsv } from './curves'
import { metricsAt } from './export-run'

const root = mkdtempSync(join(tmpdir(), 'rnn-curves-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const points = [
  { step: 10, epoch: 0.1, name: 'val_loss', value: 1.5, time: Date.UTC(2025, 0, 1, 12, 0, 1) },
  { step: 5, epoch: 0.05, name: 'loss', value: 2, time: Date.UTC(2025, 0, 1, 12, 0, 0) },
  { step: 10, epoch: 0.1, name: 'loss', value: NaN, time: Date.UTC(2025, 0, 1, 12, 0, 1) },
  {
    step: 10,
    epoch: 0.1,
    name: 'grad "norm", x',
    value: 0.25,
    time: Date.UTC(2025, 0, 1, 12, 0, 1)
  },
  {
    step: 10,
    epoch: 0.1,
    name: 'steps_per_second',
    value: 40,
    time: Date.UTC(2025, 0, 1, 12, 0, 1)
  }
]

describe('curves export', () => {
  it('writes one point a line by step then name, quoting as RFC 4180 asks', () => {
    expect(metricsCsv(points)).toBe(
      [
        'step,name,value,time',
        '5,loss,2,2025-01-01T12:00:00.000Z',
        '10,"grad ""norm"", x",0.25,2025-01-01T12:00:01.000Z',
        '10,loss,NaN,2025-01-01T12:00:01.000Z',
        '10,steps_per_second,40,2025-01-01T12:00:01.000Z',
        '10,val_loss,1.5,2025-01-01T12:00:01.000Z',
        ''
      ].join('\n')
    )
  })

  it('writes metrics.csv and the run config as config.json', () => {
    const config = { task: { kind: 'synthetic' }, network: { cell: 'gru' } }
    const result = exportCurves(points, config, join(root, 'curves'))
    expect(result).toEqual({
      outDir: join(root, 'curves'),
      files: ['config.json', 'metrics.csv'],
      points: 5
    })
    expect(JSON.parse(readFileSync(join(root, 'curves', 'config.json'), 'utf8'))).toEqual(config)
    expect(readFileSync(join(root, 'curves', 'metrics.csv'), 'utf8')).toBe(metricsCsv(points))
  })

  it('takes each metric’s value at a checkpoint’s step, without throughput', () => {
    expect(metricsAt(points, 7)).toEqual({ loss: 2 })
    expect(metricsAt(points, 10)).toEqual({ 'grad "norm", x': 0.25, loss: NaN, val_loss: 1.5 })
  })
})
