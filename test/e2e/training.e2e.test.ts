/**
 * Training from the browser, as a user does it: design a tiny run, start it, watch the curve grow,
 * pause and resume, see it complete; drop a text file, train a 2-layer bidirectional GRU on it,
 * sample from it in the playground and export it; find both runs in the runs table and overlay
 * them. Runs the real studio (browser mode, real trainer processes); kept tiny so each
 * run takes seconds. Screenshots go to test-results/e2e/training-*.png for people to look at.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dragFile, launchChromium, screenshotPath } from '../support/browser'
import { startStudioProcess, type StudioProcess } from '../support/studio-process'
import { tempHome } from '../support/temp-home'

let home: ReturnType<typeof tempHome>
let studio: StudioProcess
let browser: Browser
let page: Page
let addingRunUrl = ''
let textRunUrl = ''

beforeAll(async () => {
  home = tempHome('rnn-studio-e2e-training-')
  studio = await startStudioProcess(home.path)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.goto(studio.url)
  await page.getByText('Connected (browser mode)').waitFor({ timeout: 30_000 })
})

afterAll(async () => {
  await browser?.close()
  await studio?.stop()
  home?.remove()
})

/** Types a number into the designer field editing `path` (e.g. `training.maxSteps`). */
async function setField(path: string, value: number): Promise<void> {
  await page.locator(`#field-${path.replaceAll('.', '-')}`).fill(String(value))
}

/** Opens the designer's collapsed cadence settings (evaluate, checkpoint and log every…). */
async function openCadence(): Promise<void> {
  const details = page.locator('details', { hasText: 'Evaluation, checkpoints and logging' })
  if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open))) {
    await details.locator('summary').click()
  }
}

async function status(): Promise<string> {
  return (await page.getByTestId('run-status').first().innerText()).trim()
}

async function step(): Promise<number> {
  const text = await page.getByTestId('run-step').innerText()
  return Number(/step ([\d,]+)/.exec(text)?.[1].replaceAll(',', '') ?? NaN)
}

describe('training a run from the browser', () => {
  it('designs and starts a tiny adding-problem run from New run', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'New run' })
      .click()
    await page.locator('[data-testid=task-card][data-kind=synthetic] input').check()
    await setField('task.length', 10)
    await setField('task.examples', 1000)
    await setField('network.layers.0.units', 8)
    await setField('training.batchSize', 16)
    await setField('training.maxSteps', 800)
    await openCadence()
    await setField('training.evalEvery', 100)
    await setField('training.logEvery', 5)
    await page.getByRole('heading', { name: 'Task' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('training-new-run') })
    await page.getByTestId('start-button').click()

    await page.waitForURL(/#\/runs\/\d+$/, { timeout: 30_000 }).catch(async (error: unknown) => {
      await page.screenshot({ path: screenshotPath('training-start-failure'), fullPage: true })
      throw new Error(`${String(error)}\n--- studio output ---\n${studio.output().slice(-3000)}`)
    })
    addingRunUrl = page.url()
    await expect.poll(() => page.getByTestId('run-name').innerText()).toMatch(/LSTM 8/)
  })

  it('draws the loss curve and the readouts as the run trains', async () => {
    expect(await page.getByTestId('loss-chart').count()).toBe(1)
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(20)
    const first = await page.getByTestId('metric-loss').innerText()
    const firstStep = await step()
    await expect.poll(step, { timeout: 30_000 }).toBeGreaterThan(firstStep)
    expect(first).toMatch(/\d/)
    await expect
      .poll(() => page.getByTestId('run-backend').innerText(), { timeout: 15_000 })
      .toMatch(/wasm|cpu|tensorflow/)
    // The canvas has drawn something: not every pixel is the background.
    const painted = await page.getByTestId('loss-chart').evaluate((element) => {
      // This file is type-checked without the DOM library: the canvas, as far as it is used.
      const canvas = element as unknown as {
        width: number
        height: number
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
        }
      }
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
      let coloured = 0
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) coloured++
      return coloured
    })
    expect(painted).toBeGreaterThan(500)
  })

  it('pauses and resumes', async () => {
    await page.getByRole('button', { name: 'Pause', exact: true }).click()
    await expect
      .poll(status, {
        timeout: 15_000,
        // The host's pause reaches a trainer only when its event loop turns between steps.
        message: 'the run did not pause: does the trainer process yield between steps?'
      })
      .toBe('paused')
    const paused = await step()
    await page.waitForTimeout(1000)
    expect(await step()).toBe(paused)
    await page.screenshot({ path: screenshotPath('training-paused') })

    await page.getByRole('button', { name: 'Resume', exact: true }).click()
    await expect.poll(status, { timeout: 15_000 }).toMatch(/running|completed/)
  })

  it('completes, with its final evaluation beside the curve', async () => {
    await expect.poll(status, { timeout: 120_000, interval: 500 }).toBe('completed')
    expect(await step()).toBe(800)
    await expect.poll(() => page.getByText('Final evaluation').count()).toBe(1)
    await page.screenshot({ path: screenshotPath('training-completed'), fullPage: true })
  })

  it('shows the gradient through time and the hidden states in Insight', async () => {
    await page
      .getByRole('navigation', { name: 'Run views' })
      .getByRole('link', { name: 'Insight' })
      .click()
    await expect.poll(() => page.getByTestId('insight-step').innerText()).toMatch(/step 800/)
    expect(await page.getByTestId('gradient-flow').count()).toBe(1)
    expect(await page.getByTestId('hidden-pca').count()).toBe(1)
    await page.screenshot({ path: screenshotPath('training-insight'), fullPage: true })
  })

  it('answers the adding problem in the playground', async () => {
    await page
      .getByRole('navigation', { name: 'Run views' })
      .getByRole('link', { name: 'Playground' })
      .click()
    await expect
      .poll(() => page.getByTestId('synthetic-predicted').innerText(), { timeout: 30_000 })
      .toMatch(/\d/)
    await page.screenshot({ path: screenshotPath('training-playground-adding') })
  })

  it('imports a text file dropped on another screen and shows its preview on Home', async () => {
    // Dropped while the designer is open: the whole window is the drop zone on every screen.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'New run' })
      .click()
    const verse = [
      'There was an Old Man with a beard,',
      'Who said, "It is just as I feared!',
      'Two Owls and a Hen, four Larks and a Wren,',
      'Have all built their nests in my beard!"',
      ''
    ].join('\n')
    await dragFile(page, 'drop', {
      name: 'limericks.txt',
      mimeType: 'text/plain',
      content: verse.repeat(60)
    })
    await page.waitForURL(/#\/$/, { timeout: 15_000 })
    const result = page.getByTestId('import-result')
    await expect.poll(() => result.innerText(), { timeout: 30_000 }).toContain('Added limericks')
    const card = await result.getByTestId('dataset-card').innerText()
    expect(card).toContain([...verse.repeat(60)].length.toLocaleString('en-US'))
    await page.screenshot({ path: screenshotPath('training-dropped-text'), fullPage: true })
  })

  it('trains a 2-layer bidirectional GRU on it and samples in the playground', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'New run' })
      .click()
    await page.getByRole('button', { name: 'Reset to defaults' }).click()
    await page.locator('[data-testid=task-card][data-kind=text-generation] input').check()
    await page
      .getByTestId('dataset-option')
      .filter({ hasText: 'limericks' })
      .locator('input')
      .check()
    await setField('task.sequenceLength', 16)
    await page.getByRole('radio', { name: /GRU/ }).check()
    await setField('network.layers.0.units', 8)
    await page.getByRole('button', { name: 'Add layer' }).click()
    await setField('network.layers.1.units', 8)
    await page.getByLabel('Bidirectional').check()
    // The diagram draws both directions of both layers as the settings change.
    await expect
      .poll(() => page.getByTestId('unrolled-diagram').locator('desc').textContent())
      .toMatch(/^2 GRU layers, bidirectional, unrolled over 16 steps/)
    await setField('training.batchSize', 16)
    await setField('training.maxSteps', 40)
    await openCadence()
    await setField('training.evalEvery', 20)
    await setField('training.logEvery', 5)
    await page.getByRole('heading', { name: 'Task' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('training-designer-bigru'), fullPage: true })
    await page.getByTestId('start-button').click()
    await page.waitForURL(/#\/runs\/\d+$/, { timeout: 15_000 })
    textRunUrl = page.url()
    await expect.poll(() => page.getByTestId('run-name').innerText()).toBe('BiGRU 8-8 · limericks')
    await expect.poll(status, { timeout: 120_000, interval: 500 }).toBe('completed')
    await expect.poll(() => page.getByTestId('text-sample').count()).toBeGreaterThan(0)
    await page.screenshot({ path: screenshotPath('training-text-run') })

    await page
      .getByRole('navigation', { name: 'Run views' })
      .getByRole('link', { name: 'Playground' })
      .click()
    await page.getByLabel('Priming text').fill('There ')
    await page.getByTestId('generate-button').click()
    await expect
      .poll(() => page.getByTestId('generated-text').innerText(), { timeout: 30_000 })
      .toMatch(/^There [\s\S]{50,}/)
    await page.screenshot({ path: screenshotPath('training-playground-text') })
  })

  it('exports the text run from its page and says where the files went', async () => {
    await page.goto(textRunUrl)
    await page.getByTestId('export-button').click()
    const dialog = page.getByTestId('export-dialog')
    await dialog.waitFor()
    await page.getByTestId('export-model-button').click()
    const folder = page.getByTestId('export-folder')
    await folder.waitFor({ timeout: 60_000 })
    const outDir = (await folder.innerText()).trim()
    expect(outDir.startsWith(join(home.path, 'exports'))).toBe(true)
    expect(existsSync(join(outDir, 'tfjs', 'model.json'))).toBe(true)
    expect(existsSync(join(outDir, 'onnx', 'model.onnx'))).toBe(true)
    expect(existsSync(join(outDir, 'studio.json'))).toBe(true)
    await page.screenshot({ path: screenshotPath('training-export') })
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
  })

  it('lists both runs in the runs table and compares them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click()
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2)
    const table = await page.getByTestId('runs-table').innerText()
    expect(table).toMatch(/LSTM 8/)
    expect(table).toMatch(/limericks/i)
    expect(table).toMatch(/completed[\s\S]*completed/)
    for (const box of await page.getByRole('checkbox', { name: /^Compare / }).all())
      await box.check()
    await expect.poll(() => page.getByTestId('config-diff').count()).toBe(1)
    expect(await page.getByTestId('config-diff').innerText()).toMatch(/network\.cell/)
    await page.screenshot({ path: screenshotPath('training-runs'), fullPage: true })
  })

  it('reads well in the dark theme too', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: screenshotPath('training-runs-dark'), fullPage: true })
    // A reload keeps the place: the route lives in the address's hash.
    await page.goto(addingRunUrl)
    await page.reload()
    await expect.poll(() => page.getByTestId('run-name').count(), { timeout: 15_000 }).toBe(1)
    await page.waitForTimeout(500)
    await page.screenshot({ path: screenshotPath('training-completed-dark') })
    await page.emulateMedia({ colorScheme: 'light' })
  })
})
