/**
 * A forecast run's network on its validation rows, for the playground's forecast plot: what
 * happened, what the network said `horizon` rows earlier, and what persistence (the window's last
 * value) said. The task is prepared exactly as the trainer prepared it (same dataset, seed and
 * split), so the windows are the ones `val_mae` was measured on.
 */
import type { RnnModel } from '../engine/model/build-model'
import type { Batch, PreparedTask } from '../engine/tasks/types'
import type { CheckpointData } from '../engine/train/types'
import { ApiError } from '../shared/api/errors'
import type { ForecastOutput, ForecastPoint } from '../shared/api/inference'

/** The validation windows of a forecast run, prepared once per kept network. */
export interface ForecastData {
  task: PreparedTask
  batches: Batch[]
}

/** Windows per forward pass: large enough to be quick, small enough to stay a few MB. */
const BATCH_ROWS = 256

/**
 * One prediction per validation window (the last `maxPoints`), in the data's units.
 * @param loaded the run's network and checkpoint, with the windows when already prepared
 * @throws ApiError UNSUPPORTED when the dataset can no longer be read as it was trained on
 */
export async function forecastValidation(
  loaded: { net: RnnModel; checkpoint: CheckpointData; forecast?: ForecastData },
  datasetPath: string,
  maxPoints: number
): Promise<{ output: ForecastOutput; data: ForecastData }> {
  const { net, checkpoint } = loaded
  const data = loaded.forecast ?? (await prepareWindows(checkpoint, datasetPath))
  const tf = await import('@tensorflow/tfjs')
  const { forward, toModelInputs, disposeInputs } = await import('../engine/model/forward')
  const { metadata, steps: lookback } = data.task
  const scale = metadata.targetScale ?? { mean: 0, std: 1 }
  const features = data.task.input.type === 'features' ? data.task.input.size : 1
  const targetIndex = metadata.targetIndex ?? 0
  const trainRows = typeof metadata.trainRows === 'number' ? metadata.trainRows : 0
  const total = data.batches.reduce((n, b) => n + b.xShape[0], 0)
  const first = Math.max(0, total - maxPoints)
  const unscale = (v: number): number | null =>
    Number.isFinite(v) ? v * scale.std + scale.mean : null

  const points: ForecastPoint[] = []
  let k = 0
  for (const batch of data.batches) {
    const rows = batch.xShape[0]
    if (k + rows <= first) {
      k += rows
      continue
    }
    const inputs = toModelInputs(net, batch)
    const output = tf.tidy(() => forward(net, inputs, { dropoutSeed: null }).logits.reshape([-1]))
    const predicted = output.dataSync()
    output.dispose()
    disposeInputs(inputs)
    for (let b = 0; b < rows; b++, k++) {
      if (k < first) continue
      const last = batch.x[(b * lookback + lookback - 1) * features + targetIndex]
      points.push({
        row: trainRows + k,
        actual: unscale(batch.y[b]),
        predicted: unscale(predicted[b]),
        persistence: unscale(last)
      })
    }
  }
  const config = checkpoint.meta.config.task
  return {
    output: {
      target: typeof metadata.targetName === 'string' ? metadata.targetName : 'target',
      lookback,
      horizon: config.kind === 'forecast' ? config.horizon : 1,
      points,
      mae: { model: mae(points, 'predicted'), persistence: mae(points, 'persistence') }
    },
    data
  }
}

async function prepareWindows(checkpoint: CheckpointData, path: string): Promise<ForecastData> {
  const { readDatasetSource } = await import('../engine/data')
  const { prepareTask } = await import('../engine/tasks')
  const { config } = checkpoint.meta
  try {
    const source = await readDatasetSource(path)
    const task = prepareTask(config.task, source, {
      seed: config.training.seed,
      validationSplit: config.training.validationSplit
    })
    return { task, batches: task.validationBatches(BATCH_ROWS) }
  } catch (error) {
    throw new ApiError(
      'UNSUPPORTED',
      `The dataset cannot be read as the run was trained on it: ${(error as Error).message}`
    )
  }
}

/** Mean absolute error of `key` against `actual` over the points where both are numbers. */
function mae(points: readonly ForecastPoint[], key: 'predicted' | 'persistence'): number | null {
  let sum = 0
  let n = 0
  for (const p of points) {
    const guess = p[key]
    if (p.actual === null || guess === null) continue
    sum += Math.abs(guess - p.actual)
    n++
  }
  return n === 0 ? null : sum / n
}
