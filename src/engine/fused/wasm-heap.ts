/**
 * The WebAssembly engine's allocator: blocks of the module's linear memory above `__heap_base`,
 * handed out first-fit from a free list that coalesces neighbours, and more pages from
 * `memory.grow` when none fits. Wasm memory never shrinks, so what matters for a long run is
 * that freed blocks are reused: a training step allocates the same sizes every time, and after
 * the first step every request is served from the free list (the memory stays flat).
 */

import type { WasmMemory } from './wasm-api'

const PAGE = 65536
/** Blocks start on cache lines, so rows the kernels load as vectors start aligned. */
const ALIGN = 64

interface Range {
  start: number
  size: number
}

export class WasmHeap {
  /** Free ranges, sorted by address, never adjacent (they are merged on free). */
  #free: Range[] = []
  /** Allocated block sizes by address. */
  #used = new Map<number, number>()
  /** End of the highest block ever handed out; above it, up to the memory's end, is untouched. */
  #top: number

  /**
   * @param memory the module's memory (plain or shared)
   * @param base first byte the heap may use (`__heap_base`, or above what the caller reserved)
   */
  constructor(
    readonly memory: WasmMemory,
    base: number
  ) {
    this.#top = alignUp(base)
  }

  /** Bytes in blocks now allocated. */
  get bytesInUse(): number {
    let total = 0
    for (const size of this.#used.values()) total += size
    return total
  }

  /** Byte size of the linear memory (it only grows). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength
  }

  /** The address of a new block of at least `bytes` bytes, 64-byte aligned; contents undefined. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`alloc: bad size ${bytes}`)
    const size = alignUp(Math.max(bytes, 1))
    const index = this.#free.findIndex((r) => r.size >= size)
    let start: number
    if (index >= 0) {
      const range = this.#free[index]
      start = range.start
      if (range.size === size) this.#free.splice(index, 1)
      else this.#free[index] = { start: start + size, size: range.size - size }
    } else {
      // Extend the top, absorbing a free range that ends there.
      const last = this.#free[this.#free.length - 1]
      if (last && last.start + last.size === this.#top) {
        this.#free.pop()
        this.#top = last.start
      }
      start = this.#top
      this.#ensure(start + size)
      this.#top = start + size
    }
    this.#used.set(start, size)
    return start
  }

  /** Returns a block from `alloc`; freeing anything else throws. */
  free(pointer: number): void {
    const size = this.#used.get(pointer)
    if (size === undefined) throw new Error(`free: ${pointer} is not an allocated block`)
    this.#used.delete(pointer)
    let lo = 0
    let hi = this.#free.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.#free[mid].start < pointer) lo = mid + 1
      else hi = mid
    }
    const range: Range = { start: pointer, size }
    this.#free.splice(lo, 0, range)
    const next = this.#free[lo + 1]
    if (next && range.start + range.size === next.start) {
      range.size += next.size
      this.#free.splice(lo + 1, 1)
    }
    const prev = this.#free[lo - 1]
    if (prev && prev.start + prev.size === range.start) {
      prev.size += range.size
      this.#free.splice(lo, 1)
    }
  }

  /** A fresh view (views go stale when the memory grows). */
  f32(pointer: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, pointer, length)
  }

  /** Grows the memory so that byte `end` − 1 exists. */
  #ensure(end: number): void {
    const have = this.memory.buffer.byteLength
    if (end <= have) return
    const pages = Math.ceil((end - have) / PAGE)
    try {
      this.memory.grow(pages)
    } catch (error) {
      const mib = Math.round(end / 2 ** 20)
      throw new RangeError(`WebAssembly memory cannot grow to ${mib} MiB (${String(error)})`, {
        cause: error
      })
    }
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN
}
