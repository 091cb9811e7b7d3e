/**
 * Browser mode: the studio backend plus the WebSocket/HTTP server on 127.0.0.1, for machines where
 * the Electron window cannot open (headless Linux, no Electron binary) and for end-to-end tests.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Studio } from '../backend/studio'
import { startStudioServer, type StudioServer } from './studio-server'

export interface BrowserModeOptions {
  studio: Studio
  /** The built renderer (out/renderer). */
  rendererDir: string
  port?: number
  log?: (line: string) => void
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<StudioServer> {
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    throw new Error(
      `The studio's web files are not built (${options.rendererDir} has no index.html). Run: npm run build`
    )
  }
  return startStudioServer({
    service: options.studio.service,
    events: options.studio.events,
    staticDir: options.rendererDir,
    port: options.port ?? 0,
    log: options.log
  })
}
