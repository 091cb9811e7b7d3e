/**
 * A run's curves and config for reports: `metrics.csv` (long format, one point a line, which
 * pandas, R and spreadsheets pivot as they like) and `config.json` (the run config exactly as
 * the studio reads it, so `rnn-studio train --config config.json` reruns it). Written atomically
 * like a model export.
 */
import type { MetricPoint } from '../../shared/domain/run'
import { writeFolderAtomically } from './atomic-dir'

export interface CurvesResult {
  /** Absolute path of the folder written. */
  outDir: string
  /** `config.json`, `metrics.csv` */
  files: string[]
  points: number
}

/**
 * Writes `metrics.csv` (`step,name,value,time`, by step then name; time in ISO 8601 UTC; NaN and
 * infinities spelt as JavaScript prints them, which pandas reads) and `config.json`.
 * @throws ExportError TARGET_EXISTS (the folder exists and is not empty), TARGET_UNWRITABLE
 */
export function exportCurves(
  metrics: readonly MetricPoint[],
  config: unknown,
  outDir: string
): CurvesResult {
  const written = writeFolderAtomically(outDir, [
    { path: 'config.json', data: JSON.stringify(config, null, 2) + '\n' },
    { path: 'metrics.csv', data: metricsCsv(metrics) }
  ])
  return { outDir: written, files: ['config.json', 'metrics.csv'], points: metrics.length }
}

/** The CSV text, header included, each line ending in `\n`. */
export function metricsCsv(metrics: readonly MetricPoint[]): string {
  const sorted = [...metrics].sort(
    (a, b) => a.step - b.step || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  )
  const lines = ['step,name,value,time']
  for (const p of sorted) {
    lines.push(
      [
        String(p.step),
        csvField(p.name),
        String(p.value),
        Number.isFinite(p.time) ? new Date(p.time).toISOString() : ''
      ].join(',')
    )
  }
  return lines.join('\n') + '\n'
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}
