import { z } from 'zod'
import { ComputeBackendName } from './backend'
import { NetworkSpec } from './network'
import { TaskSpec } from './task'
import { TrainConfig } from './train-config'

/** Everything needed to start (and reproduce) a run. */
export const RunConfig = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  task: TaskSpec,
  network: NetworkSpec,
  training: TrainConfig.default(TrainConfig.parse({})),
  /** Force a compute backend; the best available when absent. */
  backend: ComputeBackendName.optional()
})
export type RunConfig = z.infer<typeof RunConfig>
export type RunConfigInput = z.input<typeof RunConfig>
