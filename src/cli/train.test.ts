/**
 * `rnn-studio train / resume / runs show` in-process, training with the fake trainer
 * (test/fixtures/fake-trainer.ts) in real child processes. The real engine is exercised by
 * test/integration/real-engine.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import type { Interrupts } from './commands/train'
import { runCli } from './main'
import type { Output } from './output'

const FAKE_TRAINER = fileURLToPath(
  new URL('../../test/fixtures/fake-trainer-process.ts', import.meta.url)
)

let home: ReturnType<typeof tempHome>
beforeEach(() => {
  home = tempHome()
  mkdirSync(join(home.path, 'resources'))
})
afterEach(() => home.remove())

/** Ctrl-C on demand: `press()` calls what the command registered. */
function keyboard(): { interrupts: Interrupts; press(): void } {
  let handler: (() => void) | null = null
  return {
    interrupts: (onInterrupt) => {
      handler = onInterrupt
      return () => (handler = null)
    },
    press: () => handler?.()
  }
}

async function cli(
  args: string[],
  interrupts?: Interrupts,
  stderr: string[] = []
): Promise<{ code: number; stdout: string; stderr: string[] }> {
  const stdout: string[] = []
  const io: Output = {
    json: args.includes('--json'),
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t)
  }
  const code = await runCli([...args, '--home', join(home.path, 'home')], {
    output: io,
    interrupts,
    studio: { trainerEntry: FAKE_TRAINER, resourcesDir: join(home.path, 'resources') }
  })
  return { code, stdout: stdout.join('\n'), stderr }
}

const SYNTHETIC = ['--problem', 'adding', '--length', '10', '--units', '8', '--eval-every', '10']

describe('rnn-studio train', () => {
  it('trains to the end and prints the result as JSON, with progress on stderr', async () => {
    const result = await cli(['train', ...SYNTHETIC, '--steps', '40', '--name', 'ms=2', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      runId: 1,
      name: 'ms=2',
      status: 'completed',
      reason: 'reached max steps',
      error: null,
      backend: 'cpu',
      steps: 40,
      finalMetrics: { loss: 1 / 40 },
      bestValLoss: 2 / 40,
      stepsPerSecond: expect.any(Number)
    })
    // Not a terminal: one plain line per evaluation.
    expect(result.stderr.filter((l) => l.startsWith('step '))).toEqual([
      expect.stringMatching(/^step 10\/40 {2}loss 0\.1000 {2}val 0\.2000/),
      expect.stringMatching(/^step 20\/40 /),
      expect.stringMatching(/^step 30\/40 /),
      expect.stringMatching(/^step 40\/40 {2}loss 0\.0250 {2}val 0\.0500 .*steps\/s {2}ETA 0s$/)
    ])
  })

  it('stops cleanly on Ctrl-C, resumes, and is abandoned by a second Ctrl-C', async () => {
    const keys = keyboard()
    const progress: string[] = []
    const evaluations = (): number => progress.filter((l) => l.startsWith('step ')).length
    const train = cli(
      ['train', ...SYNTHETIC, '--steps', '100000', '--name', 'ms=5', '--json'],
      keys.interrupts,
      progress
    )
    await waitFor(() => evaluations() >= 2)
    keys.press()
    const stopped = await train
    expect(stopped.code).toBe(0)
    const summary = JSON.parse(stopped.stdout)
    expect(summary).toMatchObject({ status: 'stopped', reason: 'stopped by the user' })
    expect(summary.lastCheckpointStep).toBe(summary.steps)
    expect(stopped.stderr).toContain(
      'Stopping after the current step, with a checkpoint (Ctrl-C again to abandon it)…'
    )

    const again = keyboard()
    progress.length = 0
    const resumed = cli(['resume', '1'], again.interrupts, progress)
    await waitFor(() => evaluations() >= 2)
    again.press()
    again.press()
    const abandoned = await resumed
    expect(abandoned.code).toBe(1)
    expect(abandoned.stdout).toMatch(/^Run #1 interrupted/)
    expect(abandoned.stdout).toContain('Continue with: rnn-studio resume 1')

    const shown = await cli(['runs', 'show', '1'])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/^ms=5 \(#1, synthetic\) — interrupted/)
    expect(shown.stdout).toMatch(/METRIC +POINTS +LAST +LOWEST\nloss +\d+/)
    expect(shown.stdout).toMatch(/CHECKPOINT +STEP +VAL LOSS +BEST +SIZE +SAVED/)
    const json = JSON.parse((await cli(['runs', 'show', '1', '--json'])).stdout)
    // Abandoned between checkpoints (every 500 steps): the stop's checkpoint is still the last,
    // and that is where the next resume would continue.
    expect(json.checkpoints.at(-1).step).toBe(summary.steps)
    expect(json.lastStep).toBeGreaterThan(summary.steps)
    expect(json.run.error).toBe(
      `Abandoned with a second Ctrl-C. Resume continues from its checkpoint at step ${summary.steps}.`
    )
    expect(json.metrics.map((s: { name: string }) => s.name)).toEqual(['loss', 'val_loss'])
  })

  it('exits 1 with the reason when the run fails', async () => {
    const result = await cli(['train', ...SYNTHETIC, '--name', 'fail=data', '--json'])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'failed',
      error: 'The text has 12 characters; a network needs at least 1,000.'
    })
  })

  it('exits 2 for a command line it cannot turn into a run', async () => {
    const config = join(home.path, 'run.json')
    writeFileSync(config, '{"task": ')
    for (const args of [
      ['train', '--units', '8'],
      ['train', '--config', config],
      ['train', '--config', join(home.path, 'missing.json')],
      ['train', '--config', config, '--preset', 'copy-first'],
      ['train', ...SYNTHETIC, '--steps', '-5'],
      ['resume'],
      ['sample', 'x'],
      ['predict', '1']
    ]) {
      expect((await cli(args)).code, args.join(' ')).toBe(2)
    }
    expect((await cli(['resume', '99'])).code).toBe(1) // no such run: not a usage error
  })

  it('starts from a --config file with flags laid over it', async () => {
    const config = join(home.path, 'run.json')
    writeFileSync(
      config,
      JSON.stringify({
        name: 'ms=1',
        task: { kind: 'synthetic', problem: 'copy-first', length: 5 },
        network: { cell: 'gru', layers: [{ units: 4 }] },
        training: { maxSteps: 1000, evalEvery: 5, logEvery: 1 }
      })
    )
    const result = await cli(['train', '--config', config, '--steps', '10', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed', steps: 10 })
  })
})

async function waitFor(check: () => boolean): Promise<void> {
  const until = Date.now() + 20_000
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
