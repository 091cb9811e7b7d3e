/**
 * The runs table's rows: what each column shows and sorts by, and the filters. Plain functions
 * of the runs, their stats and the datasets, so filtering and sorting are testable alone.
 */
import type { RunStats } from '../../../../shared/api/runs'
import type { DatasetSummary } from '../../../../shared/domain/dataset'
import type { RunStatus, RunSummary } from '../../../../shared/domain/run'

export type SortKey =
  'name' | 'task' | 'dataset' | 'spec' | 'best' | 'status' | 'duration' | 'backend' | 'created'

export interface Sort {
  key: SortKey
  descending: boolean
}

export interface RunFilter {
  /** null = every status. */
  status: RunStatus | null
  /** A task kind (`text-generation`…); null = every task. */
  task: string | null
  /** Part of the name, any case. */
  text: string
}

export const NO_FILTER: RunFilter = { status: null, task: null, text: '' }

/** One run as the table shows it. */
export interface RunRow {
  run: RunSummary
  task: string
  dataset: string
  spec: string
  bestValLoss: number | null
  /** Milliseconds from start to finish (or to now); null before it starts. */
  durationMs: number | null
}

const TASK_NAMES: Record<string, string> = {
  'text-generation': 'Text generation',
  forecast: 'Forecasting',
  classification: 'Classification',
  seq2seq: 'Seq2seq',
  synthetic: 'Synthetic'
}

/** "Text generation", "Synthetic: adding T=10", "Seq2seq: dates". */
export function taskLabel(run: RunSummary): string {
  const name = TASK_NAMES[run.task] ?? run.task
  const task = run.config.task as Record<string, unknown> | undefined
  if (run.task === 'synthetic' && typeof task?.problem === 'string') {
    return `${name}: ${task.problem}${typeof task.length === 'number' ? ` T=${task.length}` : ''}`
  }
  const source = task?.source as { type?: unknown } | undefined
  if (run.task === 'seq2seq' && typeof source?.type === 'string' && source.type !== 'dataset') {
    return `${name}: ${source.type}`
  }
  return name
}

/** The network in a few characters: "LSTM 128", "BiGRU 8-8", "RNN 16 · dropout 0.2". */
export function specSummary(config: Record<string, unknown>): string {
  const network = config.network as
    | { cell?: unknown; layers?: { units?: unknown }[]; bidirectional?: unknown; dropout?: unknown }
    | undefined
  if (typeof network?.cell !== 'string' || !Array.isArray(network.layers)) return '—'
  const units = network.layers.map((l) => l.units).join('-')
  const cell = (network.bidirectional === true ? 'Bi' : '') + network.cell.toUpperCase()
  const dropout =
    typeof network.dropout === 'number' && network.dropout > 0
      ? ` · dropout ${network.dropout}`
      : ''
  return `${cell} ${units}${dropout}`
}

export function toRows(
  runs: readonly RunSummary[],
  stats: Readonly<Record<number, RunStats>>,
  datasets: readonly DatasetSummary[],
  now: number
): RunRow[] {
  const names = new Map<number, string>(datasets.map((d) => [d.id, d.name]))
  return runs.map((run) => {
    const start = run.startedAt === null ? null : Date.parse(run.startedAt)
    const end = run.finishedAt === null ? now : Date.parse(run.finishedAt)
    return {
      run,
      task: taskLabel(run),
      dataset:
        run.datasetId === null ? 'generated' : (names.get(run.datasetId) ?? `#${run.datasetId}`),
      spec: specSummary(run.config),
      bestValLoss: stats[run.id]?.bestValLoss ?? null,
      durationMs: start === null ? null : Math.max(0, end - start)
    }
  })
}

export function filterRows(rows: readonly RunRow[], filter: RunFilter): RunRow[] {
  const text = filter.text.trim().toLowerCase()
  return rows.filter(
    (row) =>
      (filter.status === null || row.run.status === filter.status) &&
      (filter.task === null || row.run.task === filter.task) &&
      (text === '' || row.run.name.toLowerCase().includes(text))
  )
}

function sortValue(row: RunRow, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return row.run.name.toLowerCase()
    case 'task':
      return row.task
    case 'dataset':
      return row.dataset
    case 'spec':
      return row.spec
    case 'best':
      return row.bestValLoss
    case 'status':
      return row.run.status
    case 'duration':
      return row.durationMs
    case 'backend':
      return row.run.backend
    case 'created':
      return Date.parse(row.run.createdAt)
  }
}

/**
 * Rows in `sort` order; empty values (no best loss yet, not started) go last either way, and ties
 * keep the newest run first.
 */
export function sortRows(rows: readonly RunRow[], sort: Sort): RunRow[] {
  const sign = sort.descending ? -1 : 1
  return [...rows].sort((a, b) => {
    const x = sortValue(a, sort.key)
    const y = sortValue(b, sort.key)
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1
    } else if (x !== y) {
      const order =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x).localeCompare(String(y), 'en', { numeric: true })
      if (order !== 0) return sign * order
    }
    return b.run.id - a.run.id
  })
}
