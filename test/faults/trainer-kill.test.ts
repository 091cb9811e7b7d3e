/**
 * The trainer process SIGKILLed at three moments, with the REAL engine (trainer-process.ts forked
 * by the backend's RunSupervisor through child_process, exactly as the studio does):
 *
 * - mid-step: from outside, a seeded few ms after the host hears of step 25 (tfjs is computing);
 * - mid-metrics batch: from inside, right after the trainer handed the batch holding step 25 to
 *   the channel, so the host holds points it has received and not yet committed;
 * - mid-checkpoint write: from inside, while the checkpoint at step 30 (padded to 16 MiB, as a
 *   large model's would be) is still being written, so the host receives a truncated frame.
 *
 * Each time: the run ends `interrupted` with a message saying where resume continues, the database
 * passes `PRAGMA integrity_check`, every point the host received (and so every point it
 * acknowledged with a runMetricsAppended event) is stored, and resuming continues from the last
 * stored checkpoint with the steps after it. All three resumed runs must end with the same curve:
 * resume is exact, so the interruption leaves no trace in the numbers.
 */
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { MetricPointData } from '../../src/shared/api/runs'
import type { RunId } from '../../src/shared/domain/ids'
import { RunConfig } from '../../src/shared/domain/run-config'
import { checkIntegrity, latestCheckpoint, listCheckpoints, listMetrics } from '../../src/store'
import type { ObservedTrainer } from '../support/observed-process-host'
import { openRealStudio, waitForStatus, type RealStudio } from '../support/real-studio'
import { seededRandom } from './seeded-random'

const KILL_ON_SEND = join(import.meta.dirname, 'fixtures', 'kill-on-send.ts')

/**
 * A tiny LSTM on the adding problem, a point every step and a checkpoint every 10 steps, on the
 * default engine (`auto`: the fused native one where it builds, as in CI). Its curves are
 * bit-for-bit reproducible across processes, which the exact-resume check at the end relies on
 * (src/engine/train/fused-engines.test.ts proves that for each fused engine).
 */
const CONFIG = RunConfig.parse({
  backend: 'cpu',
  task: { kind: 'synthetic', problem: 'adding', length: 10, examples: 400 },
  network: { cell: 'lstm', layers: [{ units: 16 }] },
  training: {
    maxSteps: 50,
    batchSize: 16,
    evalEvery: 10,
    checkpointEvery: 10,
    logEvery: 1
  }
})

interface Observed {
  /** Points the host received from the first (killed) trainer, by `name@step`. */
  received: Map<string, number>
  /** Points the backend announced as stored (runMetricsAppended) before the run was resumed. */
  acknowledged: Map<string, number | null>
}

/** The final loss curve of each scenario's resumed run, compared across scenarios at the end. */
const finalCurves = new Map<string, [number, number][]>()

let real: RealStudio | undefined
afterEach(() => real?.dispose())

function key(name: string, step: number): string {
  return `${name}@${step}`
}

function observe(r: RealStudio, runId: () => RunId | undefined): Observed {
  const received = new Map<string, number>()
  const acknowledged = new Map<string, number | null>()
  r.host.onMessage((trainer, message) => {
    const m = message as { type?: string; points?: { name: string; step: number; value: number }[] }
    if (trainer !== r.host.trainers[0] || m.type !== 'metrics' || !m.points) return
    for (const p of m.points) received.set(key(p.name, p.step), p.value)
  })
  r.studio.events.on((event, payload) => {
    if (event !== 'runMetricsAppended') return
    const { runId: id, points } = payload as { runId: RunId; points: MetricPointData[] }
    if (id !== runId() || r.host.trainers.length > 1) return
    for (const p of points) acknowledged.set(key(p.name, p.step), p.value)
  })
  return { received, acknowledged }
}

/** Trains until the fault, checks what the store kept, resumes and checks the continued curve. */
async function survive(
  scenario: string,
  arm: (r: RealStudio, trainer: () => ObservedTrainer | undefined) => void,
  env: Record<string, string> = {}
): Promise<{ checkpointStep: number; first: ObservedTrainer }> {
  // Only the first trainer carries the fault; the resumed one trains to the end.
  real = await openRealStudio({
    preload: [KILL_ON_SEND],
    env: (index) => (index === 0 ? env : {})
  })
  const r = real
  // The events carry run ids; the id is only known once the run is started.
  const started: { runId?: RunId } = {}
  const seen = observe(r, () => started.runId)
  arm(r, () => r.host.trainers[0])
  const runId = (await r.studio.service.startRun(CONFIG)).id
  started.runId = runId
  await waitForStatus(r, runId, ['interrupted', 'completed', 'failed'])
  const exit = await r.host.trainers[0].exited

  // The run is interrupted, by a kill, and says where it will continue.
  const { run } = await r.studio.service.getRun({ runId })
  expect(exit.signal).toBe('SIGKILL')
  expect(run.status).toBe('interrupted')
  const checkpoint = latestCheckpoint(r.studio.db, runId)
  expect(checkpoint).toBeDefined()
  const checkpointStep = checkpoint!.step
  expect(run.error).toContain(`Resume continues from its checkpoint at step ${checkpointStep}.`)
  expect(checkIntegrity(r.studio.db)).toEqual([])

  // Nothing the host received is missing, nothing it acknowledged differs from the store.
  const stored = new Map(
    listMetrics(r.studio.db, runId).map((p) => [key(p.name, p.step), p.value] as const)
  )
  expect(seen.received.size).toBeGreaterThan(0)
  for (const [k, value] of seen.received) expect(stored.get(k), k).toBe(value)
  for (const [k, value] of seen.acknowledged) expect(stored.get(k) ?? null, k).toBe(value)
  const lossBefore = listMetrics(r.studio.db, runId, { name: 'loss' })
  // logEvery 1: the stored curve is every step from 1, with no hole (batches commit whole, in order).
  expect(lossBefore.map((p) => p.step)).toEqual(lossBefore.map((_, i) => i + 1))

  // Resume: a second trainer continues after the checkpoint and the run completes.
  await r.studio.service.resumeRun({ runId })
  await waitForStatus(r, runId, ['completed', 'failed', 'interrupted'])
  const detail = await r.studio.service.getRun({ runId })
  expect(detail.run.status, detail.run.error ?? '').toBe('completed')
  const resumed = r.host.trainers[1]
  const firstResumedStep = resumed.messages
    .map((m) => m as { type?: string; points?: { step: number }[] })
    .find((m) => m.type === 'metrics')?.points?.[0]?.step
  expect(firstResumedStep).toBe(checkpointStep + 1)
  const lossAfter = listMetrics(r.studio.db, runId, { name: 'loss' })
  expect(lossAfter.map((p) => p.step)).toEqual(
    Array.from({ length: CONFIG.training.maxSteps }, (_, i) => i + 1)
  )
  // The part before the checkpoint is the first trainer's, untouched.
  expect(lossAfter.slice(0, checkpointStep)).toEqual(lossBefore.slice(0, checkpointStep))
  expect(listCheckpoints(r.studio.db, runId).at(-1)?.step).toBe(CONFIG.training.maxSteps)
  expect(checkIntegrity(r.studio.db)).toEqual([])
  finalCurves.set(
    scenario,
    lossAfter.map((p) => [p.step, p.value])
  )
  return { checkpointStep, first: r.host.trainers[0] }
}

describe('the trainer process killed (real engine)', { timeout: 120_000 }, () => {
  it('mid-step: interrupted, store intact, resumes after its last checkpoint', async () => {
    const random = seededRandom(7)
    const { checkpointStep } = await survive('mid-step', (r, trainer) => {
      let armed = true
      r.host.onMessage((from, message) => {
        const m = message as { type?: string; points?: { step: number }[] }
        if (!armed || from !== trainer() || m.type !== 'metrics') return
        if (!m.points?.some((p) => p.step >= 25)) return
        armed = false
        // A step of this network takes a few ms on cpu: land somewhere inside the next ones.
        setTimeout(() => from.handle.kill(), Math.floor(random() * 20))
      })
    })
    expect(checkpointStep).toBeGreaterThanOrEqual(20)
  })

  it('mid-metrics batch: every point the host had received is stored', async () => {
    const { first } = await survive('mid-metrics', () => {}, {
      RNN_STUDIO_FAULT_KILL_ON: 'metrics@25'
    })
    // The trainer batches a few steps per message: the one that reached step 25 was cut.
    const step = Number(
      /fault: SIGKILL while sending metrics at step (\d+)/.exec(first.output.join('\n'))?.[1]
    )
    expect(step).toBeGreaterThanOrEqual(25)
  })

  it('mid-checkpoint write: the half-sent checkpoint is not stored; resume uses the one before', async () => {
    const { checkpointStep, first } = await survive('mid-checkpoint', () => {}, {
      RNN_STUDIO_FAULT_KILL_ON: 'checkpoint@30'
    })
    expect(first.output.join('\n')).toMatch(/fault: SIGKILL while sending checkpoint at step 30/)
    const received = first.messages
      .map((m) => m as { type?: string; checkpoint?: { step: number } })
      .filter((m) => m.type === 'checkpoint')
      .map((m) => m.checkpoint?.step)
    expect(received, 'the host must not have received the cut-off checkpoint').toEqual([10, 20])
    // Checkpoints at 10 and 20 were stored; the one at 30 never arrived whole.
    expect(checkpointStep).toBe(20)
  })
})

afterAll(() => {
  // Exact resume: however a run was interrupted, its finished curve is the same.
  const curves = [...finalCurves.values()]
  if (curves.length < 2) return
  for (const curve of curves.slice(1)) expect(curve).toEqual(curves[0])
})
