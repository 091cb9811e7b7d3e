import { describe, expect, it } from 'vitest'
import { DatasetSummary } from '../shared/domain/dataset'
import { UsageError } from './cli-error'
import { buildRunConfig, findDataset, presetConfig } from './run-config-flags'

function dataset(id: number, name: string, kind: DatasetSummary['kind'], isSample = false) {
  const stats =
    kind === 'text'
      ? {
          kind,
          characters: 1000,
          lines: 10,
          words: 100,
          vocabularySize: 30,
          rarestCharacters: [],
          lineEndings: 'lf'
        }
      : kind === 'csv'
        ? { kind, rows: 100, columns: [], dateGaps: [], preview: [] }
        : { kind, examples: 10, classes: [], distinctExamples: 10, maxLength: 5, vocabularySize: 5 }
  return DatasetSummary.parse({
    id,
    name,
    kind,
    sourcePath: `/data/${name}`,
    contentHash: `h${id}`,
    sizeBytes: 1000,
    stats,
    isSample,
    notice: '',
    createdAt: '2024-01-01T00:00:00.000Z'
  })
}

const DATASETS = [
  dataset(1, 'Tiny Shakespeare', 'text', true),
  dataset(2, 'Airline passengers', 'csv', true),
  dataset(3, 'Names by language', 'class-folder', true),
  dataset(4, 'twin', 'text'),
  dataset(5, 'Twin', 'text')
]

function usage(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  throw new Error('expected a UsageError')
}

describe('buildRunConfig', () => {
  it('builds a synthetic run from flags alone, numbers parsed, defaults applied', () => {
    const config = buildRunConfig(
      {},
      {
        problem: 'adding',
        length: '10',
        units: '8, 4',
        bidirectional: true,
        steps: '30',
        lr: '1e-2',
        'val-split': '.2',
        engine: 'wasm',
        backend: 'cpu',
        name: 'tiny adder'
      },
      DATASETS
    )
    expect(config).toMatchObject({
      name: 'tiny adder',
      backend: 'cpu',
      task: { kind: 'synthetic', problem: 'adding', length: 10, examples: 10_000 },
      network: { cell: 'lstm', layers: [{ units: 8 }, { units: 4 }], bidirectional: true },
      training: {
        maxSteps: 30,
        learningRate: 0.01,
        validationSplit: 0.2,
        batchSize: 32,
        engine: 'wasm'
      }
    })
  })

  it('infers the task from the dataset, found by id or by name', () => {
    expect(
      buildRunConfig({}, { dataset: 'tiny shakespeare', 'seq-len': '32' }, DATASETS).task
    ).toEqual({
      kind: 'text-generation',
      datasetId: 1,
      tokens: 'char',
      sequenceLength: 32,
      maxVocabulary: 10_000
    })
    const forecast = buildRunConfig(
      {},
      { dataset: '2', lookback: '12', features: 'a, b' },
      DATASETS
    )
    expect(forecast.task).toMatchObject({
      kind: 'forecast',
      datasetId: 2,
      lookback: 12,
      features: ['a', 'b']
    })
    expect(buildRunConfig({}, { dataset: '3', cell: 'gru' }, DATASETS).task.kind).toBe(
      'classification'
    )
    expect(usage(() => findDataset(DATASETS, 'twin'))).toMatch(/Several datasets are called "twin"/)
    expect(usage(() => findDataset(DATASETS, 'nope'))).toMatch(/No dataset "nope"/)
  })

  it('lays flags over a preset, keeping what they do not mention', () => {
    const base = presetConfig('tiny-shakespeare-char', DATASETS)
    const config = buildRunConfig(base, { steps: '100', 'seq-len': '32' }, DATASETS)
    expect(config.name).toBe('tiny-shakespeare-char')
    expect(config.task).toMatchObject({ kind: 'text-generation', datasetId: 1, sequenceLength: 32 })
    expect(config.network.layers).toEqual([{ units: 128 }])
    expect(config.training).toMatchObject({ maxSteps: 100, evalEvery: 200 })
    expect(buildRunConfig(presetConfig('adding-problem-lstm', []), {}, []).task.kind).toBe(
      'synthetic'
    )
    expect(usage(() => presetConfig('gpt-5', DATASETS))).toMatch(
      /No preset "gpt-5". Presets: tiny-shakespeare-char, /
    )
    expect(usage(() => presetConfig('tiny-shakespeare-char', []))).toMatch(/not in this studio/)
  })

  it('builds seq2seq runs on a generator', () => {
    const config = buildRunConfig(
      {},
      { source: 'addition', digits: '3', examples: '500' },
      DATASETS
    )
    expect(config.task).toEqual({
      kind: 'seq2seq',
      source: { type: 'addition', digits: 3, examples: 500 }
    })
  })

  it('names the flag or field that is wrong', () => {
    expect(usage(() => buildRunConfig({}, { units: '8' }, DATASETS))).toMatch(/Say what to train/)
    expect(usage(() => buildRunConfig({}, { dataset: '1', lookback: '5' }, DATASETS))).toBe(
      '--lookback applies to forecast tasks, not text-generation.'
    )
    expect(usage(() => buildRunConfig({}, { problem: 'adding', steps: 'lots' }, DATASETS))).toMatch(
      /training\.maxSteps: .*number/
    )
    expect(usage(() => buildRunConfig({}, { problem: 'adding', units: '8,0' }, DATASETS))).toMatch(
      /network\.layers\.1\.units/
    )
    expect(usage(() => buildRunConfig({}, { problem: 'juggling' }, DATASETS))).toMatch(
      /task\.problem/
    )
    expect(
      usage(() => buildRunConfig({}, { problem: 'adding', cell: 'transformer' }, DATASETS))
    ).toMatch(/network\.cell/)
  })
})
