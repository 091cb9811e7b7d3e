import './zod-jitless'
import type { DatasetSummary } from '../../../../shared/domain/dataset'
import { NetworkSpec } from '../../../../shared/domain/network'
import { countParameters, type ParameterCount } from '../../../../shared/domain/parameters'
import { RunConfig, type RunConfigInput } from '../../../../shared/domain/run-config'
import { fieldLabel, issueMessage, pathKey } from './issue-messages'
import {
  defaultNetworkDraft,
  defaultTaskDraft,
  defaultTrainingDraft,
  networkDraftFromPreset,
  networkInput,
  runConfigCandidate,
  taskDraftFromPreset,
  taskInput,
  trainingDraftFromPreset,
  trainingInput,
  type DesignerPreset,
  type ForecastColumns,
  type NetworkDraft,
  type ScheduleDraft,
  type TaskDraft,
  type TrainingDraft
} from './run-draft-fields'
import {
  datasetRequirement,
  describeTaskIo,
  forecastColumns,
  incompatibility,
  type DatasetRequirement,
  type TaskIo
} from './task-io'

/**
 * The engine builds tfjs-layers' GRU, which has no `reset_after` (tfjs 4.22 throws on it; see
 * engine/model/build-model.ts `recurrentLayer`): one `3·units` bias, reset before `U_h`. The
 * designer counts and writes the GRU the same way, so its numbers match the trained model.
 */
export const GRU_RESET_AFTER = false

/** Something that stops the draft from starting, tied to the field that can fix it. */
export interface DraftProblem {
  /** Config path, e.g. `network.layers.0.units`; also the key of `errors`. */
  path: string
  /** The field's name, e.g. "Layer 1 units". */
  label: string
  message: string
}

/** A registered dataset and, when it cannot feed the chosen task, why. */
export interface DatasetChoice {
  dataset: DatasetSummary
  reason: string | null
}

/**
 * The run being designed: task, network and training settings as the form holds them, whether
 * they make a valid RunConfig (RunConfig's own schema decides, so the form and the backend agree),
 * and the numbers the designer shows beside them. One instance per designer screen.
 */
export class RunDraft {
  readonly #datasets: () => readonly DatasetSummary[]
  #task = $state<TaskDraft>(defaultTaskDraft())
  #network = $state<NetworkDraft>(defaultNetworkDraft())
  #training = $state<TrainingDraft>(defaultTrainingDraft())
  #name = $state('')
  /** The dataset the user picked; `dataset` falls back when it does not fit the task. */
  #datasetChoice = $state<number | null>(null)

  #requirement = $derived(datasetRequirement(this.#task.kind, this.#task.source))
  #dataset = $derived.by(() => this.#pickDataset())
  #columns = $derived(forecastColumns(this.#dataset))
  #candidate = $derived(
    runConfigCandidate(
      this.#name,
      taskInput(this.#task, this.#dataset?.id ?? null, this.#columns),
      networkInput(this.#network),
      trainingInput(this.#training)
    )
  )
  #result = $derived(RunConfig.safeParse(this.#candidate))
  #problems = $derived.by(() => this.#collectProblems())
  #errors = $derived(Object.fromEntries(this.#problems.map((p) => [p.path, p.message])))
  #io = $derived(describeTaskIo(this.#task, this.#dataset))
  #parameters = $derived.by(() => {
    const network = NetworkSpec.safeParse(this.#candidate.network)
    const io = this.#io.io
    if (!network.success || io === null) return null
    return countParameters(network.data, io, { gruResetAfter: GRU_RESET_AFTER })
  })

  /** @param datasets the registered datasets, read reactively (e.g. `() => datasets.items`). */
  constructor(datasets: () => readonly DatasetSummary[] = () => []) {
    this.#datasets = datasets
  }

  get task(): Readonly<TaskDraft> {
    return this.#task
  }

  get network(): Readonly<NetworkDraft> {
    return this.#network
  }

  get training(): Readonly<TrainingDraft> {
    return this.#training
  }

  /** Optional run name; blank means the backend names it. */
  get name(): string {
    return this.#name
  }

  /** The dataset kinds the task reads, or null for generated data. */
  get requirement(): DatasetRequirement | null {
    return this.#requirement
  }

  /** The dataset in use: the user's pick if it fits the task, else the first that does. */
  get dataset(): DatasetSummary | null {
    return this.#dataset
  }

  /** Config path of the dataset field (seq2seq keeps it under `source`). */
  get datasetPath(): string {
    return this.#task.kind === 'seq2seq' ? 'task.source.datasetId' : 'task.datasetId'
  }

  /** Every registered dataset, each with the reason it cannot feed this task (null if it can). */
  get datasetChoices(): DatasetChoice[] {
    return this.#datasets().map((dataset) => ({
      dataset,
      reason: incompatibility(dataset, this.#task.kind, this.#task.source)
    }))
  }

  /** The current CSV's usable columns (forecasting); null for other datasets. */
  get columns(): ForecastColumns | null {
    return this.#columns
  }

  /** Shape, steps and I/O sizes of the task, estimated from the dataset statistics. */
  get io(): TaskIo {
    return this.#io
  }

  /** Parameter table for the current network and task, or null while either is incomplete. */
  get parameters(): ParameterCount | null {
    return this.#parameters
  }

  /** Field path → message, one per field, for every problem. */
  get errors(): Readonly<Record<string, string>> {
    return this.#errors
  }

  /** The message for one field, or null when it is fine. */
  error(path: string): string | null {
    return this.#errors[path] ?? null
  }

  /** Everything that stops the run from starting, in form order. */
  get problems(): readonly DraftProblem[] {
    return this.#problems
  }

  get valid(): boolean {
    return this.#problems.length === 0
  }

  /**
   * Allowed but probably not meant: a bidirectional layer in a model that predicts the next token
   * reads that token from the backward direction, so the loss drops and sampling fails.
   */
  get warnings(): Readonly<Record<string, string>> {
    const { kind } = this.#task
    if (!this.#network.bidirectional || kind !== 'text-generation') return {}
    return {
      'network.bidirectional':
        'The backward direction reads the very character each step must predict: the loss will look great and sampling will not work. Keep text generation unidirectional.'
    }
  }

  /** Why another layer cannot be added (the schema's own limit), or null when it can. */
  get addLayerBlocked(): string | null {
    const more = Array.from({ length: this.#network.layers.length + 1 }, () => ({ units: 1 }))
    const check = NetworkSpec.shape.layers.safeParse(more)
    return check.success ? null : `${issueMessage(check.error.issues[0])} layers`
  }

  /**
   * The draft as a RunConfig input, as the backend's `startRun` takes it: plain data, no state
   * proxies, so it survives structured clone over IPC.
   * @throws Error when the draft is not valid (check `valid` first).
   */
  toRunConfig(): RunConfigInput {
    if (!this.#result.success || !this.valid) {
      const first = this.#problems[0]
      throw new Error(`The run is not ready: ${first?.label}: ${first?.message}`)
    }
    return this.#candidate as RunConfigInput
  }

  setName(name: string): void {
    this.#name = name
  }

  updateTask(patch: Partial<TaskDraft>): void {
    Object.assign(this.#task, patch)
  }

  selectDataset(id: number): void {
    this.#datasetChoice = id
  }

  updateNetwork(patch: Partial<Omit<NetworkDraft, 'layers'>>): void {
    Object.assign(this.#network, patch)
  }

  setUnits(index: number, units: number | null): void {
    this.#network.layers[index].units = units
  }

  /** Adds a layer on top, as wide as the one below it (128 while that one is not valid). */
  addLayer(): void {
    const top = this.#network.layers.at(-1)?.units ?? null
    this.#network.layers.push({ units: top !== null && top >= 1 ? top : 128 })
  }

  removeLayer(index: number): void {
    if (this.#network.layers.length > 1) this.#network.layers.splice(index, 1)
  }

  updateTraining(patch: Partial<Omit<TrainingDraft, 'schedule'>>): void {
    Object.assign(this.#training, patch)
  }

  updateSchedule(patch: Partial<ScheduleDraft>): void {
    Object.assign(this.#training.schedule, patch)
  }

  /** Starts over from the defaults with the preset's settings on top. */
  applyPreset(preset: DesignerPreset): void {
    const { config } = preset
    const { task, datasetId } = taskDraftFromPreset(config.task)
    this.#task = task
    this.#network = networkDraftFromPreset(config.network)
    this.#training = trainingDraftFromPreset(config.training)
    this.#name = config.name ?? ''
    const named = this.#datasets().find((d) => d.name === preset.dataset)
    this.#datasetChoice = datasetId ?? named?.id ?? null
  }

  /** Back to the defaults. */
  reset(): void {
    this.#task = defaultTaskDraft()
    this.#network = defaultNetworkDraft()
    this.#training = defaultTrainingDraft()
    this.#name = ''
    this.#datasetChoice = null
  }

  #pickDataset(): DatasetSummary | null {
    const need = this.#requirement
    if (need === null) return null
    const fits = (d: DatasetSummary): boolean => need.kinds.includes(d.kind)
    const all = this.#datasets()
    return all.find((d) => d.id === this.#datasetChoice && fits(d)) ?? all.find(fits) ?? null
  }

  /** The dataset problem (the schema cannot know what is registered), then the schema's, one per field. */
  #collectProblems(): DraftProblem[] {
    const problems: DraftProblem[] = []
    const add = (path: string, message: string): void => {
      if (problems.some((p) => p.path === path)) return
      problems.push({ path, label: fieldLabel(path), message })
    }
    const need = this.#requirement
    if (need !== null && this.#dataset === null) {
      add(
        this.datasetPath,
        `Needs ${need.what}; none is registered yet. Add one on the home screen.`
      )
    }
    if (!this.#result.success) {
      for (const issue of this.#result.error.issues) add(pathKey(issue.path), issueMessage(issue))
    }
    return problems
  }
}
