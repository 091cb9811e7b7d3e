import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { utilityProcessHost } from './utility-process-host'

/** A stand-in for Electron's UtilityProcess: an emitter with postMessage, pipes and kill. */
class FakeUtilityProcess extends EventEmitter {
  pid = 4242
  stdout = new PassThrough()
  stderr = new PassThrough()
  posted: unknown[] = []
  killed = false
  postMessage(message: unknown): void {
    this.posted.push(message)
  }
  kill(): boolean {
    this.killed = true
    this.emit('exit', 9)
    return true
  }
}

describe('utilityProcess host', () => {
  it('forks the entry by name and relays messages, output and exit', async () => {
    const forks: [string, unknown][] = []
    const child = new FakeUtilityProcess()
    const host = utilityProcessHost((entry, _args, options) => {
      forks.push([entry, options.serviceName])
      return child as never
    })
    const handle = host.fork('/app/out/main/trainer-process.js', { name: 'trainer-run-3' })
    expect(forks).toEqual([['/app/out/main/trainer-process.js', 'trainer-run-3']])
    expect(handle.pid).toBe(4242)

    const received: unknown[] = []
    const lines: string[] = []
    const exits: unknown[] = []
    handle.onMessage((m) => received.push(m))
    handle.onOutput((l) => lines.push(l))
    handle.onExit((e) => exits.push(e))

    const weights = new Uint8Array([1, 2, 3])
    expect(handle.send({ type: 'pause', seq: 1, weights })).toBe(true)
    expect(child.posted).toEqual([{ type: 'pause', seq: 1, weights }])
    child.emit('message', { type: 'status', status: 'paused' })
    expect(received).toEqual([{ type: 'status', status: 'paused' }])
    child.stderr.write('tfjs notice\nsecond line\n')
    await new Promise((resolve) => setImmediate(resolve))
    expect(lines).toEqual(['tfjs notice', 'second line'])

    handle.kill()
    expect(child.killed).toBe(true)
    expect(exits).toEqual([{ code: 9, signal: null }])
    expect(handle.send({ type: 'stop', seq: 2 })).toBe(false)
  })
})
