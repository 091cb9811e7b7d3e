/**
 * Batch plumbing shared by the example-based tasks: an epoch sampler (without replacement) and
 * row gathering from flat, row-major typed arrays.
 */
import { deriveSeed, Random, shuffleWith } from './random'

/**
 * Draws example indices without replacement: a fresh permutation of `[0, size)` each epoch, so each
 * example is seen once per epoch. The draw is a pure function of its position in the stream of
 * examples (`step × batchSize`): epoch `e`'s permutation comes from `deriveSeed(seed, e)`. So a run
 * resumed at step k draws exactly the batches the uninterrupted run would have drawn.
 * @returns `draw(count, position)` → the `count` indices starting at stream `position`
 */
export function createEpochSampler(
  size: number,
  seed: number
): (count: number, position: number) => Int32Array {
  let epoch = -1
  const order = new Int32Array(size)
  return (count, position) => {
    const out = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const n = position + i
      const e = Math.floor(n / size)
      if (e !== epoch) {
        // Only the current epoch's permutation is kept: batches move forward through the stream.
        for (let k = 0; k < size; k++) order[k] = k
        const random = new Random(deriveSeed(seed, `epoch-${e}`))
        shuffleWith(order, () => random.next())
        epoch = e
      }
      out[i] = order[n - e * size]
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
