import { readDatasetSource, DataError } from '../engine/data'
import { prepareTask } from '../engine/tasks'
import { ApiError } from '../shared/api/errors'
import type { DatasetSummary } from '../shared/domain/dataset'
import type { RunConfig } from '../shared/domain/run-config'

/**
 * Prepares the run's task once in the backend before the run exists, so that data the task cannot
 * use (a window longer than the series, a class with no examples, a corpus too short for the
 * sequence length…) is refused with the data layer's fix-it message and the store stays untouched.
 * The trainer prepares it again in its own process; this costs a fraction of a second.
 */
export async function preflightRun(
  config: RunConfig,
  dataset: DatasetSummary | undefined
): Promise<void> {
  try {
    const source = dataset ? await readDatasetSource(dataset.sourcePath) : null
    prepareTask(config.task, source, {
      seed: config.training.seed,
      validationSplit: config.training.validationSplit
    })
  } catch (error) {
    if (error instanceof DataError) {
      throw new ApiError('UNSUPPORTED', error.message, { reason: error.code })
    }
    throw error
  }
}
