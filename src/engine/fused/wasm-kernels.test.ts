/**
 * The WebAssembly engine against the shared conformance suite (the plain-TypeScript reference,
 * itself checked against tfjs-layers and finite differences), single-threaded and with a worker
 * thread, plus what only this engine can get wrong: wasm memory that must stay flat over many
 * calls, tapes used after release or by another engine, and argument checks.
 *
 * Skipped where `wasm/build` has not been built, unless RNN_STUDIO_REQUIRE_WASM=1 (CI), where its
 * absence fails.
 */
import { setFlagsFromString } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { describeKernelConformance } from './conformance'
import {
  checkGemmCase,
  checkRnnCase,
  makeRnnProblem,
  type GemmCase,
  type RnnCase,
  type RnnProblem
} from './conformance-checks'
import { createJsKernels } from './js-kernels'
import type { RnnForwardArgs } from './kernels'
import { createWasmKernels, loadWasmKernels, type WasmKernels } from './wasm-kernels'
import { findWasmDir, variantOrder } from './wasm-module'

const built = findWasmDir() !== null

function forwardArgs(c: RnnCase, p: RnnProblem, training: boolean): RnnForwardArgs {
  return { ...c, weights: p.weights, x: p.x, h0: p.h0, c0: p.c0, training }
}
const required = process.env.RNN_STUDIO_REQUIRE_WASM === '1'

describe.runIf(required)('wasm engine (required by RNN_STUDIO_REQUIRE_WASM=1)', () => {
  it('is built and loads', () => {
    const load = loadWasmKernels()
    expect(load.kernels ? 'loaded' : load.reason).toBe('loaded')
    load.kernels?.dispose()
  })
})

describe('wasm engine loader', () => {
  it('explains a missing build instead of throwing', () => {
    const load = loadWasmKernels({ dir: '/nonexistent/wasm/build' })
    expect(load.kernels).toBeNull()
    expect(!load.kernels && load.reason).toMatch(/wasm engine unavailable/)
  })

  it('prefers threads, then relaxed SIMD, and never offers what the runtime lacks', () => {
    const names = (t: boolean, relaxed: boolean, threads: boolean) =>
      variantOrder(t, { relaxedSimd: relaxed, threads }).map((v) => v.name)
    expect(names(true, true, true)).toEqual([
      'rnn-relaxed-mt',
      'rnn-simd-mt',
      'rnn-relaxed',
      'rnn-simd'
    ])
    expect(names(true, false, true)).toEqual(['rnn-simd-mt', 'rnn-simd'])
    expect(names(true, true, false)).toEqual(['rnn-relaxed', 'rnn-simd'])
    expect(names(false, false, true)).toEqual(['rnn-simd'])
  })
})

describe.skipIf(!built && !required)('wasm engine', () => {
  // The probe is the engine's linear memory, which a leaked tape would grow (RSS would also count
  // the worker's and V8's own heaps).
  let single: WasmKernels | undefined
  describeKernelConformance(
    'wasm, plain SIMD, 1 thread',
    () => (single = createWasmKernels({ threads: 1, relaxed: false })),
    { memoryProbe: () => single!.memoryBytes }
  )
  // Every call threaded, however small, so uneven unit splits (H = 5: 5 and 0) are covered too.
  let threaded: WasmKernels | undefined
  describeKernelConformance(
    'wasm, plain SIMD, 2 threads',
    () => (threaded = createWasmKernels({ threads: 2, relaxed: false, parallelFlops: 0 })),
    { memoryProbe: () => threaded!.memoryBytes }
  )
  // Node 20 validates relaxed SIMD only behind a flag (Electron's V8 by default); turning it on
  // at run time, once the suites above hold their plain modules, checks the relaxed build too.
  let relaxed: WasmKernels | undefined
  describeKernelConformance(
    'wasm, relaxed SIMD, 2 threads',
    () => {
      setFlagsFromString('--experimental-wasm-relaxed-simd')
      relaxed = createWasmKernels({ threads: 2 })
      expect(relaxed.detail).toMatch(/^relaxed SIMD, 2 threads/)
      return relaxed
    },
    { memoryProbe: () => relaxed!.memoryBytes }
  )

  const lstm: RnnCase = {
    label: 'lstm',
    cell: 'lstm',
    steps: 16,
    batch: 8,
    inputSize: 16,
    units: 64,
    reverse: false,
    initialState: true,
    seed: 5
  }

  it('keeps its memory flat over 1,000 forward + backward calls', () => {
    const kernels = createWasmKernels({ threads: 2 })
    const p = makeRnnProblem(lstm)
    const cycle = () => {
      const out = kernels.rnnForward(forwardArgs(lstm, p, true))
      kernels.rnnBackward({ tape: out.tape!, dy: p.dy })
      out.tape!.release()
    }
    cycle()
    const memory = kernels.memoryBytes
    const inUse = kernels.bytesInUse
    for (let i = 0; i < 1000; i++) cycle()
    expect(kernels.memoryBytes).toBe(memory)
    expect(kernels.bytesInUse).toBe(inUse)
    kernels.dispose()
  })

  it('refuses released tapes, foreign tapes, wrong lengths and use after dispose', () => {
    const a = createWasmKernels({ threads: 1 })
    const b = createWasmKernels({ threads: 1 })
    const p = makeRnnProblem(lstm)
    const out = a.rnnForward(forwardArgs(lstm, p, true))
    expect(() => b.rnnBackward({ tape: out.tape!, dy: p.dy })).toThrow(/another engine/)
    expect(() => a.rnnBackward({ tape: out.tape!, dy: p.dy.subarray(1) })).toThrow(/dy has/)
    out.tape!.release()
    expect(() => a.rnnBackward({ tape: out.tape!, dy: p.dy })).toThrow(/released/)
    expect(() => a.rnnForward({ ...forwardArgs(lstm, p, false), x: p.x.subarray(1) })).toThrow(
      /x has/
    )
    expect(() => a.rnnForward({ ...forwardArgs(lstm, p, false), steps: 0 })).toThrow(/steps/)
    const g = { transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, beta: 0 }
    const four = new Float32Array(4)
    expect(() => a.gemm({ ...g, a: new Float32Array(3), b: four, c: four })).toThrow(/a has/)
    a.dispose()
    b.dispose()
    expect(() => a.gemm({ ...g, a: four, b: four, c: four })).toThrow(/disposed/)
  })

  // Past the GEMM's blocking (k > 256 and n > 256 floats: several packed B blocks, A packed in
  // row panels with a ragged last one), in every transpose, split by rows and by columns.
  it('multiplies past its cache blocks, on one thread and split across two', () => {
    const reference = createJsKernels()
    const engines = [
      createWasmKernels({ threads: 1, relaxed: false }),
      createWasmKernels({ threads: 2, relaxed: false, parallelFlops: 0 })
    ]
    const shapes: [number, number, number][] = [
      [39, 301, 530],
      [515, 19, 300],
      [6, 520, 261]
    ]
    let seed = 7000
    for (const kernels of engines) {
      for (const [m, n, k] of shapes) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const label = `${kernels.detail} ${m}×${n}×${k} ${+transA}${+transB}`
            const g: GemmCase = { label, transA, transB, m, n, k, alpha: 0.5, beta: 1, seed }
            seed++
            expect(checkGemmCase(kernels, reference, g)).toEqual([])
          }
        }
      }
      kernels.dispose()
    }
  })

  // Rows split unevenly (batch 5 over two threads: 2 and 3), every cell, with the weight
  // gradients' columns split as well (G·H = 264 or 198: a ragged panel at the cut).
  it('splits the batch across threads however it divides', () => {
    const threaded = createWasmKernels({ threads: 2, relaxed: false, parallelFlops: 0 })
    const reference = createJsKernels()
    for (const cell of ['lstm', 'gru', 'rnn-tanh'] as const) {
      const c: RnnCase = {
        label: `${cell} batch 5`,
        cell,
        steps: 9,
        batch: 5,
        inputSize: 7,
        units: 66,
        reverse: cell === 'gru',
        initialState: true,
        seed: 77
      }
      expect(checkRnnCase(threaded, reference, c), c.label).toEqual([])
    }
    threaded.dispose()
  })

  it('says which SIMD and how many threads it uses', () => {
    const one = createWasmKernels({ threads: 1, relaxed: false })
    expect(one.detail).toMatch(/^SIMD, 1 thread/)
    one.dispose()
    const two = createWasmKernels({ threads: 2 })
    expect(two.detail).toMatch(/SIMD, 2 threads/)
    two.dispose()
  })
})
