import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import { trainInProcess } from '../../test/support/train-in-process'
import { openStudio } from '../backend/studio'
import { activateComputeBackend } from '../engine/compute-backend'
import { runCli, type CliContext } from './main'
import type { Output } from './output'

let home: ReturnType<typeof tempHome>
let runId: number
const studioOptions = (): CliContext['studio'] => ({
  resourcesDir: join(home.path, 'resources'),
  probeBackend: () => activateComputeBackend('cpu')
})

beforeAll(async () => {
  home = tempHome()
  mkdirSync(join(home.path, 'resources'))
  const studio = await openStudio({
    home: join(home.path, 'home'),
    version: '0.0.0',
    ...(studioOptions() as { resourcesDir: string })
  })
  try {
    runId = await trainInProcess(studio, {
      name: 'copy',
      task: { kind: 'synthetic', problem: 'copy-first', length: 4, examples: 100 },
      network: { cell: 'gru', layers: [{ units: 3 }] },
      training: { batchSize: 8, evalBatches: 1, maxSteps: 4, evalEvery: 2, checkpointEvery: 2 }
    })
  } finally {
    studio.close()
  }
}, 60_000)
afterAll(() => home?.remove())

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const output: Output = {
    json: args.includes('--json'),
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t)
  }
  const code = await runCli([...args, '--home', join(home.path, 'home')], {
    output,
    studio: studioOptions()
  })
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
}

describe('rnn-studio export', () => {
  it('writes one format into the folder named by --out', async () => {
    const out = join(home.path, 'out', 'onnx-only')
    const result = await cli(['export', String(runId), '--format', 'onnx', '--out', out, '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      runId,
      format: 'onnx',
      outDir: out,
      files: ['README.md', 'onnx/model.onnx', 'studio.json']
    })
    expect(readdirSync(out).sort()).toEqual(['README.md', 'onnx', 'studio.json'])
  })

  it('refuses a folder that is not empty, exit 1, and names the problem', async () => {
    const out = join(home.path, 'taken')
    mkdirSync(out)
    writeFileSync(join(out, 'notes.txt'), 'mine')
    const result = await cli(['export', String(runId), '--out', out])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^rnn-studio: .*taken already exists and is not empty/)
    expect(readdirSync(out)).toEqual(['notes.txt'])
    const json = await cli(['export', String(runId), '--out', out, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'CONFLICT' } })
  })

  it('writes the curves and config with --curves, by default into the home', async () => {
    const result = await cli(['export', String(runId), '--curves'])
    expect(result.code).toBe(0)
    const folder = result.stdout.match(/ to (.+)$/m)?.[1] as string
    expect(folder.startsWith(join(home.path, 'home', 'exports', 'copy-curves-'))).toBe(true)
    expect(readdirSync(folder).sort()).toEqual(['config.json', 'metrics.csv'])
    expect(result.stdout).toMatch(/^Wrote \d+ metric points and the config of run/)
  })

  it('exits 2 for a wrong format, checkpoint or combination', async () => {
    const out = join(home.path, 'never')
    for (const args of [
      ['--format', 'png'],
      ['--checkpoint', 'soon'],
      ['--curves', '--format', 'onnx'],
      []
    ]) {
      const run = args.length === 0 ? [] : [String(runId)]
      expect((await cli(['export', ...run, ...args, '--out', out])).code).toBe(2)
    }
    expect(existsSync(out)).toBe(false)
  })
})
