/**
 * The `rnn-studio` command: the same backend and store as the app, from a terminal.
 * `runCli` is pure of process state (argv and output are passed in), so tests drive it in-process.
 */
import { parseArgs } from 'node:util'
import { packageVersion, sourceLayout } from '../backend/app-info'
import { resolveHome } from '../backend/paths'
import { openStudio, type Studio, type StudioOptions } from '../backend/studio'
import { ApiError } from '../shared/api/errors'
import { startBrowserMode } from '../server/browser-mode'
import { StoreError } from '../store/errors'
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './cli-error'
import { datasetsCommand } from './commands/datasets'
import { exportCommand } from './commands/export'
import { predictCommand, sampleCommand } from './commands/inference'
import { runsCommand } from './commands/runs'
import { processInterrupts, resumeCommand, trainCommand, type Interrupts } from './commands/train'
import { processOutput, type Output } from './output'
import { USAGE } from './usage'

const OPTIONS = {
  home: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  name: { type: 'string' },
  kind: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  port: { type: 'string' },
  // train: what to start from
  config: { type: 'string' },
  preset: { type: 'string' },
  // train: the task
  task: { type: 'string' },
  dataset: { type: 'string' },
  problem: { type: 'string' },
  length: { type: 'string' },
  examples: { type: 'string' },
  tokens: { type: 'string' },
  'seq-len': { type: 'string' },
  vocab: { type: 'string' },
  target: { type: 'string' },
  features: { type: 'string' },
  lookback: { type: 'string' },
  horizon: { type: 'string' },
  'max-length': { type: 'string' },
  'fold-accents': { type: 'boolean' },
  source: { type: 'string' },
  digits: { type: 'string' },
  // train: the network
  cell: { type: 'string' },
  units: { type: 'string' },
  bidirectional: { type: 'boolean' },
  dropout: { type: 'string' },
  embedding: { type: 'string' },
  activation: { type: 'string' },
  // train: the training
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  epochs: { type: 'string' },
  'time-budget': { type: 'string' },
  'eval-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'log-every': { type: 'string' },
  seed: { type: 'string' },
  clip: { type: 'string' },
  'val-split': { type: 'string' },
  engine: { type: 'string' },
  backend: { type: 'string' },
  // sample / predict
  prime: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  input: { type: 'string' },
  // export
  format: { type: 'string' },
  out: { type: 'string' },
  checkpoint: { type: 'string' },
  curves: { type: 'boolean' }
} as const

const COMMANDS = [
  'info',
  'datasets',
  'runs',
  'web',
  'train',
  'resume',
  'sample',
  'predict',
  'export'
]

export interface CliContext {
  output?: Output
  /** Called by `web` with the running server, instead of waiting for Ctrl-C (tests). */
  onServing?: (url: string, stop: () => Promise<void>) => void
  /** Where `train`/`resume` hear Ctrl-C; default: the process's SIGINT (tests pass their own). */
  interrupts?: Interrupts
  /** Overrides for the studio the command opens (tests: a fake trainer, no samples). */
  studio?: Partial<Pick<StudioOptions, 'trainerEntry' | 'resourcesDir' | 'probeBackend'>>
}

function reportError(error: unknown, output: Output): number {
  const code = error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED
  const message = error instanceof Error ? error.message : String(error)
  const kind =
    error instanceof UsageError
      ? 'USAGE'
      : error instanceof ApiError || error instanceof StoreError
        ? error.code
        : 'INTERNAL'
  if (output.json) output.out(JSON.stringify({ error: { code: kind, message } }))
  else output.err(`rnn-studio: ${message}${code === EXIT_USAGE ? '\nTry: rnn-studio --help' : ''}`)
  return code
}

export async function runCli(argv: string[], context: CliContext = {}): Promise<number> {
  let output = context.output ?? processOutput(argv.includes('--json'))
  let studio: Studio | undefined
  try {
    let parsed
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error))
    }
    const { values, positionals } = parsed
    output = context.output ?? processOutput(values.json)
    const [command, ...rest] = positionals
    if (values.help || command === undefined || command === 'help') {
      output.out(USAGE)
      return EXIT_OK
    }
    if (!COMMANDS.includes(command)) {
      throw new UsageError(`Unknown command "${command}".`)
    }
    const layout = sourceLayout()
    studio = await openStudio({
      home: resolveHome(values.home),
      resourcesDir: layout.resources,
      version: packageVersion(),
      ...context.studio
    })
    if (command === 'info') {
      const info = await studio.service.getStudioInfo({})
      if (output.json) output.out(JSON.stringify(info, null, 2))
      else {
        output.out(
          `RNN Studio ${info.version}\nhome:     ${info.home}\ndatabase: ${info.databasePath}`
        )
        output.out(`backend:  ${info.backend.selected}${info.backend.forced ? ' (forced)' : ''}`)
        for (const probe of info.backend.probes) {
          output.out(
            `  ${probe.available ? '✓' : '✗'} ${probe.name}${probe.reason ? ` — ${probe.reason}` : ''}`
          )
        }
      }
    } else if (command === 'datasets') {
      await datasetsCommand(studio, rest, values, output)
    } else if (command === 'runs') {
      await runsCommand(studio, rest, values, output)
    } else if (command === 'train' || command === 'resume') {
      const interrupts = context.interrupts ?? processInterrupts
      const ok =
        command === 'train'
          ? await trainCommand(studio, values, output, interrupts)
          : await resumeCommand(studio, rest, output, interrupts)
      return ok ? EXIT_OK : EXIT_FAILED
    } else if (command === 'sample') {
      await sampleCommand(studio, rest, values, output)
    } else if (command === 'predict') {
      await predictCommand(studio, rest, values, output)
    } else if (command === 'export') {
      await exportCommand(studio, rest, values, output)
    } else {
      const port = values.port === undefined ? 0 : Number(values.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError('--port must be 0–65535.')
      const server = await startBrowserMode({
        studio,
        rendererDir: layout.renderer,
        port,
        log: output.err
      })
      const open = studio
      const stop = async (): Promise<void> => {
        await server.close()
        // Runs started from the browser stop after their current step, with a checkpoint.
        await open.shutdown()
      }
      studio = undefined // the server owns it now
      if (output.json) output.out(JSON.stringify({ url: server.url, port: server.port }))
      else output.out(`RNN Studio is serving browser mode at ${server.url}`)
      if (context.onServing) context.onServing(server.url, stop)
      else await waitForSignal(stop)
    }
    return EXIT_OK
  } catch (error) {
    return reportError(error, output)
  } finally {
    studio?.close()
  }
}

function waitForSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      void stop().then(resolve)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
