/**
 * The studio's home runs out of space, or turns read-only, while a run trains (real engine, real
 * trainer process, the home on a tiny tmpfs; skipped with the reason where mounting is not
 * permitted). The run must pause with a message that says what happened and what to do, every
 * checkpoint in the store must be whole, the database must pass its integrity check, the studio
 * must go on answering, and once space is back the run goes on where it paused, nothing lost.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatchRequest } from '../../src/backend/dispatch'
import { RunConfig } from '../../src/shared/domain/run-config'
import {
  checkIntegrity,
  getRun,
  latestCheckpoint,
  listCheckpoints,
  listMetrics
} from '../../src/store'
import { runCli } from '../support/cli-process'
import { hashFiles } from '../support/hash-files'
import { openRealStudio, waitForStatus, type RealStudio } from '../support/real-studio'
import { mountTmpfs, type Tmpfs } from './tmpfs'

/** LSTM 32: each checkpoint (weights and Adam slots) is ~54 KiB, so 700 KiB fills in a few. */
const CONFIG = RunConfig.parse({
  backend: 'cpu',
  task: { kind: 'synthetic', problem: 'adding', length: 10, examples: 400 },
  network: { cell: 'lstm', layers: [{ units: 32 }] },
  training: { maxSteps: 80, batchSize: 8, evalEvery: 5, checkpointEvery: 5, logEvery: 1 }
})

let real: RealStudio | undefined
let fs: Tmpfs | undefined
afterEach(() => {
  real?.dispose()
  real = undefined
  fs?.remove()
  fs = undefined
})

/** Every checkpoint is whole: the same blob sizes as the first, and its weights read back. */
function expectWholeCheckpoints(r: RealStudio, runId: Parameters<typeof listCheckpoints>[1]): void {
  const checkpoints = listCheckpoints(r.studio.db, runId)
  expect(checkpoints.length).toBeGreaterThan(0)
  for (const c of checkpoints) {
    expect(c.weightsBytes).toBe(checkpoints[0].weightsBytes)
    expect(c.optimizerStateBytes).toBe(checkpoints[0].optimizerStateBytes)
  }
  const latest = latestCheckpoint(r.studio.db, runId)!
  expect(latest.weights.byteLength).toBe(checkpoints[0].weightsBytes)
}

describe('no space left, or a read-only home, while training', { timeout: 150_000 }, () => {
  it('disk full: the run pauses saying so, nothing is half-written, and it goes on once space is back', async (ctx) => {
    const mounted = mountTmpfs('700k')
    if ('skip' in mounted) return ctx.skip(mounted.skip)
    fs = mounted
    real = await openRealStudio({ home: join(fs.path, 'home') })
    const { id: runId } = await real.studio.service.startRun(CONFIG)
    await waitForStatus(real, runId, ['paused', 'failed', 'interrupted', 'completed'])

    // The API shows the pause at once, even while the store cannot record it; the trainer lives on,
    // paused, and what it sent meanwhile waits in the studio's memory.
    const { run, checkpoints } = await real.studio.service.getRun({ runId })
    expect(run.status, run.error ?? '').toBe('paused')
    expect(run.error).toMatch(/the disk is full\. Free some space/)
    expect(run.error).toMatch(/The run is paused; resume it once there is space\./)
    expect(real.host.trainers).toHaveLength(1)
    expect(checkpoints.at(-1)!.step).toBeLessThan(CONFIG.training.maxSteps)
    expect(checkIntegrity(real.studio.db)).toEqual([])
    expectWholeCheckpoints(real, runId)
    const steps = listMetrics(real.studio.db, runId, { name: 'loss' }).map((p) => p.step)
    expect(steps).toEqual(steps.map((_, i) => i + 1))
    // The studio still answers; resuming while the disk is still full is refused, still paused.
    expect((await real.studio.service.listRuns({ limit: 10 })).map((r) => r.status)).toEqual([
      'paused'
    ])
    const refused = await dispatchRequest(real.studio.service, 'resumeRun', { runId })
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(!refused.ok && refused.error.message).toMatch(/^The run stays paused: .*disk is full/)
    expect((await real.studio.service.getRun({ runId })).run.status).toBe('paused')

    // Space comes back: resume stores what waited, then the same trainer trains on to the end.
    fs.remount('size=64m')
    await real.studio.service.resumeRun({ runId })
    await waitForStatus(real, runId, ['completed', 'failed', 'interrupted'])
    const resumed = await real.studio.service.getRun({ runId })
    expect(resumed.run.status, resumed.run.error ?? '').toBe('completed')
    expect(resumed.run.error).toBeNull()
    expect(real.host.trainers).toHaveLength(1) // never restarted: nothing was lost
    const after = listMetrics(real.studio.db, runId, { name: 'loss' }).map((p) => p.step)
    expect(after).toEqual(Array.from({ length: CONFIG.training.maxSteps }, (_, i) => i + 1))
    expect(getRun(real.studio.db, runId)?.status).toBe('completed')
    expect(checkIntegrity(real.studio.db)).toEqual([])
  })

  it('read-only home: the studio refuses to start, says why and what to do, and changes nothing', async (ctx) => {
    const mounted = mountTmpfs('8m')
    if ('skip' in mounted) return ctx.skip(mounted.skip)
    fs = mounted
    const home = join(fs.path, 'home')
    const first = await runCli(['runs', 'list', '--json', '--home', home])
    expect(first.code, first.stderr).toBe(0)
    const before = hashFiles(home)
    // A folder that cannot be written at all: the whole file system read-only.
    fs.remount('ro')
    const refused = await runCli(['runs', 'list', '--home', home])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/rnn-studio: The database file "[^"]+studio\.db" /)
    expect(refused.stderr).toMatch(/Check that (you may write|its folder exists)/)
    expect(refused.stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(hashFiles(home)).toEqual(before)
  })
})
