/**
 * Two studio processes on one home: two `rnn-studio web` servers (the app and a browser tab, say)
 * each train a run with the real engine at the same time, while a third process (`rnn-studio runs
 * list`) opens the same database mid-way. Both work safely: each run completes with every step
 * stored, the third process marks neither interrupted (their owners are alive), and the file passes
 * its integrity check. WAL and the 5 s busy timeout let the writers take turns; ownership by pid
 * keeps each studio's hands off the other's runs.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { connectStudio, type StudioConnection } from '../../src/server/ws-client'
import { RunConfig } from '../../src/shared/domain/run-config'
import { checkIntegrity, listMetrics, openDatabase } from '../../src/store'
import { runCli, startCli, type CliProcess } from '../support/cli-process'
import { tempHome } from '../support/temp-home'

const RUN = RunConfig.parse({
  backend: 'cpu',
  task: { kind: 'synthetic', problem: 'adding', length: 10, examples: 400 },
  network: { cell: 'gru', layers: [{ units: 8 }] },
  training: { maxSteps: 120, batchSize: 8, evalEvery: 20, checkpointEvery: 20, logEvery: 1 }
})

let home: ReturnType<typeof tempHome>
const servers: CliProcess[] = []
const clients: StudioConnection[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
  for (const server of servers.splice(0)) {
    server.child.kill('SIGTERM')
    await server.exited
  }
  home?.remove()
})

async function serve(): Promise<StudioConnection> {
  const server = startCli(['web', '--json', '--home', home.path])
  servers.push(server)
  const [, url] = await server.waitFor(/"url":"([^"]+)"/)
  const client = await connectStudio(url, new URL(url).searchParams.get('token')!)
  clients.push(client)
  return client
}

describe('two studios on one home', { timeout: 150_000 }, () => {
  it('both train at once, a third process opens the store mid-way, nothing is lost', async () => {
    home = tempHome('rnn-studio-faults-')
    // One after the other: the first creates the database, the second finds it ready.
    const a = await serve()
    const b = await serve()
    const runA = await a.api.startRun({ ...RUN, name: 'from studio A' })
    const runB = await b.api.startRun({ ...RUN, name: 'from studio B' })
    expect(runB.id).not.toBe(runA.id)

    await vi.waitFor(
      async () => {
        const detail = await a.api.getRun({ runId: runA.id })
        expect(detail.lastStep ?? 0).toBeGreaterThan(20)
      },
      { timeout: 90_000, interval: 200 }
    )
    const third = await runCli(['runs', 'list', '--json', '--home', home.path])
    expect(third.code, third.stderr).toBe(0)
    const midway = JSON.parse(third.stdout) as { id: number; status: string }[]
    expect(midway.find((r) => r.id === runA.id)?.status).not.toBe('interrupted')

    for (const [client, run] of [
      [a, runA],
      [b, runB]
    ] as const) {
      await vi.waitFor(
        async () =>
          expect((await client.api.getRun({ runId: run.id })).run.status).toBe('completed'),
        { timeout: 120_000, interval: 200 }
      )
    }
    // Each studio sees the other's run too, as completed.
    expect((await a.api.getRun({ runId: runB.id })).run.status).toBe('completed')

    const db = openDatabase(join(home.path, 'studio.db'))
    try {
      expect(checkIntegrity(db)).toEqual([])
      for (const run of [runA, runB]) {
        const steps = listMetrics(db, run.id, { name: 'loss' }).map((p) => p.step)
        expect(steps).toEqual(Array.from({ length: RUN.training.maxSteps }, (_, i) => i + 1))
      }
    } finally {
      db.close()
    }
  })
})
