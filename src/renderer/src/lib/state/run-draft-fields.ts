/**
 * The run draft as the designer's form holds it, and how it becomes a RunConfig input.
 * Plain data and functions (no runes), so the mapping is testable on its own; `RunDraft` wraps it
 * in state. Numbers are `null` while their input is empty: the schemas then say what is missing.
 */
import type {
  CellType,
  Initializer,
  MergeMode,
  NetworkSpecInput
} from '../../../../shared/domain/network'
import type { RunConfigInput } from '../../../../shared/domain/run-config'
import {
  ClassificationTask,
  ForecastTask,
  Seq2SeqTask,
  SyntheticTask,
  TextGenerationTask,
  type TaskKind,
  type TaskSpecInput
} from '../../../../shared/domain/task'
import { TrainConfig, type TrainConfigInput } from '../../../../shared/domain/train-config'

/** `T` with every number field also allowed to be null (an empty input). */
type Editable<T> = { [K in keyof T]: T[K] extends number ? number | null : T[K] }

export type TokenLevel = 'char' | 'word'
export type Seq2SeqSource = 'dataset' | 'dates' | 'addition'
export type SyntheticProblem = 'sequence-sum' | 'adding' | 'copy-first'
export type ScheduleType = 'constant' | 'step' | 'cosine'

/**
 * Every task's fields side by side, so switching task and back keeps what was typed.
 * The dataset is chosen apart (see `RunDraft.dataset`).
 */
export interface TaskDraft {
  kind: TaskKind
  tokens: TokenLevel
  sequenceLength: number | null
  maxVocabulary: number | null
  /** Forecast target column; null = the engine's choice (first numeric non-date column). */
  target: string | null
  features: string[]
  lookback: number | null
  horizon: number | null
  maxLength: number | null
  foldAccents: boolean
  source: Seq2SeqSource
  digits: number | null
  seq2seqExamples: number | null
  problem: SyntheticProblem
  length: number | null
  syntheticExamples: number | null
}

export interface NetworkDraft {
  cell: CellType
  activation: 'tanh' | 'relu'
  layers: { units: number | null }[]
  bidirectional: boolean
  merge: MergeMode
  dropout: number | null
  embeddingSize: number | null
  kernelInitializer: Initializer
  recurrentInitializer: Initializer
}

/** All three schedules' fields; only the chosen type's reach the config. */
export interface ScheduleDraft {
  type: ScheduleType
  every: number | null
  gamma: number | null
  warmupSteps: number | null
  minFactor: number | null
}

export type TrainingDraft = Editable<Omit<TrainConfig, 'schedule'>> & { schedule: ScheduleDraft }

/** Defaults come from the schemas themselves (a placeholder dataset id fills the required field). */
export function defaultTaskDraft(): TaskDraft {
  const text = TextGenerationTask.parse({ kind: 'text-generation', datasetId: 1 })
  const forecast = ForecastTask.parse({ kind: 'forecast', datasetId: 1 })
  const classification = ClassificationTask.parse({ kind: 'classification', datasetId: 1 })
  const addition = Seq2SeqTask.parse({ kind: 'seq2seq', source: { type: 'addition' } }).source
  const synthetic = SyntheticTask.parse({ kind: 'synthetic', problem: 'adding' })
  return {
    kind: 'text-generation',
    tokens: text.tokens,
    sequenceLength: text.sequenceLength,
    maxVocabulary: text.maxVocabulary,
    target: null,
    features: [],
    lookback: forecast.lookback,
    horizon: forecast.horizon,
    maxLength: classification.maxLength,
    foldAccents: classification.foldAccents,
    source: 'dates',
    digits: addition.type === 'addition' ? addition.digits : null,
    seq2seqExamples: addition.type === 'addition' ? addition.examples : null,
    problem: 'adding',
    length: synthetic.length,
    syntheticExamples: synthetic.examples
  }
}

/**
 * One LSTM layer of 128: char-rnn's small model, which learns tiny-shakespeare's spelling in a few
 * thousand steps on a laptop. The rest are NetworkSpec's defaults.
 */
export function defaultNetworkDraft(): NetworkDraft {
  return {
    cell: 'lstm',
    activation: 'tanh',
    layers: [{ units: 128 }],
    bidirectional: false,
    merge: 'concat',
    dropout: 0,
    embeddingSize: 32,
    kernelInitializer: 'glorot-uniform',
    recurrentInitializer: 'orthogonal'
  }
}

export function defaultTrainingDraft(): TrainingDraft {
  const { schedule: _constant, ...rest } = TrainConfig.parse({})
  return {
    ...rest,
    // Starting values shown when a schedule is picked: halve every 1000 steps (a gentle char-rnn
    // style decay), or warm up for 100 steps then cosine down to the schema's 0.1 floor.
    schedule: { type: 'constant', every: 1000, gamma: 0.5, warmupSteps: 100, minFactor: 0.1 }
  }
}

/** Columns of a CSV the forecast can use, as the draft sees them after a dataset change. */
export interface ForecastColumns {
  /** Numeric, non-date columns: possible targets. */
  numeric: readonly string[]
  /** Numeric or categorical columns: possible extra inputs. */
  inputs: readonly string[]
}

/**
 * The task as a TaskSpec input. `datasetId` null leaves the field out (the schema then reports it);
 * a target or feature the current dataset lacks is dropped rather than sent.
 */
export function taskInput(
  task: TaskDraft,
  datasetId: number | null,
  columns: ForecastColumns | null
): Record<string, unknown> {
  const dataset = datasetId === null ? {} : { datasetId }
  switch (task.kind) {
    case 'text-generation':
      return {
        kind: task.kind,
        ...dataset,
        tokens: task.tokens,
        sequenceLength: task.sequenceLength,
        maxVocabulary: task.maxVocabulary
      }
    case 'forecast': {
      const target =
        task.target !== null && columns?.numeric.includes(task.target) ? task.target : undefined
      const features = task.features.filter((f) => f !== target && columns?.inputs.includes(f))
      return {
        kind: task.kind,
        ...dataset,
        ...(target === undefined ? {} : { target }),
        features,
        lookback: task.lookback,
        horizon: task.horizon
      }
    }
    case 'classification':
      return {
        kind: task.kind,
        ...dataset,
        tokens: task.tokens,
        maxLength: task.maxLength,
        foldAccents: task.foldAccents
      }
    case 'seq2seq':
      return { kind: task.kind, source: seq2seqSource(task, dataset) }
    case 'synthetic':
      return {
        kind: task.kind,
        problem: task.problem,
        length: task.length,
        examples: task.syntheticExamples
      }
  }
}

function seq2seqSource(task: TaskDraft, dataset: { datasetId?: number }): Record<string, unknown> {
  switch (task.source) {
    case 'dataset':
      return { type: 'dataset', ...dataset }
    case 'dates':
      return { type: 'dates', examples: task.seq2seqExamples }
    case 'addition':
      return { type: 'addition', digits: task.digits, examples: task.seq2seqExamples }
  }
}

export function networkInput(network: NetworkDraft): Record<string, unknown> {
  return { ...network, layers: network.layers.map(({ units }) => ({ units })) }
}

export function trainingInput(training: TrainingDraft): Record<string, unknown> {
  const { schedule, ...rest } = training
  switch (schedule.type) {
    case 'constant':
      return { ...rest, schedule: { type: 'constant' } }
    case 'step':
      return { ...rest, schedule: { type: 'step', every: schedule.every, gamma: schedule.gamma } }
    case 'cosine':
      return {
        ...rest,
        schedule: {
          type: 'cosine',
          warmupSteps: schedule.warmupSteps,
          minFactor: schedule.minFactor
        }
      }
  }
}

/** Run-config input of unknown validity: RunConfig parses it to decide. */
export function runConfigCandidate(
  name: string,
  task: Record<string, unknown>,
  network: Record<string, unknown>,
  training: Record<string, unknown>
): Record<string, unknown> {
  const trimmed = name.trim()
  return { ...(trimmed === '' ? {} : { name: trimmed }), task, network, training }
}

/** A preset's task: any TaskSpec input with only `kind` required (a preset cannot know dataset ids). */
export type PresetTask = TaskSpecInput extends infer T
  ? T extends { kind: unknown }
    ? Partial<T> & Pick<T, 'kind'>
    : never
  : never

/** What a preset may set: any part of a RunConfig input. A full RunConfigInput fits. */
export interface PresetConfig {
  name?: string
  task?: PresetTask
  network?: Partial<NetworkSpecInput>
  training?: Partial<TrainConfigInput>
}

/** A named starting point for the designer (engine presets supply these). */
export interface DesignerPreset {
  name: string
  description: string
  config: PresetConfig | RunConfigInput
  /** Name of the dataset it was tuned for; picked when registered and the config names no id. */
  dataset?: string
}

/** The draft's task fields with a preset's task laid over the defaults; also its dataset id if any. */
export function taskDraftFromPreset(task: PresetTask | undefined): {
  task: TaskDraft
  datasetId: number | null
} {
  const draft = defaultTaskDraft()
  if (task === undefined) return { task: draft, datasetId: null }
  draft.kind = task.kind
  switch (task.kind) {
    case 'text-generation':
    case 'classification':
    case 'forecast': {
      const { kind: _kind, datasetId, ...fields } = task
      Object.assign(draft, definedOnly(fields))
      return { task: draft, datasetId: datasetId ?? null }
    }
    case 'seq2seq': {
      const source = task.source
      if (source === undefined) return { task: draft, datasetId: null }
      draft.source = source.type
      if (source.type === 'dataset') return { task: draft, datasetId: source.datasetId }
      if (source.examples !== undefined) draft.seq2seqExamples = source.examples
      if (source.type === 'addition' && source.digits !== undefined) draft.digits = source.digits
      return { task: draft, datasetId: null }
    }
    case 'synthetic':
      if (task.problem !== undefined) draft.problem = task.problem
      if (task.length !== undefined) draft.length = task.length
      if (task.examples !== undefined) draft.syntheticExamples = task.examples
      return { task: draft, datasetId: null }
  }
}

export function networkDraftFromPreset(network: Partial<NetworkSpecInput> = {}): NetworkDraft {
  const { layers, ...rest } = network
  return {
    ...defaultNetworkDraft(),
    ...definedOnly(rest),
    ...(layers === undefined ? {} : { layers: layers.map(({ units }) => ({ units })) })
  }
}

export function trainingDraftFromPreset(training: Partial<TrainConfigInput> = {}): TrainingDraft {
  const { schedule, ...rest } = training
  const draft = { ...defaultTrainingDraft(), ...definedOnly(rest) }
  if (schedule !== undefined) draft.schedule = { ...draft.schedule, ...definedOnly(schedule) }
  return draft
}

/** `obj` without its undefined values, so spreading it keeps the defaults under them. */
function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>
}
