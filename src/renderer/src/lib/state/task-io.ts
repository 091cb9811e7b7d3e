/**
 * What a task asks of its data and what it feeds the network, estimated in the renderer from the
 * dataset statistics so the designer can count parameters before training. The engine fixes the
 * exact sizes when it prepares the task (engine/tasks: vocabularies come from the training split).
 */
import type { DatasetKind, DatasetSummary } from '../../../../shared/domain/dataset'
import type { NetworkIo } from '../../../../shared/domain/parameters'
import type { TaskKind } from '../../../../shared/domain/task'
import type { ForecastColumns, Seq2SeqSource, TaskDraft } from './run-draft-fields'

/** The diagram drawn for a task (Karpathy's pictures; encoder–decoder is his delayed many-to-many). */
export type TaskShape = 'many-to-many' | 'many-to-one' | 'encoder-decoder'

export interface DatasetRequirement {
  kinds: readonly DatasetKind[]
  /** What the task needs, for sentences: "a text corpus". */
  what: string
}

/** What each dataset kind is, in a sentence's words. */
export const DATASET_KIND_WORDS: Record<DatasetKind, string> = {
  text: 'a text corpus',
  csv: 'a CSV table',
  labelled: 'labelled lines',
  'class-folder': 'a folder of classes'
}

const TASK_WORDS: Record<TaskKind, string> = {
  'text-generation': 'Text generation',
  forecast: 'Forecasting',
  classification: 'Classification',
  seq2seq: 'Sequence-to-sequence',
  synthetic: 'A synthetic problem'
}

/** The dataset kinds a task reads; null when it generates its own data. */
export function datasetRequirement(
  kind: TaskKind,
  source: Seq2SeqSource
): DatasetRequirement | null {
  switch (kind) {
    case 'text-generation':
      return { kinds: ['text'], what: 'a text corpus' }
    case 'forecast':
      return { kinds: ['csv'], what: 'a CSV table' }
    case 'classification':
      return { kinds: ['labelled', 'class-folder'], what: 'labelled lines or a folder of classes' }
    case 'seq2seq':
      return source === 'dataset'
        ? { kinds: ['labelled'], what: 'source<TAB>target pairs (a labelled dataset)' }
        : null
    case 'synthetic':
      return null
  }
}

/** Why `dataset` cannot feed the task, or null when it can. */
export function incompatibility(
  dataset: DatasetSummary,
  kind: TaskKind,
  source: Seq2SeqSource
): string | null {
  const need = datasetRequirement(kind, source)
  if (need === null || need.kinds.includes(dataset.kind)) return null
  const is = DATASET_KIND_WORDS[dataset.kind]
  return `This is ${is}; ${TASK_WORDS[kind].toLowerCase()} needs ${need.what}.`
}

/** A CSV's columns as forecast targets and inputs; null for other datasets. */
export function forecastColumns(dataset: DatasetSummary | null): ForecastColumns | null {
  if (dataset === null || dataset.stats.kind !== 'csv') return null
  const { columns } = dataset.stats
  return {
    numeric: columns.filter((c) => c.type === 'numeric').map((c) => c.name),
    inputs: columns
      .filter((c) => c.type === 'numeric' || c.type === 'categorical')
      .map((c) => c.name)
  }
}

export interface TaskIo {
  shape: TaskShape
  /** Whether the first layer reads token ids (embedded or one-hot) or real-valued features. */
  input: 'tokens' | 'features'
  /** Time steps per input sequence (T), when the settings say. */
  steps: number | null
  /** Sizes to wire the network for; null until they can be estimated (no dataset yet). */
  io: NetworkIo | null
  /** Where the sizes come from, or why there are none. */
  note: string
}

const FROM_STATS = 'Vocabulary and column sizes are estimated from the dataset statistics.'
const GENERATED = 'Sizes are estimated for generated data.'

/**
 * The task's shape and I/O sizes. Vocabularies follow engine/tasks: text generation uses the
 * corpus's characters (or `maxVocabulary` words, `<unk>` included), classification adds `<pad>`
 * and `<unk>`; generated problems use the classic encodings (adding: value + marker per step).
 */
export function describeTaskIo(task: TaskDraft, dataset: DatasetSummary | null): TaskIo {
  const stats = dataset?.stats
  switch (task.kind) {
    case 'text-generation': {
      const vocab =
        task.tokens === 'word'
          ? task.maxVocabulary
          : stats?.kind === 'text'
            ? stats.vocabularySize
            : null
      return {
        shape: 'many-to-many',
        input: 'tokens',
        steps: task.sequenceLength,
        io: vocab === null ? null : tokensPerStep(vocab),
        note: vocab === null ? 'Pick a text dataset to size the vocabulary.' : FROM_STATS
      }
    }
    case 'forecast': {
      const width = stats?.kind === 'csv' ? forecastWidth(task, stats.columns) : null
      return {
        shape: 'many-to-one',
        input: 'features',
        steps: task.lookback,
        io:
          width === null
            ? null
            : { input: { type: 'features', size: width }, head: { type: 'regression', size: 1 } },
        note: width === null ? 'Pick a CSV dataset to count its input columns.' : FROM_STATS
      }
    }
    case 'classification': {
      const labelled = stats?.kind === 'labelled' || stats?.kind === 'class-folder' ? stats : null
      const known = labelled !== null && task.tokens === 'char'
      return {
        shape: 'many-to-one',
        input: 'tokens',
        steps: task.maxLength,
        io: known
          ? {
              input: { type: 'tokens', vocabSize: labelled.vocabularySize + 2 },
              head: { type: 'class', classes: labelled.classes.length }
            }
          : null,
        note: known
          ? FROM_STATS
          : labelled === null
            ? 'Pick a labelled dataset to size the vocabulary and classes.'
            : 'The word vocabulary is built when training starts; counts follow then.'
      }
    }
    case 'seq2seq':
      return { shape: 'encoder-decoder', input: 'tokens', steps: null, ...seq2seqIo(task, dataset) }
    case 'synthetic': {
      const io = syntheticIo(task)
      return { shape: 'many-to-one', input: io.input.type, steps: task.length, io, note: GENERATED }
    }
  }
}

function tokensPerStep(vocabSize: number): NetworkIo {
  return {
    input: { type: 'tokens', vocabSize },
    head: { type: 'tokens-per-step', vocabSize }
  }
}

/** Target plus chosen inputs: one feature per numeric column, one per category otherwise. */
function forecastWidth(
  task: TaskDraft,
  columns: readonly { name: string; type: string; categories?: string[] }[]
): number {
  const numeric = columns.filter((c) => c.type === 'numeric').map((c) => c.name)
  const target = task.target !== null && numeric.includes(task.target) ? task.target : numeric[0]
  let width = 1
  for (const name of task.features) {
    const column = columns.find((c) => c.name === name)
    if (column === undefined || name === target) continue
    if (column.type === 'numeric') width += 1
    else if (column.type === 'categorical') width += column.categories?.length ?? 1
  }
  return width
}

function seq2seqIo(
  task: TaskDraft,
  dataset: DatasetSummary | null
): { io: NetworkIo | null; note: string } {
  // Digits, '+' or date punctuation and letters, plus <pad>, <start>, <end>.
  const sizes =
    task.source === 'addition'
      ? { input: 12, target: 13 }
      : task.source === 'dates'
        ? { input: 40, target: 14 }
        : dataset?.stats.kind === 'labelled'
          ? { input: dataset.stats.vocabularySize + 2, target: dataset.stats.vocabularySize + 3 }
          : null
  if (sizes === null) return { io: null, note: 'Pick a paired dataset to size the vocabularies.' }
  return {
    io: {
      input: { type: 'tokens', vocabSize: sizes.input },
      head: { type: 'tokens-per-step', vocabSize: sizes.target },
      decoder: { vocabSize: sizes.target }
    },
    note: task.source === 'dataset' ? FROM_STATS : GENERATED
  }
}

function syntheticIo(task: TaskDraft): NetworkIo {
  switch (task.problem) {
    case 'sequence-sum':
      return { input: { type: 'features', size: 1 }, head: { type: 'regression', size: 1 } }
    case 'adding':
      return { input: { type: 'features', size: 2 }, head: { type: 'regression', size: 1 } }
    case 'copy-first':
      // Ten symbols; the network must answer with the first one after T steps.
      return { input: { type: 'tokens', vocabSize: 10 }, head: { type: 'class', classes: 10 } }
  }
}
