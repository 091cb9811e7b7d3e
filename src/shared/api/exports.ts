/**
 * Schemas of the contract's export methods (contract.ts): a run's model as TensorFlow.js and ONNX
 * files with a studio.json and README.md, and a run's curves and config for reports.
 *
 * The API takes no folder: the backend writes into `<home>/exports/<run-name>-<timestamp>/` and
 * answers where. A UI (or any WebSocket client holding the token) never names a path on the
 * studio's machine, so the API cannot be used to write files anywhere else; the CLI, run by the
 * user in their own shell, may name the folder (`rnn-studio export RUN --out DIR`).
 */
import { z } from 'zod'
import { RunId } from '../domain/ids'

/** `best` (else the latest when none is marked best), `latest`, or the checkpoint at a step. */
export const CheckpointChoice = z.union([
  z.enum(['best', 'latest']),
  z.number().int().nonnegative()
])
export type CheckpointChoice = z.infer<typeof CheckpointChoice>

export const ExportFormat = z.enum(['tfjs', 'onnx', 'all'])
export type ExportFormat = z.infer<typeof ExportFormat>

export const ExportRunInput = z.strictObject({
  runId: RunId,
  checkpoint: CheckpointChoice.default('best'),
  /** `tfjs` (Layers model.json + weights), `onnx`, or both. */
  format: ExportFormat.default('all')
})

export const ExportRunOutput = z.strictObject({
  /** Absolute path of the folder written. */
  outDir: z.string(),
  /** Files written, relative to `outDir`. */
  files: z.array(z.string()),
  /** Step of the exported checkpoint, and whether it is the run's best. */
  step: z.number().int().nonnegative(),
  isBest: z.boolean()
})
export type ExportRunOutput = z.infer<typeof ExportRunOutput>

export const ExportCurvesInput = z.strictObject({ runId: RunId })

export const ExportCurvesOutput = z.strictObject({
  outDir: z.string(),
  /** `config.json`, `metrics.csv` */
  files: z.array(z.string()),
  /** Metric points written. */
  points: z.number().int().nonnegative()
})
export type ExportCurvesOutput = z.infer<typeof ExportCurvesOutput>
