/**
 * The trainer process's line to its host, whichever way it was started: `child_process.fork`
 * (server, CLI, tests) talks through `process.send` / `process.on('message')`; Electron's
 * `utilityProcess.fork` (the app) through `process.parentPort`. The trainer code only sees this.
 */

/** One process's channel to the process that started it. */
export interface ParentPort {
  /**
   * Sends one structured-clonable message. Resolves once it is handed to the channel (child_process
   * calls back then), which is what a sender of large blobs waits on; rejects when the channel is gone.
   */
  send(message: unknown): Promise<void>
  /** Every message from the host, as received (validate before use). */
  onMessage(listener: (message: unknown) => void): void
  /** The host went away (its end of the channel closed). */
  onDisconnect(listener: () => void): void
}

/** The shape of Electron's `process.parentPort` we rely on; typed here because engine code may not import electron. */
interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

/** The port of a process started by `child_process.fork` (it has an IPC channel). */
export function childProcessPort(proc: NodeJS.Process = process): ParentPort {
  const send = proc.send?.bind(proc)
  if (send === undefined) {
    throw new Error('This process has no IPC channel: start it with child_process.fork.')
  }
  return {
    send: (message) =>
      new Promise((resolve, reject) => {
        if (!proc.connected) return reject(new Error('The host has disconnected.'))
        send(message, undefined, {}, (error) => (error ? reject(error) : resolve()))
      }),
    onMessage: (listener) => void proc.on('message', (message) => listener(message)),
    onDisconnect: (listener) => void proc.on('disconnect', listener)
  }
}

/** The port of a process started by Electron's `utilityProcess.fork`. */
export function utilityProcessPort(parentPort: ElectronParentPort): ParentPort {
  return {
    // postMessage queues synchronously and has no completion callback; structured clone copies
    // the message before it returns, so the sender may reuse its buffers at once.
    send: async (message) => parentPort.postMessage(message),
    onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    // A utility process is killed with its parent, so there is nothing to notice.
    onDisconnect: () => {}
  }
}

/** The port of the current process: Electron's parentPort when there is one, else the fork IPC channel. */
export function currentParentPort(): ParentPort {
  const parentPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort
  return parentPort ? utilityProcessPort(parentPort) : childProcessPort()
}
