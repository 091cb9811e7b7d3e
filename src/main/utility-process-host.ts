/**
 * The Electron ProcessHost: trainer processes started with `utilityProcess.fork`, Chromium's
 * sandbox-friendly child process, which the app owns and which dies with it. Messages travel by
 * structured clone, as with `child_process.fork({ serialization: 'advanced' })`.
 */
import type { UtilityProcess } from 'electron'
import type { ProcessExit, ProcessHost, TrainerHandle } from '../backend/process-host'

type Fork = (modulePath: string, args: string[], options: Electron.ForkOptions) => UtilityProcess

/** @param fork `utilityProcess.fork`, passed in so the host is testable without Electron */
export function utilityProcessHost(fork: Fork): ProcessHost {
  return {
    fork(entry, options) {
      const child = fork(entry, [], {
        serviceName: options.name,
        stdio: 'pipe',
        env: { ...process.env, ...options.env }
      })
      return wrapUtilityProcess(child)
    }
  }
}

function wrapUtilityProcess(child: UtilityProcess): TrainerHandle {
  let exited = false
  const exitListeners: ((exit: ProcessExit) => void)[] = []
  const outputListeners: ((line: string) => void)[] = []
  child.once('exit', (code) => {
    exited = true
    for (const listener of exitListeners) listener({ code, signal: null })
  })
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8')
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line) for (const listener of outputListeners) listener(line)
      }
    })
  }
  return {
    get pid() {
      return child.pid
    },
    send(message) {
      if (exited) return false
      child.postMessage(message)
      return true
    },
    onMessage: (listener) => void child.on('message', (message: unknown) => listener(message)),
    onExit: (listener) => void exitListeners.push(listener),
    onOutput: (listener) => void outputListeners.push(listener),
    kill() {
      if (!exited) child.kill()
    }
  }
}
