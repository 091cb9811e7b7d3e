import type { DatasetSummary } from '../../../../shared/domain/dataset'
import type { StudioClient } from '../api/client'
import { errorMessage } from './error-message'

/** Every registered dataset, kept fresh by the `datasetsChanged` event. */
export class DatasetsState {
  readonly #client: Pick<StudioClient, 'listDatasets' | 'on'>
  /** Raw: summaries are replaced whole on each load, never edited in place. */
  #items = $state.raw<DatasetSummary[]>([])
  #loading = $state(false)
  #loaded = $state(false)
  #error = $state<string | null>(null)
  #request = 0

  constructor(client: Pick<StudioClient, 'listDatasets' | 'on'>) {
    this.#client = client
  }

  /** Reloads on every `datasetsChanged` event; returns the stop function. Does not load by itself. */
  start(): () => void {
    return this.#client.on('datasetsChanged', () => void this.load())
  }

  /** Fetches the list; a newer call supersedes an older one still in flight. */
  async load(): Promise<void> {
    const request = ++this.#request
    this.#loading = true
    try {
      const items = await this.#client.listDatasets({})
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

  get items(): readonly DatasetSummary[] {
    return this.#items
  }

  /** A request is in flight. */
  get loading(): boolean {
    return this.#loading
  }

  /** At least one load has succeeded (so an empty list means "none", not "not yet"). */
  get loaded(): boolean {
    return this.#loaded
  }

  /** Why the last load failed; null after a success. */
  get error(): string | null {
    return this.#error
  }
}
