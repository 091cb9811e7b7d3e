/**
 * The tasks the picker offers, in words: what each one asks the network to do and which of
 * Karpathy's RNN configurations it uses ("The Unreasonable Effectiveness of Recurrent Neural
 * Networks", 2015). What each task reads and feeds the network lives in state/task-io.ts.
 */
import type { TaskKind } from '../../../../../shared/domain/task'

/** Karpathy's boxes-and-arrows pictures; `encoder-decoder` is his delayed many-to-many. */
export type Configuration =
  'one-to-one' | 'one-to-many' | 'many-to-one' | 'many-to-many' | 'encoder-decoder'

export interface TaskInfo {
  kind: TaskKind
  title: string
  /** One line: what the network learns to do. */
  summary: string
  /** The configuration(s) it runs in, with when. */
  configurations: readonly { configuration: Configuration; caption: string }[]
}

export const TASKS: readonly TaskInfo[] = [
  {
    kind: 'text-generation',
    title: 'Text generation',
    summary: 'Read a text one character (or word) at a time and predict the next; then write more.',
    configurations: [
      { configuration: 'many-to-many', caption: 'trains many-to-many' },
      { configuration: 'one-to-many', caption: 'samples one-to-many' }
    ]
  },
  {
    kind: 'forecast',
    title: 'Forecasting',
    summary: 'Read a window of past rows of a table and predict a column some steps ahead.',
    configurations: [{ configuration: 'many-to-one', caption: 'many-to-one' }]
  },
  {
    kind: 'classification',
    title: 'Classification',
    summary: 'Read a whole sequence, such as a name or a sentence, and name its class.',
    configurations: [{ configuration: 'many-to-one', caption: 'many-to-one' }]
  },
  {
    kind: 'seq2seq',
    title: 'Sequence to sequence',
    summary: 'Encode one sequence, then decode another: dates to ISO form, sums to answers.',
    configurations: [{ configuration: 'encoder-decoder', caption: 'encoder–decoder' }]
  },
  {
    kind: 'synthetic',
    title: 'Synthetic diagnostics',
    summary: 'Generated problems that test how far back a cell can remember.',
    configurations: [{ configuration: 'many-to-one', caption: 'many-to-one' }]
  }
]

export const SEQ2SEQ_SOURCES = [
  {
    value: 'dates',
    label: 'Dates',
    blurb: 'Dates as people write them → ISO dates (1979-05-03), generated.'
  },
  { value: 'addition', label: 'Addition', blurb: 'Sums such as “12+34” → “46”, generated.' },
  {
    value: 'dataset',
    label: 'Paired dataset',
    blurb: 'Your own source<TAB>target lines, such as a phrase list in two languages.'
  }
] as const

export const SYNTHETIC_PROBLEMS = [
  {
    value: 'sequence-sum',
    label: 'Sequence sum',
    blurb: 'Add up T random numbers: the easiest memory test.'
  },
  {
    value: 'adding',
    label: 'Adding problem',
    blurb: 'Sum the two marked numbers among T (Hochreiter & Schmidhuber 1997).'
  },
  {
    value: 'copy-first',
    label: 'Copy first',
    blurb: 'Answer the first symbol after T steps: plain RNNs fail as T grows.'
  }
] as const
