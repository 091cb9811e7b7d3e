import type { StudioEventName, StudioEvents } from '../shared/api/contract'

/** Receives every event with its name; transports forward them to their clients. */
export type StudioEventListener = <E extends StudioEventName>(
  event: E,
  payload: StudioEvents[E]
) => void

/**
 * Fan-out of backend events to any number of transports (IPC windows, WebSocket clients).
 * A listener that throws is logged and does not stop the others: one broken client must not
 * starve the rest of run updates.
 */
export class StudioEventBus {
  #listeners = new Set<StudioEventListener>()

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Subscribes; returns the unsubscribe function. */
  on(listener: StudioEventListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  emit<E extends StudioEventName>(event: E, payload: StudioEvents[E]): void {
    for (const listener of this.#listeners) {
      try {
        listener(event, payload)
      } catch (error) {
        this.onListenerError(error)
      }
    }
  }

  get listenerCount(): number {
    return this.#listeners.size
  }
}
