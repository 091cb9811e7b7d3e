/**
 * The export methods through the one request path (dispatch.ts), on a tiny run trained in this
 * process; what the exported files contain is tested in engine/export.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import { trainInProcess } from '../../test/support/train-in-process'
import { activateComputeBackend } from '../engine/compute-backend'
import type { StudioMethod, StudioOutput } from '../shared/api/contract'
import type { ApiErrorData } from '../shared/api/errors'
import type { RunId } from '../shared/domain/ids'
import { bestCheckpoint, latestCheckpoint, listCheckpoints, listMetrics } from '../store'
import { dispatchRequest } from './dispatch'
import { defaultFolder } from './export-service'
import { openStudio, type Studio } from './studio'

let home: ReturnType<typeof tempHome>
let studio: Studio
let runId: RunId

async function call<M extends StudioMethod>(method: M, input: unknown): Promise<StudioOutput<M>> {
  const reply = await dispatchRequest(studio.service, method, input)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
  return reply.output as StudioOutput<M>
}

async function failure(method: StudioMethod, input: unknown): Promise<ApiErrorData> {
  const reply = await dispatchRequest(studio.service, method, input)
  if (reply.ok) throw new Error(`${method} succeeded`)
  return reply.error
}

beforeAll(async () => {
  home = tempHome()
  mkdirSync(join(home.path, 'resources'))
  studio = await openStudio({
    home: join(home.path, 'home'),
    resourcesDir: join(home.path, 'resources'),
    version: '0.0.0',
    probeBackend: () => activateComputeBackend('cpu')
  })
  runId = await trainInProcess(studio, {
    name: 'Adding / LSTM',
    task: { kind: 'synthetic', problem: 'adding', length: 6, examples: 200 },
    network: { cell: 'lstm', layers: [{ units: 4 }] },
    training: {
      batchSize: 8,
      evalBatches: 2,
      logEvery: 5,
      maxSteps: 15,
      evalEvery: 5,
      checkpointEvery: 5
    }
  })
}, 60_000)

afterAll(() => {
  studio?.close()
  home?.remove()
})

describe('exportRun', () => {
  it('writes the best checkpoint into the home’s exports folder and says where', async () => {
    const result = await call('exportRun', { runId })
    const best = bestCheckpoint(studio.db, runId)
    expect(result.outDir.startsWith(join(home.path, 'home', 'exports', 'Adding-LSTM-'))).toBe(true)
    expect(result).toMatchObject({ step: best?.step, isBest: true })
    expect(result.files).toEqual([
      'README.md',
      'onnx/model.onnx',
      'studio.json',
      'tfjs/group1-shard1of1.bin',
      'tfjs/model.json'
    ])
    const studioJson = JSON.parse(readFileSync(join(result.outDir, 'studio.json'), 'utf8'))
    expect(studioJson).toMatchObject({
      studioVersion: '0.0.0',
      run: { id: runId, name: 'Adding / LSTM', step: best?.step },
      preprocessing: { type: 'features', names: ['value', 'marker'] },
      postprocessing: { type: 'regression' }
    })
    expect(studioJson.metrics.val_loss).toBeCloseTo(best?.valLoss as number, 10)
  })

  it('exports the latest checkpoint, one format, on request', async () => {
    const result = await call('exportRun', { runId, checkpoint: 'latest', format: 'tfjs' })
    expect(result.step).toBe(latestCheckpoint(studio.db, runId)?.step)
    expect(result.files).not.toContain('onnx/model.onnx')
  })

  it('takes no folder from the API', async () => {
    const target = join(home.path, 'elsewhere')
    const error = await failure('exportRun', { runId, outDir: target })
    expect(error.code).toBe('INVALID_INPUT')
    expect(existsSync(target)).toBe(false)
  })

  it('exports any checkpoint by step, and names the ones there are', async () => {
    const steps = listCheckpoints(studio.db, runId).map((c) => c.step)
    expect(await failure('exportRun', { runId, checkpoint: 7 })).toMatchObject({
      code: 'NOT_FOUND',
      message: `Run ${runId} has no checkpoint at step 7; its checkpoints are at steps ${steps.join(', ')}.`
    })
    const best = bestCheckpoint(studio.db, runId)?.step
    const latest = latestCheckpoint(studio.db, runId)?.step
    // Neither the best nor the latest: read back by its step.
    const middle = steps.find((s) => s !== best && s !== latest) as number
    expect(middle).toBeDefined()
    const exported = await call('exportRun', { runId, checkpoint: middle, format: 'tfjs' })
    expect(exported).toMatchObject({ step: middle, isBest: false })
    const studioJson = JSON.parse(readFileSync(join(exported.outDir, 'studio.json'), 'utf8'))
    expect(studioJson.run.step).toBe(middle)
    expect((await call('exportRun', { runId, checkpoint: latest })).step).toBe(latest)
    expect(await failure('exportRun', { runId: 999 })).toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('exportCurves', () => {
  it('writes every metric point and the run config', async () => {
    const result = await call('exportCurves', { runId })
    expect(result.outDir).toMatch(/Adding-LSTM-curves-\d{8}-\d{6}$/)
    const points = listMetrics(studio.db, runId)
    expect(result.points).toBe(points.length)
    const csv = readFileSync(join(result.outDir, 'metrics.csv'), 'utf8').trimEnd().split('\n')
    expect(csv[0]).toBe('step,name,value,time')
    expect(csv).toHaveLength(points.length + 1)
    const config = JSON.parse(readFileSync(join(result.outDir, 'config.json'), 'utf8'))
    expect(config).toMatchObject({ name: 'Adding / LSTM', network: { cell: 'lstm' } })
  })
})

describe('default export folders', () => {
  it('keep a safe form of the run name and never reuse a folder', () => {
    const at = new Date(Date.UTC(2025, 4, 6, 7, 8, 9))
    const run = { id: 3, name: 'Ünïcode: names/with spaces' } as Parameters<typeof defaultFolder>[1]
    const first = defaultFolder(home.path, run, '', at)
    expect(first).toBe(join(home.path, 'exports', 'Unicode-names-with-spaces-20250506-070809'))
    mkdirSync(first, { recursive: true })
    expect(defaultFolder(home.path, run, '', at)).toBe(`${first}-2`)
    expect(readdirSync(join(home.path, 'exports'))).toHaveLength(1)
    const unnamed = { id: 4, name: '///' } as Parameters<typeof defaultFolder>[1]
    expect(defaultFolder(home.path, unnamed, '', at)).toMatch(/run-4-20250506-070809$/)
  })
})
