/**
 * `rnn-studio train` options → a RunConfig: a start (a `--config` file, a `--preset`, or nothing)
 * with the flags laid over it, checked by the same schema the API uses. Pure apart from the
 * datasets it is given, so every flag is testable without a studio.
 */
import { findPreset, PRESETS } from '../engine/tasks/presets'
import type { DatasetSummary } from '../shared/domain/dataset'
import { RunConfig } from '../shared/domain/run-config'
import type { TaskKind } from '../shared/domain/task'
import { UsageError } from './cli-error'

/** The train flags, as `parseArgs` returns them (strings; booleans for switches). */
export interface TrainFlags {
  name?: string
  preset?: string
  task?: string
  dataset?: string
  problem?: string
  length?: string
  examples?: string
  tokens?: string
  'seq-len'?: string
  vocab?: string
  target?: string
  features?: string
  lookback?: string
  horizon?: string
  'max-length'?: string
  'fold-accents'?: boolean
  source?: string
  digits?: string
  cell?: string
  units?: string
  bidirectional?: boolean
  dropout?: string
  embedding?: string
  activation?: string
  steps?: string
  batch?: string
  lr?: string
  optimizer?: string
  epochs?: string
  'time-budget'?: string
  'eval-every'?: string
  'checkpoint-every'?: string
  'log-every'?: string
  seed?: string
  clip?: string
  'val-split'?: string
  engine?: string
  backend?: string
}

type Json = Record<string, unknown>

/** The task kind a dataset feeds when `--task` is left out. */
const TASK_FOR_KIND: Record<DatasetSummary['kind'], TaskKind> = {
  text: 'text-generation',
  csv: 'forecast',
  labelled: 'classification',
  'class-folder': 'classification'
}

/** Task flags, the task field each sets, and the task kinds it belongs to. */
const TASK_FLAGS: [keyof TrainFlags, string, TaskKind[]][] = [
  ['tokens', 'tokens', ['text-generation', 'classification']],
  ['seq-len', 'sequenceLength', ['text-generation']],
  ['vocab', 'maxVocabulary', ['text-generation']],
  ['target', 'target', ['forecast']],
  ['features', 'features', ['forecast']],
  ['lookback', 'lookback', ['forecast']],
  ['horizon', 'horizon', ['forecast']],
  ['max-length', 'maxLength', ['classification']],
  ['fold-accents', 'foldAccents', ['classification']],
  ['problem', 'problem', ['synthetic']],
  ['length', 'length', ['synthetic']],
  ['examples', 'examples', ['synthetic']]
]

/** Training flags and the TrainConfig field each sets. */
const TRAINING_FLAGS: [keyof TrainFlags, string][] = [
  ['steps', 'maxSteps'],
  ['batch', 'batchSize'],
  ['lr', 'learningRate'],
  ['optimizer', 'optimizer'],
  ['epochs', 'maxEpochs'],
  ['time-budget', 'timeBudgetSeconds'],
  ['eval-every', 'evalEvery'],
  ['checkpoint-every', 'checkpointEvery'],
  ['log-every', 'logEvery'],
  ['seed', 'seed'],
  ['clip', 'clipNorm'],
  ['val-split', 'validationSplit'],
  ['engine', 'engine']
]

/** A flag's text as a number when it is one; the schema then says whether it is in range. */
function value(flag: string, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw
  if (flag === 'features')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  if (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(raw.trim())) return Number(raw)
  return raw
}

/** The dataset named by `--dataset ID|NAME` (a name matches case-insensitively). */
export function findDataset(datasets: readonly DatasetSummary[], ref: string): DatasetSummary {
  const byId = /^\d+$/.test(ref) ? datasets.find((d) => d.id === Number(ref)) : undefined
  const byName = datasets.filter((d) => d.name.toLowerCase() === ref.trim().toLowerCase())
  const found = byId ?? (byName.length === 1 ? byName[0] : undefined)
  if (found) return found
  if (byName.length > 1) {
    throw new UsageError(
      `Several datasets are called "${ref}": use its ID (rnn-studio datasets list).`
    )
  }
  throw new UsageError(`No dataset "${ref}". See rnn-studio datasets list for IDs and names.`)
}

/** The config a `--preset` starts from, its sample looked up among `datasets`. */
export function presetConfig(name: string, datasets: readonly DatasetSummary[]): Json {
  const preset = findPreset(name)
  if (preset === undefined) {
    throw new UsageError(`No preset "${name}". Presets: ${PRESETS.map((p) => p.name).join(', ')}.`)
  }
  if (preset.sample === null) return preset.config() as Json
  const sample = datasets.find((d) => d.isSample && d.name === preset.sample)
  if (sample === undefined) {
    throw new UsageError(
      `Preset ${name} trains on the sample "${preset.sample}", which is not in this studio.`
    )
  }
  return preset.config(sample.id) as Json
}

/**
 * Lays the flags over `base` (a parsed `--config` file or a preset's config; `{}` for none) and
 * checks the result.
 *
 * @throws UsageError naming the flag or field that is wrong
 */
export function buildRunConfig(
  base: Json,
  flags: TrainFlags,
  datasets: readonly DatasetSummary[]
): RunConfig {
  const config: Json = structuredClone(base)
  let task = (config.task ?? {}) as Json

  // The task: --task, else what --dataset or --problem/--source imply, else the base's.
  const dataset = flags.dataset === undefined ? undefined : findDataset(datasets, flags.dataset)
  const implied: TaskKind | undefined =
    flags.problem !== undefined
      ? 'synthetic'
      : flags.source !== undefined
        ? 'seq2seq'
        : dataset && TASK_FOR_KIND[dataset.kind]
  const kind = (flags.task ?? implied ?? task.kind) as TaskKind | undefined
  if (kind === undefined) {
    throw new UsageError(
      'Say what to train: --task KIND with --dataset, --preset NAME, or --config FILE.'
    )
  }
  if (kind !== task.kind) task = { kind }
  if (kind === 'seq2seq') {
    if (flags.source !== undefined && flags.source !== 'dataset') {
      task.source = { type: flags.source }
    } else if (dataset) task.source = { type: 'dataset', datasetId: dataset.id }
    const source = (task.source ?? {}) as Json
    if (flags.digits !== undefined) source.digits = value('digits', flags.digits)
    if (flags.examples !== undefined) source.examples = value('examples', flags.examples)
  } else if (dataset) {
    task.datasetId = dataset.id
  }
  for (const [flag, field, kinds] of TASK_FLAGS) {
    const raw = flags[flag]
    if (raw === undefined || (kind === 'seq2seq' && flag === 'examples')) continue
    if (!kinds.includes(kind)) {
      throw new UsageError(`--${flag} applies to ${kinds.join(' and ')} tasks, not ${kind}.`)
    }
    task[field] = value(flag, raw)
  }
  config.task = task

  const network = (config.network ?? {}) as Json
  network.cell = flags.cell ?? network.cell ?? 'lstm'
  if (flags.units !== undefined) {
    network.layers = flags.units.split(',').map((u) => ({ units: value('units', u.trim()) }))
  }
  network.layers ??= [{ units: 128 }]
  if (flags.bidirectional) network.bidirectional = true
  if (flags.dropout !== undefined) network.dropout = value('dropout', flags.dropout)
  if (flags.embedding !== undefined) network.embeddingSize = value('embedding', flags.embedding)
  if (flags.activation !== undefined) network.activation = flags.activation
  config.network = network

  const training = (config.training ?? {}) as Json
  for (const [flag, field] of TRAINING_FLAGS) {
    const raw = flags[flag]
    if (raw !== undefined) training[field] = value(flag, raw)
  }
  config.training = training
  if (flags.backend !== undefined && flags.backend !== 'auto') config.backend = flags.backend
  if (flags.name !== undefined) config.name = flags.name

  const parsed = RunConfig.safeParse(config)
  if (!parsed.success) {
    const where = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`)
      .join('; ')
    throw new UsageError(`The run configuration is not valid: ${where}`)
  }
  return parsed.data
}
