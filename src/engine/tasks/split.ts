/** Held-out splits for example-based tasks (series and text are split by position instead). */
import type { Random } from './random'

/** Indices of the two sides of a split, each in ascending (file) order. */
export interface SplitIndices {
  train: number[]
  validation: number[]
}

/**
 * Splits items so that items with the same key (the same name twice in Arabic.txt, the same
 * question twice in a pairs file) land on the same side: a duplicate across the split is
 * memorised, not generalised, and inflates validation accuracy. Groups are visited in a seeded
 * random order and moved to validation until it holds `round(n × share)` items (at least 1); it may
 * overshoot by less than one group. At least one group always stays in training.
 * @param keys one key per item
 * @returns null when the items have a single distinct key, which cannot be split without leaking
 */
export function splitByGroups(
  keys: readonly string[],
  share: number,
  random: Random
): SplitIndices | null {
  const groups = new Map<string, number[]>()
  keys.forEach((key, i) => {
    const group = groups.get(key)
    if (group) group.push(i)
    else groups.set(key, [i])
  })
  if (groups.size < 2) return null
  const order = random.shuffle([...groups.values()])
  const target = Math.max(1, Math.round(keys.length * share))
  const validation: number[] = []
  const train: number[] = []
  for (let g = 0; g < order.length; g++) {
    const left = order.length - g
    if (validation.length < target && left > 1) validation.push(...order[g])
    else train.push(...order[g])
  }
  const ascending = (a: number, b: number): number => a - b
  return { train: train.sort(ascending), validation: validation.sort(ascending) }
}
