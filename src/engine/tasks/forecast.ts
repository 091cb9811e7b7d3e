/**
 * Time-series forecasting from a CSV: a window of `lookback` past rows → the target `horizon`
 * rows after the window's last row (many-to-one regression).
 */
import { deriveSeed } from './random'
import type { CsvColumn } from '../../shared/domain/dataset'
import type { TaskSpec } from '../../shared/domain/task'
import {
  DataError,
  describeColumn,
  isMissing,
  parseCsv,
  parseNumber,
  pickPreviewColumn,
  type DatasetFiles
} from '../data'
import { batchRanges, createEpochSampler } from './batching'
import { regressionMetrics } from './metrics'
import { decodeSource, requireSource } from './source'
import { compareCodePoints } from './tokens'
import type { Batch, PrepareOptions, PreparedTask } from './types'

export type ForecastSpec = Extract<TaskSpec, { kind: 'forecast' }>

/** One input column as the model sees it: a numeric column is one feature, a categorical one a one-hot block. */
export interface ForecastColumn {
  name: string
  type: 'numeric' | 'categorical'
  /** Categorical only: the training split's categories, in code-point order (one feature each). */
  categories?: string[]
}

/**
 * Prepares a forecast. The file's row order is taken as time order.
 *
 * - Target: `task.target`, else the first numeric column that is neither a row counter nor a piece
 *   of a split timestamp (the series the dataset preview draws).
 * - Inputs: the target, then `task.features` (numeric: z-scored; categorical: one-hot over the
 *   categories seen in training, a new category in validation is all zeros).
 * - Missing cells: forward-filled (the last observation carries on, which is all a forecaster
 *   knows at that time), then back-filled for a series that starts with gaps; the count is
 *   `metadata.filledMissing`.
 * - Split: the first `1 − validationSplit` rows train, the rest validate. Mean and standard
 *   deviation (population; 1 for a constant column) come from training rows only. A training window
 *   and its target lie wholly in the training rows; a validation window has its target in the
 *   validation rows and may start in the training rows, which a forecaster would know by then.
 *
 * Batches: `x` `[batch, lookback, features]` Float32, `y` `[batch, 1]` the normalised target;
 * `metadata.targetScale` turns predictions back into the data's units.
 * Baseline: persistence (predict the last value in the window), `val_mae`/`val_rmse` in the data's
 * units and `val_loss` as MSE in normalised units.
 * @throws DataError EMPTY, NO_NUMERIC_COLUMNS, UNRECOGNISED (unknown or unusable column, not one
 * file) or TOO_SHORT (lookback + horizon longer than the training rows)
 */
export function prepareForecast(
  task: ForecastSpec,
  source: DatasetFiles | null,
  options: PrepareOptions
): PreparedTask {
  const src = requireSource(source, 'A forecast task')
  const files = decodeSource(src)
  if (files.length !== 1) {
    throw new DataError(
      'UNRECOGNISED',
      `${src.name} has ${files.length} files, but forecasting reads a single CSV file: pick the CSV file itself.`
    )
  }
  const file = files[0].shown
  const table = parseCsv(files[0].text, file)
  const N = table.rows.length
  if (N === 0) {
    throw new DataError('EMPTY', `${file} has a header but no rows: add the data rows below it.`)
  }
  const cellsOf = (j: number): string[] => table.rows.map((row) => row[j])
  const columns = table.header.map((name, j) => describeColumn(name, cellsOf(j)))
  const listing = columns.map((c) => `${c.name} (${c.type})`).join(', ')
  const numericNames = columns.filter((c) => c.type === 'numeric').map((c) => c.name)
  if (numericNames.length === 0) {
    throw new DataError(
      'NO_NUMERIC_COLUMNS',
      `${file} has no numeric column (columns: ${listing}): forecasting needs a column of numbers; check the decimal separator is "." and the delimiter is ",".`
    )
  }
  const findColumn = (name: string, role: string): number => {
    const j = table.header.indexOf(name)
    if (j < 0) {
      throw new DataError(
        'UNRECOGNISED',
        `${file} has no column "${name}" (the ${role}); its columns are: ${listing}. Pick one of those.`
      )
    }
    return j
  }
  const target =
    task.target === undefined
      ? pickPreviewColumn(columns, cellsOf)
      : findColumn(task.target, 'target')
  if (columns[target].type !== 'numeric') {
    throw new DataError(
      'UNRECOGNISED',
      `${file}: the target column "${columns[target].name}" is ${columns[target].type}, not numeric: pick a numeric target (${numericNames.join(', ')}).`
    )
  }
  const used = [target]
  for (const name of task.features) {
    const j = findColumn(name, 'feature')
    const type = columns[j].type
    if (type !== 'numeric' && type !== 'categorical') {
      throw new DataError(
        'UNRECOGNISED',
        `${file}: the feature column "${name}" is ${type === 'date' ? 'a date' : 'free text'}, which a network cannot take as input: leave it out, or use numeric or categorical columns (${listing}).`
      )
    }
    if (!used.includes(j)) used.push(j)
  }

  const L = task.lookback
  const h = task.horizon
  const nTrain = Math.floor(N * (1 - options.validationSplit))
  if (L + h > nTrain) {
    throw new DataError(
      'TOO_SHORT',
      `${file} has ${N} rows, so its training part (the first ${nTrain}) is shorter than one window: a lookback of ${L} rows plus a horizon of ${h} needs ${L + h}; lower the lookback or the horizon, or use a longer series.`
    )
  }

  let filledMissing = 0
  const filledByColumn: Record<string, number> = {}
  const encoded: EncodedColumn[] = []
  for (const j of used) {
    const { cells, filled } = fillMissing(cellsOf(j))
    filledMissing += filled
    filledByColumn[table.header[j]] = filled
    encoded.push(encodeColumn(columns[j], cells, nTrain))
  }
  const F = encoded.reduce((n, e) => n + e.values.length, 0)
  const features = new Float32Array(N * F)
  const normalisation: { name: string; mean: number; std: number }[] = []
  let f = 0
  for (const { column, values, means, stds } of encoded) {
    values.forEach((series, k) => {
      for (let r = 0; r < N; r++) features[r * F + f] = series[r]
      const name =
        column.type === 'numeric' ? column.name : `${column.name}=${column.categories?.[k]}`
      normalisation.push({ name, mean: means[k], std: stds[k] })
      f++
    })
  }
  const y = encoded[0].values[0] // the target comes first, already normalised
  const targetScale = { mean: encoded[0].means[0], std: encoded[0].stds[0] }

  const trainCount = nTrain - L - h + 1
  const sample = createEpochSampler(trainCount, deriveSeed(options.seed, 'forecast-epochs'))
  // Validation window k predicts row nTrain + k and starts L + h − 1 rows before it.
  const validationStart = (k: number): number => nTrain + k - h - L + 1
  const validationCount = N - nTrain
  const batchOf = (starts: ArrayLike<number>): Batch => {
    const B = starts.length
    const x = new Float32Array(B * L * F)
    const yBatch = new Float32Array(B)
    for (let b = 0; b < B; b++) {
      const s = starts[b]
      x.set(features.subarray(s * F, (s + L) * F), b * L * F)
      yBatch[b] = y[s + L - 1 + h]
    }
    return { x, xShape: [B, L, F], y: yBatch, yShape: [B, 1] }
  }

  const persistence = new Float64Array(validationCount)
  const actual = new Float64Array(validationCount)
  for (let k = 0; k < validationCount; k++) {
    persistence[k] = y[nTrain + k - h]
    actual[k] = y[nTrain + k]
  }

  return {
    kind: 'forecast',
    configuration: 'many-to-one',
    input: { type: 'features', size: F },
    head: { type: 'regression', size: 1 },
    steps: L,
    trainSize: trainCount,
    validationSize: validationCount,
    trainBatch: (batchSize, _random, step) => batchOf(sample(batchSize, step * batchSize)),
    validationBatches: (batchSize) =>
      batchRanges(validationCount, batchSize).map(([from, to]) =>
        batchOf(Array.from({ length: to - from }, (_, i) => validationStart(from + i)))
      ),
    baseline: {
      name: `persistence (the last value of ${columns[target].name} in the window)`,
      metrics: regressionMetrics(persistence, actual, targetScale)
    },
    metadata: {
      kind: 'forecast',
      normalisation,
      targetIndex: 0,
      targetName: columns[target].name,
      targetScale,
      columns: encoded.map((e) => e.column),
      lookback: L,
      horizon: h,
      filledMissing,
      filledMissingByColumn: filledByColumn,
      trainRows: nTrain,
      validationRows: N - nTrain
    }
  }
}

/**
 * Forward-fills missing cells, then back-fills the ones before the first observation.
 * @returns the filled cells and how many were filled
 */
export function fillMissing(cells: readonly string[]): { cells: string[]; filled: number } {
  const out = cells.map((c) => (isMissing(c) ? null : c.trim()))
  let filled = 0
  let last: string | null = null
  for (let i = 0; i < out.length; i++) {
    if (out[i] === null) {
      if (last !== null) {
        out[i] = last
        filled++
      }
    } else last = out[i]
  }
  let next: string | null = null
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === null) {
      out[i] = next
      filled++
    } else next = out[i]
  }
  return { cells: out as string[], filled }
}

/** A column's feature series (one, or one per category) with the mean and std they were scaled by. */
interface EncodedColumn {
  column: ForecastColumn
  /** Per feature: `[rows]`, already scaled. */
  values: Float64Array[]
  means: number[]
  stds: number[]
}

/**
 * One column as features fitted on the first `nTrain` rows: numeric → one z-scored series,
 * categorical → one 0/1 series per training category (mean 0, std 1: stored as is).
 */
function encodeColumn(described: CsvColumn, cells: string[], nTrain: number): EncodedColumn {
  if (described.type === 'numeric') {
    const values = Float64Array.from(cells, (c) => parseNumber(c) as number)
    const { mean, std } = meanStd(values.subarray(0, nTrain))
    for (let i = 0; i < values.length; i++) values[i] = (values[i] - mean) / std
    return {
      column: { name: described.name, type: 'numeric' },
      values: [values],
      means: [mean],
      stds: [std]
    }
  }
  const categories = [...new Set(cells.slice(0, nTrain))].sort(compareCodePoints)
  const values = categories.map((category) =>
    Float64Array.from(cells, (c) => (c === category ? 1 : 0))
  )
  return {
    column: { name: described.name, type: 'categorical', categories },
    values,
    means: categories.map(() => 0),
    stds: categories.map(() => 1)
  }
}

/** Mean and population standard deviation; a constant series gets std 1, so it scales to zeros, not NaN. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i]
  const mean = sum / values.length
  let squares = 0
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2
  const std = Math.sqrt(squares / values.length)
  return { mean, std: std > 0 ? std : 1 }
}
