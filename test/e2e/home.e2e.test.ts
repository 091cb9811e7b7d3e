import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAMPLE_DATASETS } from '../../src/backend/sample-catalogue'
import { launchChromium, screenshotPath } from '../support/browser'
import { startStudioProcess, type StudioProcess } from '../support/studio-process'
import { tempHome } from '../support/temp-home'

let home: ReturnType<typeof tempHome>
let studio: StudioProcess
let browser: Browser
let page: Page

beforeAll(async () => {
  home = tempHome('rnn-studio-e2e-')
  studio = await startStudioProcess(home.path)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
})

afterAll(async () => {
  await browser?.close()
  await studio?.stop()
  home?.remove()
})

describe('npm start without a display', () => {
  it('says why it serves browser mode instead of the desktop window', () => {
    expect(studio.output()).toMatch(
      /Cannot open the desktop window: .+; serving browser mode instead\./
    )
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/)
  })

  it('shows the home screen with every sample dataset from a real database file', async () => {
    await page.goto(studio.url)
    const cards = page.getByTestId('dataset-card')
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(SAMPLE_DATASETS.length)
    const text = await page.locator('body').innerText()
    for (const sample of SAMPLE_DATASETS) expect(text).toContain(sample.name)
    expect(text).toContain('1,115,394') // tiny-shakespeare characters, computed from the file
    expect(existsSync(join(home.path, 'studio.db'))).toBe(true)
  })

  it('shows the connection and the compute backend training will use', async () => {
    await expect
      .poll(() => page.getByTestId('connection-status').innerText(), { timeout: 15_000 })
      .toMatch(/connected/i)
    await expect
      .poll(() => page.getByTestId('backend-status').innerText(), { timeout: 15_000 })
      .toMatch(/wasm|cpu|tensorflow/i)
    await page.screenshot({ path: screenshotPath('home'), fullPage: true })
  })

  it('explains the empty runs list', async () => {
    expect(await page.locator('body').innerText()).toMatch(/no runs yet/i)
  })

  it('hides the token from the address bar once connected', async () => {
    expect(page.url()).not.toContain('token=')
  })
})
