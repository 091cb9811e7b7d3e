/**
 * Exporting a run's checkpoint: the model in the asked formats, studio.json and README.md, all
 * written into one folder at once (atomic-dir.ts).
 *
 *   outDir/
 *     studio.json  README.md
 *     tfjs/model.json  tfjs/group1-shard1of1.bin          (format tfjs or all)
 *     onnx/model.onnx | onnx/encoder.onnx + decoder.onnx  (format onnx or all)
 *
 * Every refusal happens before the first byte is written: the target is checked first, then both
 * formats are produced in memory.
 */
import type { MetricPoint } from '../../shared/domain/run'
import type { CheckpointData } from '../train/types'
import { checkTarget, writeFolderAtomically, type OutputFile } from './atomic-dir'
import { ExportError } from './errors'
import { checkOnnxSupport, exportOnnx, ONNX_OPSET } from './onnx-export'
import { buildReadme } from './readme'
import { buildStudioJson, type StudioJson } from './studio-json'
import { exportTfjs, TFJS_WEIGHTS_FILE } from './tfjs-export'

export type ExportFormat = 'tfjs' | 'onnx' | 'all'

export interface ExportRunOptions {
  format: ExportFormat
  /** The folder to create; it must not exist, or be empty. */
  outDir: string
  /** Training metrics at the checkpoint, recorded in studio.json and the README. */
  metrics?: Record<string, number>
  /** The run, for studio.json and the README's title. */
  run?: { id: number; name: string }
  studioVersion?: string
  /** The export's timestamp (tests fix it). */
  now?: Date
}

export interface ExportResult {
  /** Absolute path of the folder written. */
  outDir: string
  /** Files written, relative to `outDir`, sorted. */
  files: string[]
  studio: StudioJson
}

/**
 * Writes the checkpoint's model, studio.json and README.md into `options.outDir`.
 * @throws ExportError TARGET_EXISTS (the folder exists and is not empty), TARGET_UNWRITABLE,
 *   UNSUPPORTED (a format cannot represent the network), BAD_CHECKPOINT
 */
export async function exportRun(
  checkpoint: CheckpointData,
  options: ExportRunOptions
): Promise<ExportResult> {
  if (checkpoint.meta.format !== 1) {
    throw new ExportError(
      'BAD_CHECKPOINT',
      `The checkpoint's format ${String(checkpoint.meta.format)} is not one this studio reads.`
    )
  }
  checkTarget(options.outDir)
  const wantTfjs = options.format !== 'onnx'
  const wantOnnx = options.format !== 'tfjs'
  if (wantOnnx) checkOnnxSupport(checkpoint.meta.taskShape)

  const files: OutputFile[] = []
  const entries: StudioJson['files'] = {}
  if (wantTfjs) {
    const tfjs = await exportTfjs(checkpoint)
    files.push(
      { path: 'tfjs/model.json', data: JSON.stringify(tfjs.modelJson) },
      { path: `tfjs/${TFJS_WEIGHTS_FILE}`, data: tfjs.weights }
    )
    entries.tfjs = {
      role: 'model',
      file: 'tfjs/model.json',
      weights: [`tfjs/${TFJS_WEIGHTS_FILE}`],
      inputs: tfjs.inputs,
      outputs: tfjs.outputs
    }
  }
  if (wantOnnx) {
    const models = exportOnnx(checkpoint, options.studioVersion)
    for (const m of models) files.push({ path: `onnx/${m.file}`, data: m.bytes })
    entries.onnx = {
      opset: ONNX_OPSET,
      models: models.map((m) => ({
        role:
          m.file === 'encoder.onnx' ? 'encoder' : m.file === 'decoder.onnx' ? 'decoder' : 'model',
        file: `onnx/${m.file}`,
        inputs: m.inputs,
        outputs: m.outputs
      }))
    }
  }
  const studio = buildStudioJson(checkpoint, {
    run: options.run,
    studioVersion: options.studioVersion,
    metrics: options.metrics,
    exportedAt: options.now ?? new Date(),
    files: entries
  })
  files.push(
    { path: 'studio.json', data: JSON.stringify(studio, null, 2) + '\n' },
    { path: 'README.md', data: buildReadme(studio) }
  )
  const outDir = writeFolderAtomically(options.outDir, files)
  return { outDir, files: files.map((f) => f.path).sort(), studio }
}

/**
 * The metrics as they stood at `step`: per name, the value logged at the latest step not after it
 * (training metrics are logged every few steps, validation ones at evaluations). Throughput and
 * wall-clock metrics (`*_per_second`) say nothing about the model and are left out.
 */
export function metricsAt(points: readonly MetricPoint[], step: number): Record<string, number> {
  const latest = new Map<string, MetricPoint>()
  for (const p of points) {
    if (p.step > step || p.name.endsWith('_per_second')) continue
    const seen = latest.get(p.name)
    if (seen === undefined || p.step >= seen.step) latest.set(p.name, p)
  }
  return Object.fromEntries(
    [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, p]) => [name, p.value])
  )
}
