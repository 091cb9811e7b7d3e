/**
 * The `rnn-studio` command: the same backend and store as the app, from a terminal.
 * `runCli` is pure of process state (argv and output are passed in), so tests drive it in-process.
 */
import { parseArgs } from 'node:util'
import { packageVersion, sourceLayout } from '../backend/app-info'
import { resolveHome } from '../backend/paths'
import { openStudio, type Studio } from '../backend/studio'
import { ApiError } from '../shared/api/errors'
import { startBrowserMode } from '../server/browser-mode'
import { StoreError } from '../store/errors'
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './cli-error'
import { datasetsCommand } from './commands/datasets'
import { runsCommand } from './commands/runs'
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
  port: { type: 'string' }
} as const

export interface CliContext {
  output?: Output
  /** Called by `web` with the running server, instead of waiting for Ctrl-C (tests). */
  onServing?: (url: string, stop: () => Promise<void>) => void
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
    if (!['info', 'datasets', 'runs', 'web'].includes(command)) {
      throw new UsageError(`Unknown command "${command}".`)
    }
    const layout = sourceLayout()
    studio = await openStudio({
      home: resolveHome(values.home),
      resourcesDir: layout.resources,
      version: packageVersion()
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
        open.close()
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
