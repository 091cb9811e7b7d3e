/**
 * The backend process itself SIGKILLed while it writes, as a user's machine might do it (OOM
 * killer, power button): once the browser-mode server (`rnn-studio web`) and once a terminal
 * `rnn-studio train`, each training a run with the real engine and a metric point every step.
 *
 * After the kill: its trainer process notices and exits (no orphan keeps computing); the database
 * left behind (with its -wal file) is opened by a NEW studio process, which recovers the WAL and
 * shows the run `interrupted`, not stuck `running`; `PRAGMA integrity_check` passes; every point
 * the dead backend announced as stored is there, and the stored curve has no hole (a batch is one
 * transaction: it is in the file whole or not at all).
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { connectStudio } from '../../src/server/ws-client'
import type { MetricPointData } from '../../src/shared/api/runs'
import type { RunId } from '../../src/shared/domain/ids'
import { RunConfig } from '../../src/shared/domain/run-config'
import { checkIntegrity, getRun, listMetrics, openDatabase } from '../../src/store'
import { childPids, isRunning, runCli, startCli, type CliProcess } from '../support/cli-process'
import { tempHome } from '../support/temp-home'
import { seededRandom } from './seeded-random'

const LONG_RUN = RunConfig.parse({
  backend: 'cpu',
  task: { kind: 'synthetic', problem: 'adding', length: 10, examples: 400 },
  network: { cell: 'gru', layers: [{ units: 8 }] },
  training: { maxSteps: 100_000, batchSize: 8, evalEvery: 25, checkpointEvery: 25, logEvery: 1 }
})

let home: ReturnType<typeof tempHome>
const started: CliProcess[] = []
afterEach(async () => {
  for (const cli of started.splice(0)) {
    cli.child.kill('SIGKILL')
    await cli.exited
  }
  home?.remove()
})

/** After the kill: the trainer goes too, a new process marks the run interrupted, the file is sound. */
async function checkAfterKill(
  cli: CliProcess,
  trainers: number[],
  runId: RunId,
  acknowledged: number
): Promise<void> {
  const exit = await cli.exited
  expect(exit.signal).toBe('SIGKILL')
  await vi.waitFor(() => expect(trainers.filter(isRunning)).toEqual([]), { timeout: 10_000 })
  const database = join(home.path, 'studio.db')
  // Committed batches sit in the write-ahead log until a checkpoint copies them into the file.
  expect(existsSync(`${database}-wal`)).toBe(true)
  expect(statSync(`${database}-wal`).size).toBeGreaterThan(0)

  const listed = await runCli(['runs', 'list', '--json', '--home', home.path])
  expect(listed.code, listed.stderr).toBe(0)
  const runs = JSON.parse(listed.stdout) as { id: number; status: string; error: string | null }[]
  expect(runs.find((r) => r.id === runId)?.status).toBe('interrupted')

  const db = openDatabase(database)
  try {
    expect(checkIntegrity(db)).toEqual([])
    expect(getRun(db, runId)?.status).toBe('interrupted')
    const steps = listMetrics(db, runId, { name: 'loss' }).map((p) => p.step)
    expect(steps.length).toBeGreaterThanOrEqual(acknowledged)
    expect(steps).toEqual(steps.map((_, i) => i + 1))
  } finally {
    db.close()
  }
}

describe('the backend process killed mid-write', { timeout: 150_000 }, () => {
  it('browser mode: `rnn-studio web` killed while a run logs every step', async () => {
    home = tempHome('rnn-studio-faults-')
    const web = startCli(['web', '--json', '--home', home.path])
    started.push(web)
    const [, url] = await web.waitFor(/"url":"([^"]+)"/)
    const token = new URL(url).searchParams.get('token')!
    const client = await connectStudio(url, token)
    let lastStep = 0
    client.on((event, payload) => {
      if (event !== 'runMetricsAppended') return
      for (const p of (payload as { points: MetricPointData[] }).points) {
        if (p.name === 'loss') lastStep = Math.max(lastStep, p.step)
      }
    })
    const run = await client.api.startRun(LONG_RUN)
    // Past a checkpoint, and then a seeded moment inside the stream of batch commits.
    await vi.waitFor(() => expect(lastStep).toBeGreaterThanOrEqual(30), { timeout: 90_000 })
    await new Promise((resolve) => setTimeout(resolve, Math.floor(seededRandom(11)() * 300)))
    const trainers = childPids(web.child.pid!)
    expect(trainers.length).toBe(1)
    const acknowledged = lastStep
    web.child.kill('SIGKILL')
    await client.close()
    await checkAfterKill(web, trainers, run.id, acknowledged)
  })

  it('terminal: `rnn-studio train` killed while it logs every step', async () => {
    home = tempHome('rnn-studio-faults-')
    const train = startCli([
      'train',
      ...['--problem', 'adding', '--length', '10', '--examples', '400', '--cell', 'gru'],
      ...['--units', '8', '--steps', '100000', '--batch', '8', '--eval-every', '25'],
      ...['--checkpoint-every', '25', '--log-every', '1', '--backend', 'cpu'],
      ...['--home', home.path]
    ])
    started.push(train)
    const [, runText] = await train.waitFor(/Run #(\d+)/)
    // The progress line after the second evaluation: at least 50 steps are committed.
    const [, stepText] = await train.waitFor(/step (5\d|[6-9]\d|\d{3,})\//)
    const trainers = childPids(train.child.pid!)
    expect(trainers.length).toBe(1)
    train.child.kill('SIGKILL')
    await checkAfterKill(train, trainers, Number(runText) as RunId, Number(stepText))
  })
})
