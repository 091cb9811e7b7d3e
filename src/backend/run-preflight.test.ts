import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import { RunConfig, type RunConfigInput } from '../shared/domain/run-config'
import type { DatasetId } from '../shared/domain/ids'
import { sourceLayout } from './app-info'
import { openStudio, type Studio } from './studio'

let home: ReturnType<typeof tempHome>
let studio: Studio
beforeEach(async () => {
  home = tempHome()
  studio = await openStudio({
    home: join(home.path, 'home'),
    resourcesDir: sourceLayout().resources,
    version: '0',
    probeBackend: async () => ({ selected: 'cpu', forced: true, probes: [] })
  })
})
afterEach(() => {
  studio.close()
  home.remove()
})

async function datasetId(name: string): Promise<DatasetId> {
  const found = (await studio.service.listDatasets({})).find((d) => d.name === name)
  if (!found) throw new Error(`no sample ${name}`)
  return found.id
}

const network: RunConfigInput['network'] = { cell: 'lstm', layers: [{ units: 4 }] }

describe('refusing a run before it exists', () => {
  it.each([
    [
      'a forecast window longer than the series',
      async (): Promise<RunConfigInput> => ({
        task: { kind: 'forecast', datasetId: await datasetId('Airline passengers'), lookback: 500 },
        network
      }),
      /lookback|window|rows/i
    ],
    [
      // The stored statistics cannot see this one: only preparing the task finds it.
      'a class with a single example, which cannot be split',
      async (): Promise<RunConfigInput> => {
        const lines = ['good film\t1', 'great film\t1', 'fine film\t1', 'bad film\t0']
        const file = join(home.path, 'reviews.tsv')
        writeFileSync(file, [...lines, 'awful\t0', 'meh\tneutral'].join('\n'))
        const dataset = await studio.addDatasetFromPath(file)
        return { task: { kind: 'classification', datasetId: dataset.id }, network }
      },
      /neutral/
    ]
  ])('refuses %s with a fix-it message and no run row', async (_what, config, message) => {
    const input = RunConfig.parse(await config())
    await expect(studio.service.startRun(input)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(message)
    })
    expect(await studio.service.listRuns({ limit: 10 })).toEqual([])
  })
})
