import { describe, expect, it } from 'vitest'
import { wasmApi } from './wasm-api'
import { WasmHeap } from './wasm-heap'

const PAGE = 65536

function heap(pages = 1, maximum?: number) {
  return new WasmHeap(new wasmApi.Memory({ initial: pages, maximum }), 100)
}

describe('WasmHeap', () => {
  it('hands out aligned, disjoint blocks above the base', () => {
    const h = heap()
    const a = h.alloc(10)
    const b = h.alloc(100)
    expect(a).toBe(128) // 100 rounded up to a 64-byte line
    expect(b).toBe(192) // a's 10 bytes take one line
    expect(h.bytesInUse).toBe(64 + 128)
  })

  it('reuses freed blocks first-fit and merges neighbours', () => {
    const h = heap()
    const a = h.alloc(64)
    const b = h.alloc(64)
    const c = h.alloc(64)
    h.free(a)
    h.free(c)
    h.free(b) // a, b and c now form one free range of 192 bytes
    expect(h.alloc(192)).toBe(a)
    expect(h.bytesInUse).toBe(192)
  })

  it('grows the memory when nothing fits, and keeps it flat when sizes repeat', () => {
    const h = heap()
    const before = h.memoryBytes
    const big = h.alloc(3 * PAGE)
    expect(h.memoryBytes).toBeGreaterThanOrEqual(big + 3 * PAGE)
    expect(h.memoryBytes).toBeGreaterThan(before)
    h.free(big)
    const grown = h.memoryBytes
    for (let i = 0; i < 1000; i++) {
      const x = h.alloc(PAGE)
      const y = h.alloc(2 * PAGE - 7)
      h.free(x)
      h.free(y)
    }
    expect(h.memoryBytes).toBe(grown)
    expect(h.bytesInUse).toBe(0)
  })

  it('extends a free range at the top instead of leaving it behind', () => {
    const h = heap()
    const a = h.alloc(64)
    const b = h.alloc(64)
    h.free(b)
    // Larger than the free 64 bytes, which sit at the top: the new block starts there.
    expect(h.alloc(PAGE)).toBe(b)
    expect(a).toBeLessThan(b)
  })

  it('refuses bad frees and sizes, and explains a memory that cannot grow', () => {
    const h = heap(1, 2)
    expect(() => h.free(12345)).toThrow(/not an allocated block/)
    const a = h.alloc(8)
    h.free(a)
    expect(() => h.free(a)).toThrow(/not an allocated block/)
    expect(() => h.alloc(-1)).toThrow(RangeError)
    expect(() => h.alloc(5 * PAGE)).toThrow(/cannot grow/)
  })

  it('gives fresh views after growth', () => {
    const h = heap()
    const a = h.alloc(16)
    h.f32(a, 4).set([1, 2, 3, 4])
    h.alloc(4 * PAGE)
    expect(Array.from(h.f32(a, 4))).toEqual([1, 2, 3, 4])
  })
})
