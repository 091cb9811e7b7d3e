import { describe, expect, it, vi } from 'vitest'
import type { RunId } from '../../shared/domain/ids'
import { RunConfig } from '../../shared/domain/run-config'
import { TrainerToHost } from '../../shared/protocol/trainer'
import { DataError } from '../data/errors'
import type { TrainResult } from '../train/types'
import type { ParentPort } from './parent-port'
import { serveTrainer, type TrainFunction } from './trainer-runtime'

const config = RunConfig.parse({
  task: { kind: 'synthetic', problem: 'adding', length: 10 },
  network: { cell: 'lstm', layers: [{ units: 8 }] }
})
const start = { type: 'start', seq: 0, runId: 1 as RunId, config, dataset: null, resume: null }

function result(steps: number, status: TrainResult['status'] = 'completed'): TrainResult {
  return {
    status,
    reason: status === 'stopped' ? 'stopped by the user' : 'max steps',
    steps,
    bestValLoss: null,
    finalMetrics: { loss: 0.5 },
    evaluation: null,
    stepsPerSecond: 10,
    timestepsPerSecond: 100
  }
}

/** A port whose sent messages are recorded (and checked against the protocol). */
function fakePort(): { port: ParentPort; sent: TrainerToHost[]; deliver(message: unknown): void } {
  const sent: TrainerToHost[] = []
  let listener: (message: unknown) => void = () => {}
  return {
    sent,
    deliver: (message) => listener(message),
    port: {
      send: async (message) => void sent.push(TrainerToHost.parse(message)),
      onMessage: (l) => (listener = l),
      onDisconnect: () => {}
    }
  }
}

const types = (sent: TrainerToHost[]): string[] =>
  sent.map((m) => (m.type === 'status' ? `status:${m.status}` : m.type))

describe('serveTrainer', () => {
  it('trains on start, batches metrics, sends metrics before a checkpoint, ends with done', async () => {
    const { port, sent, deliver } = fakePort()
    const train: TrainFunction = async (job, { hooks, report }) => {
      expect(job.config.training.maxSteps).toBe(2000)
      report({ message: 'warming up' })
      await hooks.control()
      for (let step = 1; step <= 5; step++) {
        hooks.onMetrics([{ step, epoch: 0, name: 'loss', value: 1 / step, time: step }])
      }
      await hooks.onCheckpoint({
        step: 5,
        epoch: 0,
        weights: new Uint8Array([1, 2, 3, 4]),
        optimizerState: null,
        valLoss: NaN, // a diverged validation still checkpoints
        isBest: false,
        meta: {} as never
      })
      hooks.onMetrics([{ step: 6, epoch: 0, name: 'loss', value: NaN, time: 6 }])
      return result(6)
    }
    const served = serveTrainer(port, train, { metricsMaxPoints: 3, metricsIntervalMs: 10_000 })
    deliver(start)
    await served
    expect(types(sent)).toEqual([
      'reply',
      'status:preparing',
      'status:preparing',
      'status:running',
      'metrics', // steps 1–3: the batch filled up
      'metrics', // steps 4–5: flushed before the checkpoint
      'checkpoint',
      'metrics', // step 6: flushed before done
      'done'
    ])
    const metrics = sent.filter((m) => m.type === 'metrics')
    expect(metrics.map((m) => m.points.map((p) => p.step))).toEqual([[1, 2, 3], [4, 5], [6]])
    expect(metrics[2].points[0].value).toBeNaN()
    expect(sent.at(-1)).toEqual({
      type: 'done',
      status: 'completed',
      reason: 'max steps',
      summary: {
        steps: 6,
        bestValLoss: null,
        finalMetrics: { loss: 0.5 },
        evaluation: null,
        stepsPerSecond: 10,
        timestepsPerSecond: 100
      }
    })
  })

  it('pauses between steps, resumes, and stops with the loop’s own result', async () => {
    const { port, sent, deliver } = fakePort()
    let steps = 0
    const train: TrainFunction = async (_job, { hooks }) => {
      while ((await hooks.control()) === 'continue') {
        steps++
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      return result(steps, 'stopped')
    }
    const served = serveTrainer(port, train)
    deliver(start)
    await vi.waitFor(() => expect(steps).toBeGreaterThan(2))
    deliver({ type: 'pause', seq: 1 })
    await vi.waitFor(() => expect(types(sent)).toContain('status:paused'))
    const pausedAt = steps
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(steps).toBe(pausedAt)
    deliver({ type: 'resume', seq: 2 })
    await vi.waitFor(() => expect(steps).toBeGreaterThan(pausedAt + 2))
    deliver({ type: 'pause', seq: 3 })
    await vi.waitFor(() => expect(types(sent).filter((t) => t === 'status:paused')).toHaveLength(2))
    deliver({ type: 'stop', seq: 4 }) // stop wakes a paused loop
    await served
    // Stopped while paused: no 'running' in between.
    expect(types(sent).slice(-3)).toEqual(['status:paused', 'reply', 'done'])
    expect(sent.filter((m) => m.type === 'reply').map((m) => m.type === 'reply' && m.seq)).toEqual([
      0, 1, 2, 3, 4
    ])
    expect(sent.at(-1)).toMatchObject({ type: 'done', status: 'stopped' })
  })

  it('ignores malformed messages, answers what it can, and refuses a second start', async () => {
    const { port, sent, deliver } = fakePort()
    const logs: string[] = []
    let release: () => void = () => {}
    const train: TrainFunction = async () => {
      await new Promise<void>((resolve) => (release = resolve))
      return result(1)
    }
    const served = serveTrainer(port, train, { log: (l) => logs.push(l) })
    deliver('hello')
    deliver({ type: 'pause', seq: 7, extra: true })
    deliver({ type: 'launch', seq: 'x' })
    deliver(start)
    deliver({ ...start, seq: 8 })
    release()
    await served
    const replies = sent.filter((m) => m.type === 'reply')
    expect(replies).toEqual([
      {
        type: 'reply',
        seq: 7,
        ok: false,
        error: { name: 'ApiError', code: 'INVALID_INPUT', message: expect.any(String) }
      },
      { type: 'reply', seq: 0, ok: true },
      {
        type: 'reply',
        seq: 8,
        ok: false,
        error: { name: 'ApiError', code: 'CONFLICT', message: 'Already training.' }
      }
    ])
    expect(logs.filter((l) => l.startsWith('ignored an invalid message'))).toHaveLength(3)
  })

  it('reports a data problem in its own words and anything else as a training failure', async () => {
    for (const [error, expected] of [
      [
        new DataError('TOO_SHORT', 'The text is too short: add more.'),
        'The text is too short: add more.'
      ],
      [new Error('tensor shapes disagree'), 'Training failed: tensor shapes disagree']
    ] as const) {
      const { port, sent, deliver } = fakePort()
      const served = serveTrainer(port, async () => {
        throw error
      })
      deliver(start)
      await served
      expect(sent.at(-1)).toEqual({
        type: 'done',
        status: 'failed',
        reason: 'error',
        summary: {},
        error: expected
      })
    }
  })
})
