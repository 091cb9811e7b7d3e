/**
 * How the backend starts trainer processes. The supervisor only knows `ProcessHost`; this file has
 * the `child_process.fork` implementation (server, CLI, tests). The Electron app supplies a
 * `utilityProcess.fork` one from src/main, which is why the interface stays this small.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

/** How a process ended: an exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null
  signal: string | null
}

/** One running trainer process, seen from the host. */
export interface TrainerHandle {
  readonly pid: number | undefined
  /** Sends one structured-clonable message; dropped (and reported false) when the process is gone. */
  send(message: unknown): boolean
  onMessage(listener: (message: unknown) => void): void
  /** Called once, when the process has ended (or could not be started at all). */
  onExit(listener: (exit: ProcessExit) => void): void
  /** Lines the process wrote to stdout/stderr (tfjs notices, stack traces), for the host's log. */
  onOutput(listener: (line: string) => void): void
  /** Ends the process at once (SIGKILL); the graceful way is a `stop` message. */
  kill(): void
}

export interface ForkOptions {
  /** A name for logs and process listings, e.g. `trainer-run-12`. */
  name: string
  /** Extra environment variables on top of the host's. */
  env?: Record<string, string>
}

/** Starts trainer processes from an entry module. */
export interface ProcessHost {
  fork(entry: string, options: ForkOptions): TrainerHandle
}

/**
 * The tsx loader as a file URL. `--import tsx` alone is resolved from the child's working
 * directory, which is wherever the user ran the CLI; an absolute URL works from anywhere.
 */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
}

/**
 * `child_process.fork` of a TypeScript entry through tsx (Node 20 `--import` of tsx 4's loader,
 * which registers its ESM and CJS hooks). `serialization: 'advanced'` sends messages by structured
 * clone, so checkpoint blobs travel as Uint8Arrays rather than as JSON arrays of numbers.
 */
export function childProcessHost(options: { execArgv?: string[] } = {}): ProcessHost {
  return {
    fork(entry, forkOptions) {
      const execArgv = options.execArgv ?? ['--import', tsxLoaderUrl()]
      const child = fork(entry, [], {
        execArgv,
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, ...forkOptions.env }
      })
      return wrapChild(child)
    }
  }
}

function wrapChild(child: ChildProcess): TrainerHandle {
  let exited = false
  const exitListeners: ((exit: ProcessExit) => void)[] = []
  const outputListeners: ((line: string) => void)[] = []
  const finish = (exit: ProcessExit): void => {
    if (exited) return
    exited = true
    for (const listener of exitListeners) listener(exit)
  }
  // 'exit' can come before the pipes drain; 'close' comes after both, so the last output lines
  // (often the reason for a crash) reach the log before the exit is reported.
  child.once('close', (code, signal) => finish({ code, signal }))
  child.once('error', (error) => {
    for (const listener of outputListeners) listener(`could not start: ${error.message}`)
    // A failed spawn never emits 'close'; a failed kill/send on a live child is not an exit.
    if (child.pid === undefined) finish({ code: null, signal: null })
  })
  for (const stream of [child.stdout, child.stderr]) {
    let partial = ''
    stream?.setEncoding('utf8')
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) for (const listener of outputListeners) listener(line)
    })
    stream?.on('end', () => {
      if (partial) for (const listener of outputListeners) listener(partial)
      partial = ''
    })
  }
  return {
    get pid() {
      return child.pid
    },
    send(message) {
      if (exited || !child.connected) return false
      try {
        // false from send() only means a backlog; the message is still queued.
        child.send(message as never, (error) => {
          // The channel closed between the check and the write: the exit is reported separately.
          if (error)
            for (const listener of outputListeners) listener(`send failed: ${error.message}`)
        })
        return true
      } catch {
        return false
      }
    },
    onMessage: (listener) => void child.on('message', (message) => listener(message)),
    onExit: (listener) => void exitListeners.push(listener),
    onOutput: (listener) => void outputListeners.push(listener),
    kill() {
      if (!exited) child.kill('SIGKILL')
    }
  }
}
