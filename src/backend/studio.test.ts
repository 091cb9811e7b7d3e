import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import type { BackendInfo } from '../shared/domain/backend'
import type { DatasetId } from '../shared/domain/ids'
import { createRun, updateRun } from '../store'
import { sourceLayout } from './app-info'
import { SAMPLE_DATASETS } from './sample-catalogue'
import { openStudio, type Studio } from './studio'

const backend: BackendInfo = {
  selected: 'cpu',
  forced: true,
  probes: [{ name: 'cpu', available: true, reason: null }]
}
const resourcesDir = sourceLayout().resources

let home: ReturnType<typeof tempHome>
const open: Studio[] = []
async function start(): Promise<Studio> {
  const studio = await openStudio({
    home: home.path,
    resourcesDir,
    version: '9.9.9',
    probeBackend: async () => backend
  })
  open.push(studio)
  return studio
}

beforeEach(() => {
  home = tempHome()
})
afterEach(() => {
  for (const studio of open.splice(0)) studio.close()
  home.remove()
})

describe('studio backend', () => {
  it('registers every sample on first start, with stats, and only once', async () => {
    const studio = await start()
    const datasets = await studio.service.listDatasets({})
    expect(datasets.map((d) => d.name).sort()).toEqual(SAMPLE_DATASETS.map((s) => s.name).sort())
    const shakespeare = datasets.find((d) => d.name === 'Tiny Shakespeare')!
    expect(shakespeare).toMatchObject({ kind: 'text', isSample: true, sizeBytes: 1_115_394 })
    expect(shakespeare.stats).toMatchObject({
      kind: 'text',
      characters: 1_115_394,
      vocabularySize: 65
    })
    const names = datasets.find((d) => d.name === 'Names by language')!
    expect(names.stats).toMatchObject({ kind: 'class-folder', examples: 20_050 })
    studio.close()
    open.length = 0

    const again = await start()
    expect(await again.service.listDatasets({})).toHaveLength(SAMPLE_DATASETS.length)
  })

  it('reports its version, home and backend', async () => {
    const studio = await start()
    expect(await studio.service.getStudioInfo({})).toEqual({
      version: '9.9.9',
      home: home.path,
      databasePath: join(home.path, 'studio.db'),
      backend
    })
  })

  it('adds a user file once, refuses a binary one, and announces the change', async () => {
    const studio = await start()
    const events: string[] = []
    studio.events.on((event) => events.push(event))
    const dir = join(home.path, 'my files', 'données')
    mkdirSync(dir, { recursive: true })
    const corpus = join(dir, 'poem.txt')
    writeFileSync(corpus, 'The quick brown fox jumps over the lazy dog.\n'.repeat(20))
    const added = await studio.addDatasetFromPath(corpus)
    expect(added).toMatchObject({ name: 'poem', kind: 'text', isSample: false })
    expect(events).toEqual(['datasetsChanged'])
    expect((await studio.addDatasetFromPath(corpus)).id).toBe(added.id)
    expect(events).toHaveLength(1)

    const before = await studio.service.listDatasets({})
    const png = join(dir, 'image.txt')
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))
    await expect(studio.addDatasetFromPath(png)).rejects.toMatchObject({ code: 'UNSUPPORTED' })
    expect(await studio.service.listDatasets({})).toEqual(before)
  })

  it('answers NOT_FOUND for a dataset that does not exist', async () => {
    const studio = await start()
    await expect(studio.service.getDataset({ datasetId: 999 as DatasetId })).rejects.toMatchObject({
      code: 'NOT_FOUND'
    })
  })

  it('marks runs left running by a crashed studio as interrupted', async () => {
    const first = await start()
    const run = createRun(first.db, { name: 'r', task: 'text', datasetId: null, config: {} })
    updateRun(first.db, run.id, { status: 'running' })
    first.close()
    open.length = 0
    const second = await start()
    const [listed] = await second.service.listRuns({ limit: 10 })
    expect(listed).toMatchObject({ id: run.id, status: 'interrupted' })
  })

  it('leaves a run alone while another live studio process trains it', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'])
    try {
      const first = await start()
      const run = createRun(first.db, { name: 'cli', task: 'text', datasetId: null, config: {} })
      updateRun(first.db, run.id, { status: 'running', ownerPid: other.pid! })
      first.close()
      open.length = 0
      const second = await start()
      expect((await second.service.listRuns({ limit: 10 }))[0]).toMatchObject({ status: 'running' })
    } finally {
      other.kill()
    }
  })

  it('skips a missing sample instead of failing to start', async () => {
    const partial = join(home.path, 'resources')
    mkdirSync(join(partial, 'samples', 'airline-passengers'), { recursive: true })
    copyFileSync(
      join(resourcesDir, 'samples/airline-passengers/airline-passengers.csv'),
      join(partial, 'samples/airline-passengers/airline-passengers.csv')
    )
    const logs: string[] = []
    const studio = await openStudio({
      home: join(home.path, 'h'),
      resourcesDir: partial,
      version: '1',
      probeBackend: async () => backend,
      log: (l) => logs.push(l)
    })
    open.push(studio)
    expect((await studio.service.listDatasets({})).map((d) => d.name)).toEqual([
      'Airline passengers'
    ])
    expect(logs.some((l) => l.includes('missing'))).toBe(true)
  })
})
