import type { BackendInfo } from '../../../../shared/domain/backend'
import type { StudioInfo } from '../../../../shared/api/contract'
import type { StudioClient } from '../api/client'
import { errorMessage } from './error-message'

/** What the studio reports about itself: version, data folder, compute backend. */
export class StudioInfoState {
  readonly #client: Pick<StudioClient, 'getStudioInfo'>
  #info = $state.raw<StudioInfo | null>(null)
  #error = $state<string | null>(null)
  #request = 0

  constructor(client: Pick<StudioClient, 'getStudioInfo'>) {
    this.#client = client
  }

  /** Fetches the info; a newer call supersedes an older one still in flight. */
  async load(): Promise<void> {
    const request = ++this.#request
    try {
      const info = await this.#client.getStudioInfo({})
      if (request !== this.#request) return
      this.#info = info
      this.#error = null
    } catch (error) {
      if (request === this.#request) this.#error = errorMessage(error)
    }
  }

  get info(): StudioInfo | null {
    return this.#info
  }

  get version(): string | null {
    return this.#info?.version ?? null
  }

  /** The folder holding the database and imported files. */
  get home(): string | null {
    return this.#info?.home ?? null
  }

  get backend(): BackendInfo | null {
    return this.#info?.backend ?? null
  }

  get error(): string | null {
    return this.#error
  }
}
