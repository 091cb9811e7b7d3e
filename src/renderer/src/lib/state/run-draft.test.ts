import { describe, expect, it } from 'vitest'
import { RunConfig } from '../../../../shared/domain/run-config'
import { csvDataset, labelledDataset, textDataset } from '../testing/fixtures'
import { RunDraft } from './run-draft.svelte'

const DATASETS = [textDataset(), csvDataset(), labelledDataset(3)]

describe('RunDraft', () => {
  it('starts valid with a text dataset, and its config parses with RunConfig', () => {
    const draft = new RunDraft(() => DATASETS)
    expect(draft.problems).toEqual([])
    expect(draft.valid).toBe(true)

    const config = draft.toRunConfig()
    const parsed = RunConfig.parse(config)
    expect(parsed.task).toEqual({
      kind: 'text-generation',
      datasetId: 1,
      tokens: 'char',
      sequenceLength: 64,
      maxVocabulary: 10_000
    })
    expect(parsed.network.cell).toBe('lstm')
    expect(parsed.network.layers).toEqual([{ units: 128 }])
    expect(parsed.training.learningRate).toBe(2e-3)
    // plain data: crosses IPC by structured clone
    expect(structuredClone(config)).toEqual(config)
  })

  it('needs a dataset for dataset tasks, and none for synthetic problems', () => {
    const draft = new RunDraft(() => [])
    expect(draft.valid).toBe(false)
    expect(draft.error('task.datasetId')).toMatch(/^Needs a text corpus; none is registered/)
    expect(() => draft.toRunConfig()).toThrow(/Dataset/)

    draft.updateTask({ kind: 'synthetic', problem: 'copy-first' })
    expect(draft.valid).toBe(true)
    expect(RunConfig.parse(draft.toRunConfig()).task).toEqual({
      kind: 'synthetic',
      problem: 'copy-first',
      length: 50,
      examples: 10_000
    })
  })

  it("words the schemas' refusals per field, in form order", () => {
    const draft = new RunDraft(() => DATASETS)
    draft.setUnits(0, 0)
    draft.updateNetwork({ dropout: 0.95 })
    draft.updateTraining({ learningRate: 0, batchSize: null })

    expect(draft.errors).toEqual({
      'network.layers.0.units': 'Must be at least 1',
      'network.dropout': 'Must be at most 0.9',
      'training.learningRate': 'Must be more than 0',
      'training.batchSize': 'Enter a number'
    })
    expect(draft.problems[0].label).toBe('Layer 1 units')
  })

  it('uses the picked dataset only while it fits the task, and drops columns the CSV lacks', () => {
    const draft = new RunDraft(() => DATASETS)
    draft.selectDataset(2) // the CSV: text generation falls back to the text corpus
    expect(draft.dataset?.name).toBe('tiny-shakespeare')
    expect(draft.datasetChoices.map((c) => c.reason)).toEqual([
      null,
      'This is a CSV table; text generation needs a text corpus.',
      'This is a folder of classes; text generation needs a text corpus.'
    ])

    draft.updateTask({ kind: 'forecast', target: 'Temperature', features: ['Passengers', 'Nope'] })
    expect(draft.dataset?.name).toBe('airline-passengers')
    expect(draft.columns).toEqual({ numeric: ['Passengers'], inputs: ['Passengers'] })
    const task = RunConfig.parse(draft.toRunConfig()).task
    expect(task).toMatchObject({ kind: 'forecast', datasetId: 2, features: ['Passengers'] })
    expect('target' in task).toBe(false)
  })

  it('counts parameters for the network and the estimated vocabulary', () => {
    const draft = new RunDraft(() => DATASETS)
    // vocab 65, embedding 32, LSTM 128: 2,080 + 82,432 + 8,385
    expect(draft.parameters?.total).toBe(92_897)
    draft.updateNetwork({ cell: 'gru' })
    // GRU as the engine builds it (no reset_after): 3·128·160 + 3·128 = 61,824
    expect(draft.parameters?.total).toBe(2_080 + 61_824 + 8_385)
    draft.setUnits(0, null)
    expect(draft.parameters).toBeNull()
  })

  it('adds layers as wide as the top one, up to the schema limit', () => {
    const draft = new RunDraft(() => DATASETS)
    draft.setUnits(0, 64)
    draft.addLayer()
    expect(draft.network.layers.map((l) => l.units)).toEqual([64, 64])
    for (let i = 0; i < 6; i++) draft.addLayer()
    expect(draft.addLayerBlocked).toBe('At most 8 layers')
    draft.removeLayer(0)
    expect(draft.network.layers).toHaveLength(7)
    expect(draft.addLayerBlocked).toBeNull()
  })

  it('warns about bidirectional text generation without refusing it', () => {
    const draft = new RunDraft(() => DATASETS)
    draft.updateNetwork({ bidirectional: true })
    expect(draft.warnings['network.bidirectional']).toMatch(/reads the very character/)
    expect(draft.valid).toBe(true)
    draft.updateTask({ kind: 'classification' })
    expect(draft.warnings).toEqual({})
  })

  it('applies a preset over the defaults, picking its dataset by name', () => {
    const draft = new RunDraft(() => [textDataset(), textDataset({ id: 7 as never, name: 'war' })])
    draft.updateTraining({ batchSize: 1 })
    draft.applyPreset({
      name: 'war-char',
      description: 'Tolstoy, two GRU layers',
      dataset: 'war',
      config: {
        task: { kind: 'text-generation', sequenceLength: 100 },
        network: { cell: 'gru', layers: [{ units: 256 }, { units: 256 }] },
        training: { learningRate: 1e-3, schedule: { type: 'cosine', warmupSteps: 200 } }
      }
    })
    const config = RunConfig.parse(draft.toRunConfig())
    expect(config.task).toMatchObject({ datasetId: 7, sequenceLength: 100 })
    expect(config.network.layers).toHaveLength(2)
    expect(config.training).toMatchObject({
      batchSize: 32,
      learningRate: 1e-3,
      schedule: { type: 'cosine', warmupSteps: 200, minFactor: 0.1 }
    })
  })
})
