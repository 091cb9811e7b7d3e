import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RunConfig } from '../../shared/domain/run-config'
import { prepareTask } from './prepare'
import { findPreset, PRESETS } from './presets'
import { readSample } from './test-helpers'

/**
 * Sample name → path, read from the backend's catalogue as text: src/engine may not import
 * src/backend (the layering table), but the names must match.
 */
function catalogue(): Map<string, string> {
  const url = new URL('../../backend/sample-catalogue.ts', import.meta.url)
  const text = readFileSync(url, 'utf8')
  const entries = [...text.matchAll(/name: '([^']+)',\s*kind: '[^']+',\s*path: '([^']+)'/g)]
  return new Map(entries.map((m) => [m[1], m[2]]))
}

describe('presets', () => {
  it('have unique kebab-case names and a description', () => {
    const names = PRESETS.map((p) => p.name)
    expect(new Set(names).size).toBe(names.length)
    for (const p of PRESETS) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(p.description.length).toBeGreaterThan(20)
      expect(findPreset(p.name)).toBe(p)
    }
    expect(findPreset('nope')).toBeUndefined()
  })

  it('parse as RunConfig, with the dataset id put where the task needs it', () => {
    for (const p of PRESETS) {
      const config = RunConfig.parse(p.config(p.sample ? 7 : undefined))
      expect(config.name).toBe(p.name)
      if (p.sample) expect(JSON.stringify(config.task)).toContain('"datasetId":7')
    }
  })

  it('name samples that the catalogue ships, and need their id', () => {
    const samples = catalogue()
    expect(samples.size).toBeGreaterThanOrEqual(6)
    for (const p of PRESETS.filter((p) => p.sample)) {
      expect(samples.has(p.sample as string)).toBe(true)
      expect(() => p.config()).toThrow(/pass its dataset id/)
    }
    expect(PRESETS.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'tiny-shakespeare-char',
        'names-classify',
        'sentiment-amazon',
        'sentiment-imdb',
        'melbourne-min-forecast',
        'airline-forecast',
        'adding-problem-lstm',
        'sequence-sum',
        'copy-first',
        'dates-seq2seq',
        'addition-seq2seq'
      ])
    )
  })

  it('prepare on their data without a refusal', async () => {
    const samples = catalogue()
    for (const p of PRESETS) {
      const config = RunConfig.parse(p.config(p.sample ? 1 : undefined))
      const source = p.sample ? await readSample(samples.get(p.sample) as string) : null
      const task = prepareTask(config.task, source, {
        seed: config.training.seed,
        validationSplit: config.training.validationSplit
      })
      expect(task.trainSize, p.name).toBeGreaterThan(config.training.batchSize)
      expect(task.validationSize, p.name).toBeGreaterThan(0)
    }
  })
})
