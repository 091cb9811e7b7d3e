import type { RunSummary } from '../../../../shared/domain/run'
import type { StudioClient } from '../api/client'
import { errorMessage } from './error-message'

/** The runs list, newest first, reloaded whenever a run changes status. */
export class RunsState {
  readonly #client: Pick<StudioClient, 'listRuns' | 'on'>
  /** Raw: the list is replaced whole on each load, never edited in place. */
  #items = $state.raw<RunSummary[]>([])
  #loading = $state(false)
  #loaded = $state(false)
  #error = $state<string | null>(null)
  #request = 0

  constructor(client: Pick<StudioClient, 'listRuns' | 'on'>) {
    this.#client = client
  }

  /**
   * Reloads on every `runStatusChanged`, `runRenamed` and `runDeleted` event; returns the stop
   * function. A full reload rather than a patch: a status change also moves
   * `startedAt`/`finishedAt`/`error`, which the event does not carry.
   */
  start(): () => void {
    const stops = [
      this.#client.on('runStatusChanged', () => void this.load()),
      this.#client.on('runRenamed', () => void this.load()),
      this.#client.on('runDeleted', () => void this.load())
    ]
    return () => stops.forEach((stop) => stop())
  }

  /** Fetches the list; a newer call supersedes an older one still in flight. */
  async load(): Promise<void> {
    const request = ++this.#request
    this.#loading = true
    try {
      const items = await this.#client.listRuns({})
      if (request !== this.#request) return
      this.#items = items
      this.#loaded = true
      this.#error = null
    } catch (error) {
      if (request === this.#request) this.#error = errorMessage(error)
    } finally {
      if (request === this.#request) this.#loading = false
    }
  }

  get items(): readonly RunSummary[] {
    return this.#items
  }

  get loading(): boolean {
    return this.#loading
  }

  /** At least one load has succeeded (so an empty list means "none", not "not yet"). */
  get loaded(): boolean {
    return this.#loaded
  }

  get error(): string | null {
    return this.#error
  }
}
