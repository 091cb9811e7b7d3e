/**
 * Trains a tiny run with the real engine inside the test process and stores it as the run
 * supervisor would (run row, metric points, checkpoints), so inference can be tested on a real
 * checkpoint without a trainer process. Keep configs tiny: a few dozen steps of a few units.
 */
import type { Studio } from '../../src/backend/studio'
import { taskDatasetId } from '../../src/backend/run-service'
import { activateComputeBackend } from '../../src/engine/compute-backend'
import { readDatasetSource } from '../../src/engine/data'
import { prepareTask } from '../../src/engine/tasks'
import { trainRun } from '../../src/engine/train/trainer'
import type { RunId } from '../../src/shared/domain/ids'
import { RunConfig, type RunConfigInput } from '../../src/shared/domain/run-config'
import { appendMetrics, createRun, getDataset, saveCheckpoint, updateRun } from '../../src/store'

/** Trains `input` to its end on the cpu backend; returns the completed run's id. */
export async function trainInProcess(studio: Studio, input: RunConfigInput): Promise<RunId> {
  const config = RunConfig.parse(input)
  await activateComputeBackend('cpu')
  const datasetId = taskDatasetId(config.task)
  const run = createRun(studio.db, {
    name: config.name ?? 'tiny',
    task: config.task.kind,
    datasetId,
    config: config as unknown as Record<string, unknown>
  })
  const dataset = datasetId === null ? undefined : getDataset(studio.db, datasetId)
  const source = dataset === undefined ? null : await readDatasetSource(dataset.sourcePath)
  const task = prepareTask(config.task, source, {
    seed: config.training.seed,
    validationSplit: config.training.validationSplit
  })
  const result = await trainRun(
    config,
    task,
    {
      onMetrics: (points) => appendMetrics(studio.db, run.id, points),
      onCheckpoint: async (c) => {
        saveCheckpoint(studio.db, {
          runId: run.id,
          step: c.step,
          weights: Buffer.from(c.weights),
          optimizerState: null,
          meta: { ...c.meta, epoch: c.epoch },
          valLoss: c.valLoss,
          isBest: c.isBest
        })
      },
      onSample: () => {},
      control: async () => 'continue'
    },
    { backendName: 'cpu', sampleLength: 4 }
  )
  updateRun(studio.db, run.id, { status: result.status, backend: 'cpu' })
  return run.id
}
