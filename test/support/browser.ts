import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

/** Flags that keep Debian's Chromium quiet and offline in a sandbox-less container. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  // The first launch on a cold machine has taken 24 s; later ones about 1 s.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 90_000 })
}

/** Where screenshots go: test-results/e2e/NAME.png (kept as CI artifacts, looked at by people). */
export function screenshotPath(name: string): string {
  const dir = join(process.cwd(), 'test-results', 'e2e')
  mkdirSync(dir, { recursive: true })
  return join(dir, `${name}.png`)
}
