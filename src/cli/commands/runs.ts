import { RunStatus } from '../../shared/domain/run'
import type { Studio } from '../../backend/studio'
import { UsageError } from '../cli-error'
import { formatTable, type Output } from '../output'

export async function runsCommand(
  studio: Studio,
  args: string[],
  flags: { status?: string; limit?: string },
  output: Output
): Promise<void> {
  const [action] = args
  if (action !== 'list') throw new UsageError(`Unknown runs action "${action ?? ''}". Use list.`)
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
