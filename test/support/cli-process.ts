/**
 * `rnn-studio` as a real child process (bin/rnn-studio.js through tsx), for tests that kill the
 * backend itself: start it, wait for a line, SIGKILL it, find the trainer processes it started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

export const CLI_BIN = join(process.cwd(), 'bin', 'rnn-studio.js')

export interface CliProcess {
  child: ChildProcess
  /** stdout and stderr so far. */
  output(): string
  /** Resolves with the first match of `pattern` in the output; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `rnn-studio ARGS` (no display, so nothing tries Electron). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let text = ''
  const waiters = new Set<() => void>()
  const onData = (chunk: Buffer): void => {
    text += chunk.toString()
    for (const wake of waiters) wake()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      resolve({ code, signal })
      for (const wake of waiters) wake()
    })
  )
  let ended = false
  void exited.then(() => (ended = true))
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text.slice(-3000)}`))
        }, timeoutMs)
        const check = (): void => {
          const match = pattern.exec(text)
          if (match || ended) {
            clearTimeout(timer)
            waiters.delete(check)
            if (match) resolve(match)
            else reject(new Error(`rnn-studio ended before ${pattern}:\n${text.slice(-3000)}`))
          }
        }
        waiters.add(check)
        check()
      })
    }
  }
}

/** Runs `rnn-studio ARGS` to its end; resolves with its exit code and output (never rejects). */
export async function runCli(
  args: string[],
  timeoutMs = 90_000
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI_BIN, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' }
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? ''
    }
  }
}

/** Process ids whose parent is `pid` (Linux /proc). */
export function childPids(pid: number): number[] {
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      // The command name is in parentheses and may hold spaces: read the fields after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) found.push(Number(name))
    } catch {
      // The process ended while we looked.
    }
  }
  return found
}

/** True while `pid` is a process that has not ended (a zombie counts as ended). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}
