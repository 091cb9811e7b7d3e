import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export interface StudioProcess {
  url: string
  child: ChildProcess
  output: () => string
  stop(): Promise<void>
}

/**
 * Starts the studio the way a user does (`node scripts/start.js`, i.e. `npm start`) with no display,
 * so it falls back to browser mode, and waits for the URL it prints.
 */
export function startStudioProcess(home: string, extraArgs: string[] = []): Promise<StudioProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, RNN_STUDIO_HOME: home }
  delete env.DISPLAY
  delete env.WAYLAND_DISPLAY
  const child = spawn(
    process.execPath,
    [join(process.cwd(), 'scripts', 'start.js'), ...extraArgs],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let log = ''
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`the studio did not print its URL within 90 s:\n${log}`))
    }, 90_000)
    const onData = (chunk: Buffer): void => {
      log += chunk.toString()
      const match = /serving browser mode at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(log)
      if (match) {
        clearTimeout(timer)
        resolve({ url: match[1], child, output: () => log, stop })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the studio exited with ${code} before serving:\n${log}`))
    })
  })
}
