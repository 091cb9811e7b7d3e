import type { StudioClient } from '../api/client'
import type { ConnectionState as TransportState, TransportKind } from '../api/transport'

/** The connection to the backend as the header shows it. One instance for the app. */
export class ConnectionState {
  readonly #client: Pick<StudioClient, 'onConnectionChange' | 'transportKind'>
  #status = $state<TransportState>('connecting')
  #hasConnected = $state(false)

  constructor(client: Pick<StudioClient, 'onConnectionChange' | 'transportKind'>) {
    this.#client = client
  }

  /** Follows the transport's state; returns the stop function. */
  start(): () => void {
    return this.#client.onConnectionChange((status) => {
      this.#status = status
      if (status === 'connected') this.#hasConnected = true
    })
  }

  get status(): TransportState {
    return this.#status
  }

  get kind(): TransportKind {
    return this.#client.transportKind
  }

  /** Whether it has been connected at least once (a later `connecting` is a reconnect). */
  get hasConnected(): boolean {
    return this.#hasConnected
  }

  /** "Connected (desktop)", "Connected (browser mode)", "Connecting…", "Reconnecting…" or "Disconnected". */
  get label(): string {
    switch (this.#status) {
      case 'connected':
        return this.kind === 'ipc' ? 'Connected (desktop)' : 'Connected (browser mode)'
      case 'connecting':
        return this.#hasConnected ? 'Reconnecting…' : 'Connecting…'
      case 'disconnected':
        return 'Disconnected'
    }
  }

  /** A sentence for the indicator's tooltip. */
  get detail(): string {
    switch (this.#status) {
      case 'connected':
        return this.kind === 'ipc'
          ? 'Talking to the studio over Electron IPC.'
          : 'Talking to the local studio server over a WebSocket.'
      case 'connecting':
        return 'Trying to reach the studio…'
      case 'disconnected':
        return 'The studio is not answering; still retrying in the background.'
    }
  }

  /** What to tell the user while disconnected; null while things work or are about to. */
  get problem(): string | null {
    if (this.#status !== 'disconnected') return null
    return this.#hasConnected
      ? 'Lost the connection to the studio. Still retrying in the background.'
      : 'Cannot reach the studio. Is it still running? Open the address it printed, ?token=… included.'
  }
}
