import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

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

/** The page globals `dragFile` uses; this file is type-checked for Node, without the DOM lib. */
interface PageGlobals {
  DataTransfer: new () => { items: { add(file: unknown): unknown } }
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown
  DragEvent: new (type: string, init: object) => unknown
  document: { dispatchEvent(event: unknown): boolean }
}

/**
 * Dispatches a drag event on the document carrying one real `File` built in the page, as a drop
 * from the desktop would (a constructed DataTransfer has no folder entries, only the file).
 * @param content text, or bytes as numbers
 */
export async function dragFile(
  page: Page,
  type: 'dragenter' | 'drop',
  file: { name: string; mimeType: string; content: string | number[] }
): Promise<void> {
  await page.evaluate(
    ({ type, file }) => {
      const g = globalThis as unknown as PageGlobals
      const part = typeof file.content === 'string' ? file.content : new Uint8Array(file.content)
      const dt = new g.DataTransfer()
      dt.items.add(new g.File([part], file.name, { type: file.mimeType }))
      g.document.dispatchEvent(
        new g.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt })
      )
    },
    { type, file }
  )
}
