/**
 * Training-quality benchmark: does each preset learn what it should, on data it never trained on?
 *
 *   npx tsx bench/quality.ts [--only name,name] [--json] [--backend wasm|cpu]
 *   npm run bench:quality
 *
 * One entry per target of the quality issue. Each builds its RunConfig from a named preset
 * (src/engine/tasks/presets.ts), prepares the task from the real sample file or the generator,
 * trains in-process with `trainRun` and reads the end-of-run evaluation, which covers the whole
 * validation split: held out by construction (later rows of a series or text, a seeded share of
 * examples with duplicates kept on one side, generated examples the training split never draws).
 *
 * Output: a table (task, model, backend, steps, wall seconds, metric, value, baseline, target,
 * PASS/FAIL), or the rows as JSON with `--json`; progress goes to stderr. The rows are also merged
 * into `bench/results/quality-<date>.json` (git-ignored), replacing earlier rows of the same
 * entries, so entries run one at a time add up to the day's table.
 *
 * Timings are wall time on whatever machine runs it, evaluations included. A benchmark, not a
 * test (nanoGPT's bench.py): nothing here runs under `npm test`.
 */
import * as tf from '@tensorflow/tfjs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SAMPLE_DATASETS } from '../src/backend/sample-catalogue'
import { selectBackend } from '../src/engine/compute-backend'
import { readDatasetSource } from '../src/engine/data'
import { buildModel, summarise } from '../src/engine/model/build-model'
import {
  findPreset,
  prepareTask,
  SEQUENCE_SUM_STARTS,
  type PreparedTask
} from '../src/engine/tasks'
import { trainRun } from '../src/engine/train/trainer'
import type { FinalEvaluation, TrainResult } from '../src/engine/train/types'
import { RunConfig, type RunConfigInput } from '../src/shared/domain/run-config'

type BackendChoice = 'wasm' | 'cpu'

/** What an entry must reach; `value` may depend on the prepared task (its baseline, its range). */
interface Target {
  /** `<`: the metric must be below `value`; `>=`: at least `value`. */
  op: '<' | '>='
  value: number
  /** How the threshold was derived, for the table (`< 1% of range 990`). */
  text: string
}

interface Entry {
  /** Key for `--only`, kebab-case. */
  name: string
  /** The preset the run config comes from. */
  preset: string
  /** What the row measures, in words. */
  task: string
  /** The faster backend for this entry on a small CPU (measured; `--backend` overrides). */
  backend: BackendChoice
  /** Changes to the preset's config for this row (a twin with another cell), applied before parsing. */
  adjust?: (config: RunConfigInput) => RunConfigInput
  /** Key of the end-of-run evaluation's metrics. */
  metric: string
  /** Null: the row reports a figure with no pass mark. */
  target(task: PreparedTask): Target | null
  /** Print each evaluation's validation loss with the elapsed time, and the last text sample. */
  curve?: boolean
}

/** One row of the table and of the JSON file. */
interface Row {
  entry: string
  task: string
  preset: string
  model: string
  params: number
  backend: string
  steps: number
  seconds: number
  metric: string
  value: number | null
  baseline: number | null
  baselineName: string | null
  target: string
  pass: boolean | null
  /** How the run ended (max steps, time budget, early stopping, divergence…). */
  stopped: string
  stepsPerSecond: number
  /** The end-of-run metrics on the whole validation split. */
  metrics: Record<string, number>
  validationSize: number
  trainSize: number
  /** Classification: rows = true class, columns = predicted class. */
  confusionMatrix?: number[][]
  classNames?: string[]
  /** Entries with `curve`: validation loss at each evaluation against elapsed seconds. */
  curve?: { step: number; seconds: number; valLoss: number }[]
  /** Entries with `curve`: the text sampled after the last evaluation. */
  sample?: { prime: string; temperature: number; text: string }
  config: RunConfig
  command: string
  finishedAt: string
}

/** Wall-time budget of the tiny-shakespeare entry, in seconds. */
const SHAKESPEARE_SECONDS = 600

const ENTRIES: readonly Entry[] = [
  {
    name: 'sequence-sum',
    preset: 'sequence-sum',
    task: 'sequence sum (held-out start values)',
    backend: 'wasm',
    metric: 'val_mae',
    target(task) {
      // Sums of T consecutive integers starting at 0…99: they span 99·T.
      const range = (SEQUENCE_SUM_STARTS - 1) * Number(task.metadata.length)
      return { op: '<', value: 0.01 * range, text: `< 1% of range ${range}` }
    }
  },
  {
    name: 'adding-lstm',
    preset: 'adding-problem-lstm',
    task: 'adding problem, T = 50',
    backend: 'wasm',
    metric: 'val_loss',
    target: () => ({ op: '<', value: 0.01, text: '< 0.01' })
  },
  {
    name: 'adding-rnn',
    preset: 'adding-problem-lstm',
    task: 'adding problem, T = 50 (same budget)',
    backend: 'wasm',
    adjust: (config) => ({ ...config, network: { ...config.network, cell: 'rnn' } }),
    metric: 'val_loss',
    target: () => null
  },
  {
    name: 'addition',
    preset: 'addition-seq2seq',
    task: '2-digit addition (held-out sums)',
    backend: 'wasm',
    metric: 'val_exact_match',
    target: () => ({ op: '>=', value: 0.99, text: '≥ 99%' })
  },
  {
    name: 'dates',
    preset: 'dates-seq2seq',
    task: 'date → ISO (held-out dates)',
    backend: 'wasm',
    metric: 'val_exact_match',
    target: () => ({ op: '>=', value: 0.95, text: '≥ 95%' })
  },
  {
    name: 'names',
    preset: 'names-classify',
    task: 'names by language',
    backend: 'wasm',
    metric: 'val_accuracy',
    target: () => ({ op: '>=', value: 0.75, text: '≥ 75%' })
  },
  {
    name: 'sentiment-amazon',
    preset: 'sentiment-amazon',
    task: 'sentiment, Amazon',
    backend: 'wasm',
    metric: 'val_accuracy',
    target: () => ({ op: '>=', value: 0.75, text: '≥ 75%' })
  },
  {
    name: 'sentiment-imdb',
    preset: 'sentiment-imdb',
    task: 'sentiment, IMDB',
    backend: 'wasm',
    metric: 'val_accuracy',
    target: () => ({ op: '>=', value: 0.75, text: '≥ 75%' })
  },
  {
    name: 'melbourne',
    preset: 'melbourne-min-forecast',
    task: 'Melbourne min temp, next day',
    backend: 'wasm',
    metric: 'val_mae',
    target(task) {
      const naive = task.baseline?.metrics.val_mae ?? NaN
      return { op: '<', value: 0.95 * naive, text: `< 0.95 × naive ${naive.toFixed(3)}` }
    }
  },
  {
    name: 'shakespeare',
    preset: 'tiny-shakespeare-char',
    task: 'tiny-shakespeare, nats/char',
    backend: 'wasm',
    // The preset's 3,000 steps take about an hour on two CPU cores (a step is 32 × 64 characters
    // through a 128-unit LSTM, about a second on wasm): report the curve after ten minutes,
    // evaluated twice as often as the preset does.
    adjust: (config) => ({
      ...config,
      training: { ...config.training, timeBudgetSeconds: SHAKESPEARE_SECONDS, evalEvery: 100 }
    }),
    metric: 'val_loss',
    target: () => null,
    curve: true
  }
]

const USAGE = `Usage: npx tsx bench/quality.ts [--only name,name] [--json] [--backend wasm|cpu]
Entries: ${ENTRIES.map((e) => e.name).join(', ')}`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string' },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const backend = values.backend
  if (backend !== undefined && backend !== 'wasm' && backend !== 'cpu') {
    throw new Error(`--backend must be wasm or cpu, not "${backend}".\n${USAGE}`)
  }
  const wanted = values.only?.split(',').map((s) => s.trim()) ?? ENTRIES.map((e) => e.name)
  const unknown = wanted.filter((name) => !ENTRIES.some((e) => e.name === name))
  if (unknown.length > 0) throw new Error(`Unknown entries: ${unknown.join(', ')}.\n${USAGE}`)
  const command = ['npx tsx bench/quality.ts', ...process.argv.slice(2)].join(' ')

  const rows: Row[] = []
  for (const entry of ENTRIES.filter((e) => wanted.includes(e.name))) {
    rows.push(await runEntry(entry, backend ?? entry.backend, command))
  }
  const file = await saveRows(rows)
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2))
  } else {
    console.log(formatTable(rows))
    for (const row of rows) console.log(formatDetails(row))
    console.log(`\nrows merged into ${file}`)
  }
}

async function runEntry(entry: Entry, backend: BackendChoice, command: string): Promise<Row> {
  const preset = findPreset(entry.preset)
  if (!preset) throw new Error(`No preset "${entry.preset}" (entry ${entry.name}).`)
  const base = preset.config(preset.sample ? 1 : undefined)
  const config = RunConfig.parse(entry.adjust ? entry.adjust(base) : base)
  const info = await selectBackend(tf, { force: backend })
  const source = preset.sample ? await readDatasetSource(samplePath(preset.sample)) : null
  const task = prepareTask(config.task, source, {
    seed: config.training.seed,
    validationSplit: config.training.validationSplit
  })
  const params = countParams(config, task)
  const model = describeModel(config, params)
  progress(
    `${entry.name}: ${model} on ${info.selected}, ${task.trainSize} train / ${task.validationSize} held out`
  )

  const started = Date.now()
  const elapsed = (): number => (Date.now() - started) / 1000
  const curve: Row['curve'] = []
  let sample: Row['sample']
  const result: TrainResult = await trainRun(
    config,
    task,
    {
      onMetrics(points) {
        const val = points.filter((p) => p.name.startsWith('val_'))
        if (val.length === 0) return
        const loss = val.find((p) => p.name === 'val_loss')
        if (loss) curve.push({ step: loss.step, seconds: elapsed(), valLoss: loss.value })
        const shown = val.map((p) => `${p.name} ${formatNumber(p.value)}`).join('  ')
        progress(`  ${elapsed().toFixed(0).padStart(5)} s  step ${val[0].step}  ${shown}`)
      },
      onCheckpoint: async () => {},
      onSample(_step, payload) {
        if (payload.type !== 'text') return
        sample = { prime: payload.prime, temperature: payload.temperature, text: payload.text }
      },
      control: async () => 'continue'
    },
    { backendName: info.selected }
  )
  const seconds = elapsed()
  const evaluation: FinalEvaluation | null = result.evaluation
  const value = evaluation?.metrics[entry.metric] ?? null
  const target = entry.target(task)
  const row: Row = {
    entry: entry.name,
    task: entry.task,
    preset: entry.preset,
    model,
    params,
    backend: info.selected,
    steps: result.steps,
    seconds,
    metric: entry.metric,
    value,
    baseline: task.baseline?.metrics[entry.metric] ?? null,
    baselineName: task.baseline?.name ?? null,
    target: target?.text ?? 'report',
    pass: target === null ? null : value !== null && meets(value, target),
    stopped: result.error ?? result.reason,
    stepsPerSecond: result.stepsPerSecond,
    metrics: evaluation?.metrics ?? {},
    validationSize: task.validationSize,
    trainSize: task.trainSize,
    config,
    command,
    finishedAt: new Date().toISOString()
  }
  if (evaluation?.confusionMatrix) {
    row.confusionMatrix = evaluation.confusionMatrix
    row.classNames = evaluation.classNames
  }
  if (entry.curve) {
    row.curve = curve
    if (sample) row.sample = sample
  }
  progress(
    `  ${entry.name}: ${result.status}, ${result.reason}; ${entry.metric} ${formatNumber(value)}`
  )
  return row
}

function meets(value: number, target: Target): boolean {
  return target.op === '<' ? value < target.value : value >= target.value
}

function samplePath(name: string): string {
  const sample = SAMPLE_DATASETS.find((s) => s.name === name)
  if (!sample) throw new Error(`No sample dataset "${name}" in the catalogue.`)
  return fileURLToPath(new URL(`../resources/samples/${sample.path}`, import.meta.url))
}

/** Weights of the network the run builds (built once and thrown away: cheap next to training). */
function countParams(config: RunConfig, task: PreparedTask): number {
  const net = buildModel(config.network, task, config.training.seed)
  try {
    return summarise(net).totalParams
  } finally {
    net.model.dispose()
  }
}

/** `biGRU 128 (enc–dec), 112k weights`. */
function describeModel(config: RunConfig, params: number): string {
  const net = config.network
  const cell = (net.bidirectional ? 'bi' : '') + net.cell.toUpperCase()
  const units = net.layers.map((l) => l.units).join('×')
  const seq2seq = config.task.kind === 'seq2seq' ? ' enc–dec' : ''
  const weights = params >= 1000 ? `${(params / 1000).toFixed(params >= 10_000 ? 0 : 1)}k` : params
  return `${cell} ${units}${seq2seq}, ${weights} weights`
}

/** Merges `rows` into today's results file (same entry → replaced) and returns its path. */
async function saveRows(rows: Row[]): Promise<string> {
  const folder = new URL('./results/', import.meta.url)
  await mkdir(folder, { recursive: true })
  const date = new Date().toISOString().slice(0, 10)
  const url = new URL(`quality-${date}.json`, folder)
  let kept: Row[] = []
  try {
    kept = (JSON.parse(await readFile(url, 'utf8')) as { rows: Row[] }).rows
  } catch {
    // No file yet today (or an unreadable one): start afresh.
  }
  const order = (row: Row): number => ENTRIES.findIndex((e) => e.name === row.entry)
  const merged = [...kept.filter((k) => !rows.some((r) => r.entry === k.entry)), ...rows].sort(
    (a, b) => order(a) - order(b)
  )
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', node: process.version }
  await writeFile(
    url,
    JSON.stringify({ date, machine, tfjs: tf.version.tfjs, rows: merged }, null, 2)
  )
  return fileURLToPath(url)
}

function formatTable(rows: Row[]): string {
  const header = [
    'task',
    'model',
    'backend',
    'steps',
    'wall s',
    'metric',
    'value',
    'baseline',
    'target',
    'result'
  ]
  const cells = rows.map((r) => [
    r.task,
    r.model,
    r.backend,
    String(r.steps),
    r.seconds.toFixed(0),
    r.metric,
    formatMetric(r.metric, r.value),
    formatMetric(r.metric, r.baseline),
    r.target,
    r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL'
  ])
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)))
  const line = (c: string[]): string =>
    c
      .map((v, j) => v.padEnd(widths[j]))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

/** What a row adds below the table: the loss curve and sample, the confusion matrix. */
function formatDetails(row: Row): string {
  const parts: string[] = []
  if (row.stopped) parts.push(`\n${row.entry}: ${row.stopped}`)
  if (row.curve) {
    parts.push('  step     seconds  val loss (nats/char)')
    for (const p of row.curve) {
      parts.push(
        `  ${String(p.step).padStart(6)}  ${p.seconds.toFixed(0).padStart(7)}  ${p.valLoss.toFixed(4)}`
      )
    }
  }
  if (row.sample) {
    parts.push(
      `  sample (temperature ${row.sample.temperature}) after ${JSON.stringify(row.sample.prime)}:`
    )
    parts.push(row.sample.text)
  }
  if (row.confusionMatrix && row.classNames) {
    parts.push('  confusion matrix (rows: true class, columns: predicted, same order):')
    const names = row.classNames
    const width = Math.max(...names.map((n) => n.length))
    row.confusionMatrix.forEach((counts, i) => {
      parts.push(
        `  ${names[i].padEnd(width)}  ${counts.map((n) => String(n).padStart(4)).join('')}`
      )
    })
  }
  return parts.join('\n')
}

/** Shares as percentages, the rest with four significant digits. */
function formatMetric(metric: string, value: number | null): string {
  if (value === null) return '—'
  if (metric.endsWith('accuracy') || metric.endsWith('exact_match')) {
    return `${(value * 100).toFixed(1)}%`
  }
  return formatNumber(value)
}

function formatNumber(value: number | null): string {
  return value === null ? '—' : Number(value.toPrecision(4)).toString()
}

function progress(line: string): void {
  process.stderr.write(line + '\n')
}

try {
  await main()
} catch (error) {
  // A usage mistake or a refused dataset: the message says what to change; no stack needed.
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
}
