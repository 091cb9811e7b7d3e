/**
 * `rnn-studio export RUN`: a run's model as TensorFlow.js and/or ONNX files with studio.json and
 * README.md, or (`--curves`) its metrics and config for reports. Unlike the API, the command may
 * name the folder (`--out DIR`): the user runs it in their own shell. Without `--out` it writes
 * where the UI's exports go, `<home>/exports/<run-name>-<timestamp>/`.
 */
import { resolve } from 'node:path'
import type { Studio } from '../../backend/studio'
import type { CheckpointChoice, ExportFormat } from '../../shared/api/exports'
import { UsageError } from '../cli-error'
import type { Output } from '../output'
import { parseRunId } from './train'

export interface ExportFlags {
  format?: string
  out?: string
  checkpoint?: string
  curves?: boolean
}

const FORMATS: readonly ExportFormat[] = ['tfjs', 'onnx', 'all']

/** `--checkpoint best|latest|STEP` (default best). */
export function parseCheckpointFlag(raw: string | undefined): CheckpointChoice {
  if (raw === undefined || raw === 'best') return 'best'
  if (raw === 'latest') return 'latest'
  if (/^\d+$/.test(raw)) return Number(raw)
  throw new UsageError('--checkpoint must be best, latest or a step number.')
}

export async function exportCommand(
  studio: Studio,
  args: string[],
  flags: ExportFlags,
  output: Output
): Promise<void> {
  const runId = parseRunId(args[0], 'export')
  const outDir = flags.out === undefined ? undefined : resolve(flags.out)
  if (flags.curves) {
    if (flags.format !== undefined || flags.checkpoint !== undefined) {
      throw new UsageError(
        '--curves exports metrics and config: it takes no --format or --checkpoint.'
      )
    }
    const result =
      outDir === undefined
        ? await studio.service.exportCurves({ runId })
        : await studio.exporter.exportCurvesTo({ runId }, outDir)
    if (output.json) output.out(JSON.stringify({ runId, ...result }, null, 2))
    else {
      output.out(
        `Wrote ${result.points} metric points and the config of run ${runId} to ${result.outDir}`
      )
      for (const file of result.files) output.out(`  ${file}`)
    }
    return
  }
  const format = (flags.format ?? 'all') as ExportFormat
  if (!FORMATS.includes(format)) throw new UsageError('--format must be tfjs, onnx or all.')
  const input = { runId, checkpoint: parseCheckpointFlag(flags.checkpoint), format }
  const result =
    outDir === undefined
      ? await studio.service.exportRun(input)
      : await studio.exporter.exportRunTo(input, outDir)
  if (output.json) {
    output.out(JSON.stringify({ runId, format, ...result }, null, 2))
    return
  }
  output.out(
    `Exported run ${runId} (${result.isBest ? 'best checkpoint' : 'checkpoint'}, step ${result.step}) to ${result.outDir}`
  )
  for (const file of result.files) output.out(`  ${file}`)
}
