import { describe, expect, it } from 'vitest'
import { TaskSpec } from '../../shared/domain/task'
import { dataErrorOf } from '../data/test-helpers'
import { prepareTask } from './prepare'
import { oneFile } from './test-helpers'

const options = { seed: 1, validationSplit: 0.2 }

describe('prepareTask', () => {
  it('dispatches on the task kind', () => {
    const text = prepareTask(
      TaskSpec.parse({ kind: 'text-generation', datasetId: 1, sequenceLength: 4 }),
      oneFile('c.txt', 'abcab\n'.repeat(5)),
      options
    )
    expect(text.kind).toBe('text-generation')
    const synthetic = prepareTask(
      TaskSpec.parse({ kind: 'synthetic', problem: 'copy-first', length: 5, examples: 100 }),
      null,
      options
    )
    expect(synthetic.kind).toBe('synthetic')
    expect(synthetic.metadata.kind).toBe('synthetic')
    const seq = prepareTask(
      TaskSpec.parse({ kind: 'seq2seq', source: { type: 'addition', digits: 1, examples: 100 } }),
      null,
      options
    )
    expect(seq.decoder?.startToken).toBe(1)
  })

  it('refuses dataset-backed tasks without their dataset, before anything else', () => {
    for (const task of [
      { kind: 'text-generation', datasetId: 3 },
      { kind: 'forecast', datasetId: 3 },
      { kind: 'classification', datasetId: 3 },
      { kind: 'seq2seq', source: { type: 'dataset', datasetId: 3 } }
    ]) {
      const err = dataErrorOf(() => prepareTask(TaskSpec.parse(task), null, options))
      expect(err.code).toBe('NOT_FOUND')
      expect(err.message).toContain('needs a dataset')
    }
  })

  it('refuses a validation share outside (0, 1)', () => {
    const task = TaskSpec.parse({ kind: 'synthetic', problem: 'adding', examples: 100 })
    for (const validationSplit of [0, 1, Number.NaN]) {
      expect(dataErrorOf(() => prepareTask(task, null, { seed: 1, validationSplit })).code).toBe(
        'UNRECOGNISED'
      )
    }
  })

  it('refuses a dataset folder without files', () => {
    const err = dataErrorOf(() =>
      prepareTask(
        TaskSpec.parse({ kind: 'classification', datasetId: 1 }),
        { name: 'x', files: [] },
        options
      )
    )
    expect(err.code).toBe('EMPTY')
  })
})
