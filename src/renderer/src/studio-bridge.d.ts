import type { StudioBridge } from './lib/api/ipc-transport'

declare global {
  interface Window {
    /** Exposed by the Electron preload (src/preload); absent in browser mode. */
    studio?: StudioBridge
  }
}

export {}
