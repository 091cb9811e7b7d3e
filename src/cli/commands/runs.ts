import { RunStatus } from '../../shared/domain/run'
import type { Studio } from '../../backend/studio'
import { UsageError } from '../cli-error'
import { formatBytes, formatTable, type Output } from '../output'
import { parseRunId } from './train'

export async function runsCommand(
  studio: Studio,
  args: string[],
  flags: { status?: string; limit?: string },
  output: Output
): Promise<void> {
  const [action] = args
  if (action === 'show') return showRun(studio, args.slice(1), output)
  if (action !== 'list') {
    throw new UsageError(`Unknown runs action "${action ?? ''}". Use list or show.`)
  }
  const status = flags.status?.split(',').map((s) => {
    const parsed = RunStatus.safeParse(s.trim())
    if (!parsed.success)
      throw new UsageError(`--status: "${s}" is not one of ${RunStatus.options.join(', ')}.`)
    return parsed.data
  })
  const limit = flags.limit === undefined ? 500 : Number(flags.limit)
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError('--limit must be a whole number from 1 to 10000.')
  }
  const runs = await studio.service.listRuns({ status, limit })
  if (output.json) return output.out(JSON.stringify(runs, null, 2))
  if (runs.length === 0) return output.out('No runs yet.')
  const rows = runs.map((r) => [r.id, r.name, r.task, r.status, r.backend ?? '—', r.createdAt])
  output.out(formatTable(['ID', 'NAME', 'TASK', 'STATUS', 'BACKEND', 'CREATED'], rows))
}

/** A metric's values in a few numbers: how many, the last and the lowest. */
function summariseSeries(points: { step: number; value: number | null }[]): (string | number)[] {
  const finite = points.filter((p) => p.value !== null) as { step: number; value: number }[]
  const last = points.at(-1)
  const min = finite.reduce<{ step: number; value: number } | null>(
    (best, p) => (best === null || p.value < best.value ? p : best),
    null
  )
  const show = (v: number | null | undefined): string =>
    v === null || v === undefined ? 'NaN' : v.toPrecision(5)
  return [
    points.length,
    last ? `${show(last.value)} @${last.step}` : '—',
    min ? `${show(min.value)} @${min.step}` : '—'
  ]
}

/** `runs show RUN`: status, config, metrics summary, checkpoints and the result. */
async function showRun(studio: Studio, args: string[], output: Output): Promise<void> {
  const runId = parseRunId(args[0], 'runs show')
  const detail = await studio.service.getRun({ runId })
  const series = await studio.service.listMetrics({ runId })
  if (output.json) return output.out(JSON.stringify({ ...detail, metrics: series }, null, 2))
  const { run } = detail
  const lines = [
    `${run.name} (#${run.id}, ${run.task}) — ${run.status}`,
    `backend:  ${run.backend ?? '—'}`,
    `created:  ${run.createdAt}`,
    `started:  ${run.startedAt ?? '—'}`,
    `finished: ${run.finishedAt ?? '—'}`
  ]
  if (run.error) lines.push(`error:    ${run.error}`)
  if (detail.result) {
    const r = detail.result
    lines.push(
      `result:   ${r.reason}; ${r.steps} steps, best val loss ${r.bestValLoss ?? '—'}, ` +
        `${r.stepsPerSecond.toFixed(1)} steps/s`
    )
  }
  lines.push('', 'config:', JSON.stringify(run.config, null, 2), '')
  if (series.length === 0) lines.push('No metrics yet.')
  else {
    lines.push(
      formatTable(
        ['METRIC', 'POINTS', 'LAST', 'LOWEST'],
        series.map((s) => [s.name, ...summariseSeries(s.points)])
      )
    )
  }
  lines.push('')
  if (detail.checkpoints.length === 0) lines.push('No checkpoints yet.')
  else {
    lines.push(
      formatTable(
        ['CHECKPOINT', 'STEP', 'VAL LOSS', 'BEST', 'SIZE', 'SAVED'],
        detail.checkpoints.map((c) => [
          c.id,
          c.step,
          c.valLoss === null ? '—' : c.valLoss.toPrecision(5),
          c.isBest ? 'best' : '',
          formatBytes(c.weightsBytes + c.optimizerStateBytes),
          c.createdAt
        ])
      )
    )
  }
  output.out(lines.join('\n'))
}
