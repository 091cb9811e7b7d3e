/**
 * The real training function of the trainer process: the engine end to end, in the order a run
 * needs it. Everything slow or fallible (loading tfjs, reading and encoding the data) happens here,
 * in the trainer process, never in the host.
 */
import { activateComputeBackend } from '../compute-backend'
import { readDatasetSource } from '../data'
import { prepareTask } from '../tasks'
import { trainRun } from '../train/trainer'
import type { TrainResult } from '../train/types'
import type { TrainerContext, TrainerJob } from './trainer-runtime'

/**
 * Activates the compute backend (the run's forced one, else the best available), reads the
 * dataset, prepares the task and trains. A DataError from reading or preparing propagates: the
 * runtime reports it as the run's failure, message as is.
 */
export async function trainWithEngine(
  job: TrainerJob,
  context: TrainerContext
): Promise<TrainResult> {
  const { config } = job
  const backend = await activateComputeBackend(config.backend)
  context.report({ backend, message: job.dataset ? 'reading the dataset' : 'generating the data' })
  const source = job.dataset === null ? null : await readDatasetSource(job.dataset.path)
  context.report({ message: 'preparing the task' })
  const task = prepareTask(config.task, source, {
    seed: config.training.seed,
    validationSplit: config.training.validationSplit
  })
  return trainRun(config, task, context.hooks, {
    resume: job.resume ?? undefined,
    resumeBest: job.resumeBest ?? undefined,
    backendName: backend.selected
  })
}
