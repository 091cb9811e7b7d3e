import type { RunStats } from '../../../../shared/api/runs'
import type { StudioClient } from '../api/client'
import { errorMessage } from './error-message'

/** Best validation loss and last step of every run, for the runs table; kept fresh by events. */
export class RunStatsState {
  readonly #client: Pick<StudioClient, 'listRunStats' | 'on'>
  /** Raw: replaced whole on each load. */
  #byRun = $state.raw<Readonly<Record<number, RunStats>>>({})
  #error = $state<string | null>(null)
  #request = 0

  constructor(client: Pick<StudioClient, 'listRunStats' | 'on'>) {
    this.#client = client
  }

  /** Reloads when a run changes status or saves a checkpoint (a new best); returns the stop function. */
  start(): () => void {
    const stops = [
      this.#client.on('runStatusChanged', () => void this.load()),
      this.#client.on('runCheckpointSaved', () => void this.load())
    ]
    return () => stops.forEach((stop) => stop())
  }

  async load(): Promise<void> {
    const request = ++this.#request
    try {
      const stats = await this.#client.listRunStats({})
      if (request !== this.#request) return
      this.#byRun = Object.fromEntries(stats.map((s) => [s.runId, s]))
      this.#error = null
    } catch (error) {
      if (request === this.#request) this.#error = errorMessage(error)
    }
  }

  /** Run id → its stats. */
  get byRun(): Readonly<Record<number, RunStats>> {
    return this.#byRun
  }

  get error(): string | null {
    return this.#error
  }
}
