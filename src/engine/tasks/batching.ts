/**
 * Batch plumbing shared by the example-based tasks: an epoch sampler (without replacement) and
 * row gathering from flat, row-major typed arrays.
 */
import { shuffleWith } from './random'

/**
 * Draws example indices without replacement: a fresh permutation of `[0, size)` each epoch, shuffled
 * with the caller's `random`, so the seed fixes the order. A batch that runs past the end of an epoch
 * takes the rest of it and continues in the next one (each example is seen once per epoch).
 * The cursor lives in the closure: a resumed run (fresh task, restored generator) starts a new
 * epoch, which is deterministic but not the exact continuation of the interrupted one.
 * @returns `draw(count, random)` → `count` indices
 */
export function createEpochSampler(
  size: number
): (count: number, random: () => number) => Int32Array {
  const order = new Int32Array(size)
  let cursor = size // empty: the first draw shuffles
  return (count, random) => {
    const out = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      if (cursor === size) {
        for (let k = 0; k < size; k++) order[k] = k
        shuffleWith(order, random)
        cursor = 0
      }
      out[i] = order[cursor++]
    }
    return out
  }
}

/** `[start, end)` index ranges of consecutive batches; the last one may be short. */
export function batchRanges(total: number, batchSize: number): [number, number][] {
  const ranges: [number, number][] = []
  for (let start = 0; start < total; start += batchSize) {
    ranges.push([start, Math.min(total, start + batchSize)])
  }
  return ranges
}

/**
 * Copies rows `indices` of a flat row-major array with `rowLength` values per row.
 * @returns `[indices.length * rowLength]`, the same type as `source`
 */
export function gatherRows<A extends Int32Array | Float32Array>(
  source: A,
  rowLength: number,
  indices: ArrayLike<number>
): A {
  const out = new (source.constructor as new (length: number) => A)(indices.length * rowLength)
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * rowLength
    out.set(source.subarray(from, from + rowLength), i * rowLength)
  }
  return out
}

/** `[from, from + 1, …, to - 1]` as an Int32Array. */
export function range(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from))
  for (let i = 0; i < out.length; i++) out[i] = from + i
  return out
}
