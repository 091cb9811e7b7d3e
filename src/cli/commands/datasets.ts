import { DatasetKind, type DatasetSummary } from '../../shared/domain/dataset'
import { DatasetId } from '../../shared/domain/ids'
import type { Studio } from '../../backend/studio'
import { UsageError } from '../cli-error'
import { formatBytes, formatTable, type Output } from '../output'

/** One line of the facts that matter for each kind of dataset. */
export function describeStats(dataset: DatasetSummary): string {
  const s = dataset.stats
  switch (s.kind) {
    case 'text':
      return `${s.characters.toLocaleString('en')} chars, vocabulary ${s.vocabularySize}, ${s.lines.toLocaleString('en')} lines`
    case 'csv': {
      const missing = s.columns.reduce((n, c) => n + c.missing, 0)
      return `${s.rows.toLocaleString('en')} rows × ${s.columns.length} columns, ${missing} missing cells`
    }
    default:
      return `${s.examples.toLocaleString('en')} examples, ${s.classes.length} classes`
  }
}

export async function datasetsCommand(
  studio: Studio,
  args: string[],
  flags: { name?: string; kind?: string },
  output: Output
): Promise<void> {
  const [action, target] = args
  if (action === 'list') {
    const datasets = await studio.service.listDatasets({})
    if (output.json) return output.out(JSON.stringify(datasets, null, 2))
    if (datasets.length === 0)
      return output.out('No datasets yet. Add one: rnn-studio datasets add FILE')
    const rows = datasets.map((d) => [
      d.id,
      d.name,
      d.kind + (d.isSample ? ' (sample)' : ''),
      formatBytes(d.sizeBytes),
      describeStats(d)
    ])
    return output.out(formatTable(['ID', 'NAME', 'KIND', 'SIZE', 'CONTENTS'], rows))
  }
  if (action === 'show') {
    const id = DatasetId.safeParse(Number(target))
    if (!id.success) throw new UsageError('datasets show needs a dataset ID (a positive integer).')
    const dataset = await studio.service.getDataset({ datasetId: id.data })
    if (output.json) return output.out(JSON.stringify(dataset, null, 2))
    return output.out(
      [
        `${dataset.name} (#${dataset.id}, ${dataset.kind}${dataset.isSample ? ', sample' : ''})`,
        `source:   ${dataset.sourcePath}`,
        `size:     ${formatBytes(dataset.sizeBytes)}`,
        `contents: ${describeStats(dataset)}`,
        `notice:   ${dataset.notice || '—'}`,
        JSON.stringify(dataset.stats, null, 2)
      ].join('\n')
    )
  }
  if (action === 'add') {
    if (!target) throw new UsageError('datasets add needs the path of a file or folder.')
    let kind: DatasetKind | undefined
    if (flags.kind !== undefined) {
      const parsed = DatasetKind.safeParse(flags.kind)
      if (!parsed.success) {
        throw new UsageError(`--kind must be one of ${DatasetKind.options.join(', ')}.`)
      }
      kind = parsed.data
    }
    const dataset = await studio.addDatasetFromPath(target, { name: flags.name, kind })
    if (output.json) return output.out(JSON.stringify(dataset, null, 2))
    return output.out(
      `Added #${dataset.id} ${dataset.name} (${dataset.kind}): ${describeStats(dataset)}`
    )
  }
  throw new UsageError(`Unknown datasets action "${action ?? ''}". Use list, show or add.`)
}
