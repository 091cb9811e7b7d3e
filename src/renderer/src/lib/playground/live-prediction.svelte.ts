import type { Prediction } from '../../../../shared/api/inference'
import type { RunId } from '../../../../shared/domain/ids'
import type { StudioClient } from '../api/client'
import { errorMessage } from '../state/error-message'

/**
 * Predictions for an input a person is typing: asked a short pause after the last keystroke,
 * and an answer that arrives after a newer request was sent is dropped, so the shown answer
 * always belongs to the shown input.
 */
export class LivePrediction {
  readonly #client: Pick<StudioClient, 'predict'>
  readonly #runId: RunId
  readonly #delayMs: number
  #prediction = $state.raw<Prediction | null>(null)
  #error = $state<string | null>(null)
  #pending = $state(false)
  #timer: ReturnType<typeof setTimeout> | null = null
  #request = 0

  /** @param delayMs the pause after typing before asking (150 ms: well under a word's typing time) */
  constructor(client: Pick<StudioClient, 'predict'>, runId: RunId, delayMs = 150) {
    this.#client = client
    this.#runId = runId
    this.#delayMs = delayMs
  }

  /** Asks for `input` after the pause; an empty input clears the answer. */
  update(input: string): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#request++
    if (input.trim() === '') {
      this.#prediction = null
      this.#error = null
      this.#pending = false
      return
    }
    this.#pending = true
    this.#timer = setTimeout(() => void this.#ask(input), this.#delayMs)
  }

  async #ask(input: string): Promise<void> {
    const request = this.#request
    try {
      const prediction = await this.#client.predict({ runId: this.#runId, input })
      if (request !== this.#request) return
      this.#prediction = prediction
      this.#error = null
    } catch (error) {
      if (request === this.#request) this.#error = errorMessage(error)
    } finally {
      if (request === this.#request) this.#pending = false
    }
  }

  /** Stops a pending request (the screen is closing). */
  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#request++
  }

  get prediction(): Prediction | null {
    return this.#prediction
  }

  get error(): string | null {
    return this.#error
  }

  /** A request is waiting or in flight. */
  get pending(): boolean {
    return this.#pending
  }
}
