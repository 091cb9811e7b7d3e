import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAMPLE_DATASETS } from '../../src/backend/sample-catalogue'
import { dragFile, launchChromium, screenshotPath } from '../support/browser'
import { startStudioProcess, type StudioProcess } from '../support/studio-process'
import { tempHome } from '../support/temp-home'

let home: ReturnType<typeof tempHome>
let studio: StudioProcess
let browser: Browser
let page: Page

/** The cards of the datasets list (the import result shows one more card of its own). */
function listedCards(): Locator {
  return page.locator('section[aria-labelledby="datasets-heading"] [data-testid="dataset-card"]')
}

async function listedNames(): Promise<string[]> {
  return listedCards().locator('h3').allInnerTexts()
}

/** Import folders still staged by any studio process: none once an import is over. */
function stagedImports(): string[] {
  const root = join(home.path, 'imports')
  if (!existsSync(root)) return []
  return readdirSync(root).flatMap((pid) => readdirSync(join(root, pid)))
}

const en = (n: number): string => n.toLocaleString('en-US')

beforeAll(async () => {
  home = tempHome('rnn-studio-e2e-import-')
  studio = await startStudioProcess(home.path)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await page.goto(studio.url)
  // The samples are listed once the page has connected and loaded.
  await listedCards()
    .nth(SAMPLE_DATASETS.length - 1)
    .waitFor({ timeout: 30_000 })
})

afterAll(async () => {
  await browser?.close()
  await studio?.stop()
  home?.remove()
})

describe('dataset import by drag and drop and file pickers', () => {
  it('imports a file set on the file input, in chunks, and shows its card with computed stats', async () => {
    // 1.4 MB: three 512 KiB chunks over the real WebSocket.
    const line =
      'Shall I compare thee to a summer’s day? Thou art more lovely — and more temperate.\n'
    const text = line.repeat(17_000)
    const characters = [...text].length
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 512 * 1024)

    await page.getByTestId('import-file-input').setInputFiles({
      name: 'sonnets.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(text)
    })

    const result = page.getByTestId('import-result')
    await result.waitFor({ timeout: 30_000 })
    expect(await result.innerText()).toContain('Added sonnets to your datasets.')
    expect(await result.getByTestId('dataset-card').innerText()).toContain(en(characters))
    await expect.poll(() => listedNames()).toContain('sonnets')
    expect(readdirSync(join(home.path, 'datasets'))).toHaveLength(1)
    expect(stagedImports()).toEqual([])
    await page.screenshot({ path: screenshotPath('import-file'), fullPage: true })
  })

  it('shows the overlay while a file is dragged and imports a dropped File', async () => {
    await dragFile(page, 'dragenter', { name: 'x.txt', mimeType: 'text/plain', content: 'x' })
    const overlay = page.getByTestId('drop-overlay')
    await overlay.waitFor()
    expect(await overlay.innerText()).toContain(
      'Drop a text file, CSV, labelled TSV, or a folder of per-class files'
    )
    await page.screenshot({ path: screenshotPath('import-overlay') })

    const text = 'Ἐν ἀρχῇ ἦν ὁ λόγος, καὶ ὁ λόγος ἦν πρὸς τὸν θεόν.\n'.repeat(40)
    await dragFile(page, 'drop', { name: 'corpus.txt', mimeType: 'text/plain', content: text })

    await expect.poll(() => overlay.count()).toBe(0)
    const result = page.getByTestId('import-result')
    await expect.poll(() => result.innerText(), { timeout: 30_000 }).toContain('Added corpus')
    expect(await result.getByTestId('dataset-card').innerText()).toContain(en([...text].length))
    await expect.poll(() => listedNames()).toContain('corpus')
    await page.screenshot({ path: screenshotPath('import-drop'), fullPage: true })
  })

  it('refuses a dropped PNG in place with what to do, and leaves the datasets alone', async () => {
    const before = await listedNames()
    const datasetFolders = readdirSync(join(home.path, 'datasets'))

    // The first bytes of a real PNG: signature, then the IHDR chunk's length and type.
    const png = [
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52
    ]
    await dragFile(page, 'drop', { name: 'photo.png', mimeType: 'image/png', content: png })

    const problem = page.getByTestId('import-problem')
    await problem.waitFor({ timeout: 30_000 })
    const shown = await problem.innerText()
    expect(shown).toContain('Not a text file')
    expect(shown).toContain('photo.png is a PNG image, not text.')
    expect(shown).toMatch(/What to do: Export the data as a UTF-8 \.txt or \.csv file/)
    expect(await page.getByTestId('import-result').count()).toBe(0)

    expect(await listedNames()).toEqual(before)
    expect(readdirSync(join(home.path, 'datasets'))).toEqual(datasetFolders)
    expect(stagedImports()).toEqual([])
    await page.screenshot({ path: screenshotPath('import-refused'), fullPage: true })
  })
})
