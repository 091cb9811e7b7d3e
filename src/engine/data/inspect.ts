import type { DatasetKind, DatasetStats } from '../../shared/domain/dataset'
import { parseCsv } from './csv'
import { computeCsvStats } from './csv-stats'
import { decodeText } from './decode'
import { detectKind } from './detect'
import { DataError } from './errors'
import { parseClassFolder, parseLabelledLines, type ClassFile } from './labelled'
import { computeLabelledStats } from './labelled-stats'
import type { DatasetFiles } from './read-files'
import { computeTextStats } from './text-stats'

/** What {@link inspectDataset} found out about a dataset. */
export interface DatasetInspection {
  kind: DatasetKind
  stats: DatasetStats
}

/**
 * Decodes, classifies and summarises a dataset, refusing what cannot be trained on with a
 * {@link DataError} that says how to fix it.
 * @param hint the kind the user chose; detected from the files when absent (see {@link detectKind})
 */
export function inspectDataset(source: DatasetFiles, hint?: DatasetKind): DatasetInspection {
  if (source.files.length === 0) {
    throw new DataError('EMPTY', `${source.name} has no files: pick a file or a folder with data.`)
  }
  // Inside a folder the folder name is part of what the user recognises: names/Greek.txt.
  const shown = (name: string): string =>
    source.files.length > 1 ? `${source.name}/${name}` : name
  const files: ClassFile[] = source.files.map((f) => ({
    name: f.name,
    text: decodeText(f.bytes, shown(f.name))
  }))
  const kind = hint ?? detectKind(files)
  return { kind, stats: computeStats(kind, files, source.name, shown) }
}

function computeStats(
  kind: DatasetKind,
  files: ClassFile[],
  name: string,
  shown: (name: string) => string
): DatasetStats {
  switch (kind) {
    case 'text':
      // Several files make one corpus; a newline keeps the last line of one off the next.
      return computeTextStats(joinTexts(files), files.length > 1 ? name : files[0].name)
    case 'csv': {
      if (files.length !== 1) {
        throw new DataError(
          'UNRECOGNISED',
          `${name} has ${files.length} files, but a CSV dataset is a single file: import the CSV file itself.`
        )
      }
      const fileName = shown(files[0].name)
      return computeCsvStats(parseCsv(files[0].text, fileName), fileName)
    }
    case 'labelled': {
      const examples = files.flatMap((f) => parseLabelledLines(f.text, shown(f.name)))
      return computeLabelledStats(examples, 'labelled', files.length > 1 ? name : files[0].name)
    }
    case 'class-folder':
      return computeLabelledStats(parseClassFolder(files, name), 'class-folder', name)
  }
}

function joinTexts(files: ClassFile[]): string {
  let corpus = ''
  for (const { text } of files) {
    if (corpus !== '' && !corpus.endsWith('\n')) corpus += '\n'
    corpus += text
  }
  return corpus
}
