import { describe, expect, it } from 'vitest'
import { csvDataset, labelledDataset, textDataset } from '../testing/fixtures'
import { defaultTaskDraft, type TaskDraft } from './run-draft-fields'
import { describeTaskIo } from './task-io'

function task(patch: Partial<TaskDraft>): TaskDraft {
  return { ...defaultTaskDraft(), ...patch }
}

describe('describeTaskIo', () => {
  it('sizes text generation from the corpus, or from maxVocabulary for words', () => {
    expect(describeTaskIo(task({}), textDataset())).toMatchObject({
      shape: 'many-to-many',
      steps: 64,
      io: {
        input: { type: 'tokens', vocabSize: 65 },
        head: { type: 'tokens-per-step', vocabSize: 65 }
      }
    })
    const words = describeTaskIo(task({ tokens: 'word', maxVocabulary: 5000 }), textDataset())
    expect(words.io?.input).toEqual({ type: 'tokens', vocabSize: 5000 })
    expect(describeTaskIo(task({}), null)).toMatchObject({ io: null, input: 'tokens' })
  })

  it('adds <pad> and <unk> to a classification vocabulary', () => {
    // 87 characters + 2; 3 classes
    expect(describeTaskIo(task({ kind: 'classification' }), labelledDataset(3)).io).toEqual({
      input: { type: 'tokens', vocabSize: 89 },
      head: { type: 'class', classes: 3 }
    })
  })

  it('counts a forecast’s inputs: the target, numeric extras and one per category', () => {
    const dataset = csvDataset()
    if (dataset.stats.kind !== 'csv') throw new Error('fixture')
    const columns = [
      ...dataset.stats.columns,
      { name: 'Fuel', type: 'numeric' as const, missing: 0 },
      { name: 'Season', type: 'categorical' as const, missing: 0, categories: ['w', 'sp', 'su'] }
    ]
    const csv = { ...dataset, stats: { ...dataset.stats, columns } }
    const io = describeTaskIo(task({ kind: 'forecast', features: ['Fuel', 'Season', 'Gone'] }), csv)
    // Passengers (target) + Fuel + 3 seasons
    expect(io).toMatchObject({
      shape: 'many-to-one',
      input: 'features',
      steps: 30,
      io: { input: { type: 'features', size: 5 }, head: { type: 'regression', size: 1 } }
    })
  })
})
