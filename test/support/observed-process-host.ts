/**
 * A ProcessHost that forks real trainer processes (child_process through tsx, exactly as the
 * studio does) and lets a test see what each one sent and kill it at a moment of its choosing.
 * Optional `--import` modules run in the trainer before its entry: the fault injectors of
 * test/faults/fixtures use this to act from inside the real trainer-process.ts.
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import {
  childProcessHost,
  type ProcessExit,
  type ProcessHost,
  type TrainerHandle
} from '../../src/backend/process-host'

/** One forked trainer as the test sees it. */
export interface ObservedTrainer {
  handle: TrainerHandle
  /** Every message it sent, in arrival order, before the supervisor saw it. */
  messages: unknown[]
  /** Its output lines (stdout and stderr). */
  output: string[]
  /** Resolves when the process has ended. */
  exited: Promise<ProcessExit>
}

export interface ObservedHost extends ProcessHost {
  /** Trainers forked so far, oldest first. */
  readonly trainers: ObservedTrainer[]
  /** Called with each trainer's messages as they arrive (before the supervisor handles them). */
  onMessage(listener: (trainer: ObservedTrainer, message: unknown) => void): void
}

export interface ObservedHostOptions {
  /** Modules (absolute paths) the trainer imports before its entry. */
  preload?: string[]
  /**
   * Extra environment for the trainers (the injectors read their orders from it); a function gets
   * the fork's index (0 for the first trainer), so a fault can be injected into one process only.
   */
  env?: Record<string, string> | ((index: number) => Record<string, string>)
}

export function observedProcessHost(options: ObservedHostOptions = {}): ObservedHost {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const execArgv = ['--import', tsx]
  for (const module of options.preload ?? []) execArgv.push('--import', pathToFileURL(module).href)
  const inner = childProcessHost({ execArgv })
  const trainers: ObservedTrainer[] = []
  const listeners: ((trainer: ObservedTrainer, message: unknown) => void)[] = []
  return {
    trainers,
    onMessage: (listener) => void listeners.push(listener),
    fork(entry, forkOptions) {
      const extra = typeof options.env === 'function' ? options.env(trainers.length) : options.env
      const handle = inner.fork(entry, { ...forkOptions, env: { ...forkOptions.env, ...extra } })
      let resolveExit: (exit: ProcessExit) => void = () => {}
      const trainer: ObservedTrainer = {
        handle,
        messages: [],
        output: [],
        exited: new Promise((resolve) => (resolveExit = resolve))
      }
      trainers.push(trainer)
      // Registered before the supervisor's listeners, so a test sees a message first.
      handle.onMessage((message) => {
        trainer.messages.push(message)
        for (const listener of listeners) listener(trainer, message)
      })
      handle.onOutput((line) => trainer.output.push(line))
      handle.onExit((exit) => resolveExit(exit))
      return handle
    }
  }
}
