import type { TaskSpec } from '../../shared/domain/task'
import { DataError, type DatasetFiles } from '../data'
import { prepareClassification } from './classification'
import { prepareForecast } from './forecast'
import { prepareSeq2Seq } from './seq2seq'
import { prepareSynthetic } from './synthetic'
import { prepareTextGeneration } from './text-generation'
import type { PrepareOptions, PreparedTask } from './types'

/**
 * Turns a task spec and its dataset's files into encoded data, shapes, head and baseline. Call it
 * before building a model: every refusal (missing dataset, unusable file, settings that do not
 * fit the data) is a {@link DataError} whose message says what to change, raised before a single
 * training step. Deterministic: the same spec, files and `options.seed` give the same splits,
 * vocabularies, generated examples and batches.
 * @param source the files of `task`'s dataset; null for generated tasks (and refused, NOT_FOUND,
 * for dataset-backed ones)
 * @throws DataError
 */
export function prepareTask(
  task: TaskSpec,
  source: DatasetFiles | null,
  options: PrepareOptions
): PreparedTask {
  const share = options.validationSplit
  if (!(share > 0 && share < 1)) {
    throw new DataError(
      'UNRECOGNISED',
      `The validation share must be between 0 and 1 (exclusive), not ${share}: the training config's validationSplit allows 0.01 to 0.5.`
    )
  }
  switch (task.kind) {
    case 'text-generation':
      return prepareTextGeneration(task, source, options)
    case 'forecast':
      return prepareForecast(task, source, options)
    case 'classification':
      return prepareClassification(task, source, options)
    case 'seq2seq':
      return prepareSeq2Seq(task, source, options)
    case 'synthetic':
      return prepareSynthetic(task, options)
  }
}
