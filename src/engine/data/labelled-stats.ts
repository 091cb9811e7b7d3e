import type { ClassCount, LabelledStats } from '../../shared/domain/dataset'
import { DataError } from './errors'
import type { LabelledExample } from './labelled'

/**
 * Statistics of classification data: class sizes (largest first, ties by label), distinct
 * examples, the longest example and the character vocabulary, lengths in code points.
 * @param name the dataset or file, for error messages
 * @throws DataError EMPTY without examples, ONE_CLASS with a single label
 */
export function computeLabelledStats(
  examples: LabelledExample[],
  kind: 'labelled' | 'class-folder',
  name: string
): LabelledStats {
  if (examples.length === 0) {
    throw new DataError(
      'EMPTY',
      `${name} has no examples: add "text<TAB>label" lines, or one example per line in each class file.`
    )
  }
  const counts = new Map<string, number>()
  const distinct = new Set<string>()
  const vocabulary = new Set<string>()
  let maxLength = 0
  for (const { text, label } of examples) {
    counts.set(label, (counts.get(label) ?? 0) + 1)
    distinct.add(text)
    let length = 0
    for (const ch of text) {
      vocabulary.add(ch)
      length++
    }
    if (length > maxLength) maxLength = length
  }
  const classes: ClassCount[] = [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
  if (classes.length < 2) {
    throw new DataError(
      'ONE_CLASS',
      `${name} has only one class ("${classes[0].label}"): a classifier needs at least two labels to tell apart; add examples of another class.`
    )
  }
  return {
    kind,
    examples: examples.length,
    classes,
    distinctExamples: distinct.size,
    maxLength,
    vocabularySize: vocabulary.size
  }
}
