/**
 * The portable engine (issue #6): `FusedKernels` on whole-sequence recurrent kernels and a
 * register-blocked SGEMM written in C and compiled to WebAssembly SIMD (`wasm/src`, built by
 * `scripts/build-wasm.js`). Inputs are copied into the module's linear memory, results copied out;
 * a training forward's tape (weights, inputs, gate activations, states) stays there until released.
 *
 * Threads: with `threads` > 1 the shared-memory build runs each large call on the main thread and
 * `threads − 1` workers at once (each owns a slice of the batch rows; see wasm-threads.ts).
 * Small calls (sampling one character) stay on one thread, where waking a worker costs more than
 * it saves. Where threads cannot start, the single-threaded build is used and `detail` says why.
 */
import { availableParallelism } from 'node:os'
import type {
  FusedCell,
  FusedKernels,
  GemmArgs,
  RnnBackwardArgs,
  RnnForwardArgs,
  RnnForwardResult,
  RnnGradients,
  RnnLayerShape,
  RnnTape
} from './kernels'
import { GATES } from './kernels'
import { wasmApi, type WasmGlobal, type WasmMemory, type WasmModule } from './wasm-api'
import { WasmHeap } from './wasm-heap'
import {
  compileVariant,
  findWasmDir,
  variantOrder,
  wasmFeatures,
  WASM_DIR_ENV,
  type WasmVariant
} from './wasm-module'
import { WasmThreadPool } from './wasm-threads'

/** wasm/src/layout.h `enum Cell`. */
const CELL_CODES: Record<FusedCell, number> = { 'rnn-tanh': 0, 'rnn-relu': 1, lstm: 2, gru: 3 }

/** wasm/src/layout.h `Layout`, in field order: offsets and sizes in floats. */
const LAYOUT_FIELDS = [
  'w',
  'u',
  'b',
  'x',
  'gates',
  'y',
  'hprev',
  'h0',
  'ht',
  'c',
  'cprev',
  'c0',
  'ct',
  'rh',
  'tapeTotal',
  'fwdThreadStride',
  'fwdTotal',
  'dy',
  'dx',
  'dw',
  'du',
  'db',
  'da',
  'dh',
  'dc',
  'drh',
  'bwdThread',
  'bwdThreadStride',
  'bwdTotal'
] as const
type Layout = Record<(typeof LAYOUT_FIELDS)[number], number>

const KERNEL_NAMES = ['rnn_forward', 'rnn_backward', 'gemm']

/**
 * Below these a call runs on one thread: a step's recurrent product of 2·N·G·H² flops takes
 * ~10 µs at 20 GFLOP/s, about what waking a sleeping worker and the closing barrier cost.
 */
const PARALLEL_STEP_FLOPS = 1 << 18
const PARALLEL_GEMM_FLOPS = 1 << 20

/** Shared memory must declare its maximum; 2 GiB is what the module is linked for. */
const MAX_PAGES = 32768
/** Enough for the module's static data (pack buffers, 1 MiB stack); the heap grows from there. */
const INITIAL_PAGES = 256

export interface WasmKernelOptions {
  /** Threads per call, the main thread included. Default: 2, capped at the cores available. */
  threads?: number
  /** Use relaxed SIMD when the runtime validates it (default true). */
  relaxed?: boolean
  /** Folder with the built modules; default: $RNN_STUDIO_WASM_DIR, else `wasm/build` above here. */
  dir?: string
  /**
   * Flops below which a call stays on one thread (per step for recurrent calls, whole for GEMM).
   * Default: see PARALLEL_STEP_FLOPS and PARALLEL_GEMM_FLOPS. Tests pass 0 to thread every call.
   */
  parallelFlops?: number
}

type Exports = Record<string, unknown> & {
  rnn_layout: (...args: number[]) => void
  __heap_base: WasmGlobal
}

/** A training forward's saved state: its block of wasm memory and the call that made it. */
class WasmTape implements RnnTape {
  #pointer: number | null

  constructor(
    pointer: number,
    readonly shape: RnnLayerShape,
    readonly reverse: boolean,
    readonly owner: WasmKernels
  ) {
    this.#pointer = pointer
  }

  /** The tape block; throws once released. */
  get pointer(): number {
    if (this.#pointer === null) throw new Error('rnnBackward: the tape was released')
    return this.#pointer
  }

  release(): void {
    if (this.#pointer === null) return
    this.owner.freeTape(this, this.#pointer)
    this.#pointer = null
  }
}

export class WasmKernels implements FusedKernels {
  readonly name = 'wasm-simd'
  readonly detail: string
  #heap: WasmHeap | null
  #exports: Exports
  #pool: WasmThreadPool | null
  #layoutBlock: number
  #parallelFlops: number | undefined
  /** Frees the blocks of tapes dropped without release (the training loop always releases). */
  #orphans = new FinalizationRegistry<number>((pointer) => this.#heap?.free(pointer))

  constructor(
    exports: Exports,
    heap: WasmHeap,
    pool: WasmThreadPool | null,
    detail: string,
    parallelFlops?: number
  ) {
    this.#exports = exports
    this.#parallelFlops = parallelFlops
    this.#heap = heap
    this.#pool = pool
    this.detail = detail
    this.#layoutBlock = heap.alloc(LAYOUT_FIELDS.length * 4)
  }

  /** Bytes of WebAssembly memory (it grows, never shrinks): flat when nothing leaks. */
  get memoryBytes(): number {
    return this.#live().memoryBytes
  }

  /** Bytes in live blocks: tapes not yet released plus the engine's own few. */
  get bytesInUse(): number {
    return this.#live().bytesInUse
  }

  rnnForward(args: RnnForwardArgs): RnnForwardResult {
    const heap = this.#live()
    const shape = checkShape(args)
    const { cell, steps: T, batch: N, inputSize: I, units: H } = shape
    const G = GATES[cell]
    expectLength('x', args.x, T * N * I)
    expectLength('kernel', args.weights.kernel, I * G * H)
    expectLength('recurrentKernel', args.weights.recurrentKernel, H * G * H)
    expectLength('bias', args.weights.bias, G * H)
    if (args.h0) expectLength('h0', args.h0, N * H)
    if (args.c0 && cell === 'lstm') expectLength('c0', args.c0, N * H)
    const threads = this.#threadsFor(2 * N * G * H * H)
    const l = this.#layout(shape, args.reverse, threads)
    const tape = heap.alloc(l.tapeTotal * 4)
    let work = -1
    try {
      const mem = heap.f32(tape, l.tapeTotal)
      mem.set(args.weights.kernel, l.w)
      mem.set(args.weights.recurrentKernel, l.u)
      mem.set(args.weights.bias, l.b)
      mem.set(args.x, l.x)
      setOrZero(mem, l.h0, N * H, args.h0)
      if (cell === 'lstm') setOrZero(mem, l.c0, N * H, args.c0)
      work = heap.alloc(l.fwdTotal * 4)
      this.#call('rnn_forward', [CELL_CODES[cell], T, N, I, H, +args.reverse, tape, work], threads)
      heap.free(work)
      work = -1
      const out = heap.f32(tape, l.tapeTotal)
      const result: RnnForwardResult = {
        y: out.slice(l.y, l.y + T * N * H),
        hT: out.slice(l.ht, l.ht + N * H),
        tape: null
      }
      if (cell === 'lstm') result.cT = out.slice(l.ct, l.ct + N * H)
      if (args.training) {
        const saved = new WasmTape(tape, shape, args.reverse, this)
        this.#orphans.register(saved, tape, saved)
        result.tape = saved
      } else {
        heap.free(tape)
      }
      return result
    } catch (error) {
      if (work >= 0) heap.free(work)
      heap.free(tape)
      throw error
    }
  }

  rnnBackward(args: RnnBackwardArgs): RnnGradients {
    const heap = this.#live()
    const tape = args.tape
    if (!(tape instanceof WasmTape) || tape.owner !== this) {
      throw new TypeError('rnnBackward: the tape comes from another engine')
    }
    const tapePointer = tape.pointer
    const { cell, steps: T, batch: N, inputSize: I, units: H } = tape.shape
    const GH = GATES[cell] * H
    expectLength('dy', args.dy, T * N * H)
    const threads = this.#threadsFor(2 * N * GH * H)
    const l = this.#layout(tape.shape, tape.reverse, threads)
    const block = heap.alloc(l.bwdTotal * 4)
    try {
      heap.f32(block, l.bwdTotal).set(args.dy, l.dy)
      const call = [CELL_CODES[cell], T, N, I, H, +tape.reverse, tapePointer, block]
      this.#call('rnn_backward', call, threads)
      const out = heap.f32(block, l.bwdTotal)
      return {
        dx: out.slice(l.dx, l.dx + T * N * I),
        kernel: out.slice(l.dw, l.dw + I * GH),
        recurrentKernel: out.slice(l.du, l.du + H * GH),
        bias: out.slice(l.db, l.db + GH)
      }
    } finally {
      heap.free(block)
    }
  }

  gemm(args: GemmArgs): void {
    const heap = this.#live()
    const { m, n, k } = args
    for (const [name, v] of [
      ['m', m],
      ['n', n],
      ['k', k]
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`gemm: ${name} must be ≥ 0, got ${v}`)
    }
    expectAtLeast('a', args.a, m * k)
    expectAtLeast('b', args.b, k * n)
    expectAtLeast('c', args.c, m * n)
    if (m === 0 || n === 0) return
    const aAt = 0
    const bAt = roundUp(m * k)
    const cAt = bAt + roundUp(k * n)
    const floats = cAt + m * n
    const block = heap.alloc(floats * 4)
    try {
      const mem = heap.f32(block, floats)
      mem.set(args.a.subarray(0, m * k), aAt)
      mem.set(args.b.subarray(0, k * n), bAt)
      // beta = 0 ignores C entirely (NaNs included), so it need not be copied in.
      if (args.beta !== 0) mem.set(args.c.subarray(0, m * n), cAt)
      const call = [+args.transA, +args.transB, m, n, k, args.alpha]
      call.push(block + 4 * aAt, block + 4 * bAt, args.beta, block + 4 * cAt)
      this.#call('gemm', call, this.#threadsFor(2 * m * n * k, PARALLEL_GEMM_FLOPS))
      args.c.set(heap.f32(block + 4 * cAt, m * n))
    } finally {
      heap.free(block)
    }
  }

  dispose(): void {
    this.#pool?.dispose()
    this.#pool = null
    this.#heap = null
  }

  /** WasmTape.release: frees a tape's block (nothing once the engine is disposed). */
  freeTape(tape: WasmTape, pointer: number): void {
    this.#orphans.unregister(tape)
    this.#heap?.free(pointer)
  }

  #live(): WasmHeap {
    if (!this.#heap) throw new Error('the wasm kernels were disposed')
    return this.#heap
  }

  #threadsFor(flops: number, threshold = PARALLEL_STEP_FLOPS): number {
    const pool = this.#pool
    if (!pool || pool.failure || flops < (this.#parallelFlops ?? threshold)) return 1
    return pool.threads
  }

  #call(name: string, args: number[], threads: number): void {
    if (threads > 1 && this.#pool) this.#pool.run(name, args)
    else (this.#exports[name] as (...a: number[]) => void)(0, 1, ...args)
  }

  #layout(shape: RnnLayerShape, reverse: boolean, threads: number): Layout {
    const { cell, steps, batch, inputSize, units } = shape
    const at = this.#layoutBlock
    this.#exports.rnn_layout(
      CELL_CODES[cell],
      steps,
      batch,
      inputSize,
      units,
      +reverse,
      threads,
      at
    )
    const raw = new Int32Array(this.#live().memory.buffer, at, LAYOUT_FIELDS.length)
    const out = {} as Layout
    LAYOUT_FIELDS.forEach((field, i) => (out[field] = raw[i]))
    return out
  }
}

/** Floats rounded up to 64-byte lines, so each GEMM operand starts aligned. */
function roundUp(floats: number): number {
  return Math.ceil(floats / 16) * 16
}

function checkShape(args: RnnLayerShape): RnnLayerShape {
  if (!(args.cell in CELL_CODES)) throw new TypeError(`unknown cell ${String(args.cell)}`)
  for (const key of ['steps', 'batch', 'inputSize', 'units'] as const) {
    const v = args[key]
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${key} must be ≥ 1, got ${v}`)
  }
  const { cell, steps, batch, inputSize, units } = args
  return { cell, steps, batch, inputSize, units }
}

function expectLength(name: string, a: Float32Array, length: number): void {
  if (a.length !== length)
    throw new RangeError(`${name} has ${a.length} values, expected ${length}`)
}

function expectAtLeast(name: string, a: Float32Array, length: number): void {
  if (a.length < length) throw new RangeError(`${name} has ${a.length} values, needs ${length}`)
}

function setOrZero(mem: Float32Array, at: number, length: number, values?: Float32Array): void {
  if (values) mem.set(values, at)
  else mem.fill(0, at, at + length)
}

function defaultThreads(): number {
  return Math.min(2, availableParallelism())
}

/** Instantiates a variant: its own memory (single-threaded) or one shared memory (threads). */
function instantiate(
  module: WasmModule,
  variant: WasmVariant
): { exports: Exports; heap: WasmHeap } {
  if (!variant.threaded) {
    const { exports } = new wasmApi.Instance(module, {})
    const memory = exports.memory as WasmMemory
    const e = exports as Exports
    return { exports: e, heap: new WasmHeap(memory, e.__heap_base.value as number) }
  }
  const memory = new wasmApi.Memory({
    initial: INITIAL_PAGES,
    maximum: MAX_PAGES,
    shared: true
  })
  const e = new wasmApi.Instance(module, { env: { memory } }).exports as Exports
  return { exports: e, heap: new WasmHeap(memory, e.__heap_base.value as number) }
}

/**
 * Creates the engine; throws when the modules are not built or the runtime lacks SIMD. Falls
 * back from threads to one thread (and says so in `detail`) when workers cannot start.
 */
export function createWasmKernels(options: WasmKernelOptions = {}): WasmKernels {
  const dir = options.dir ?? findWasmDir()
  if (!dir) {
    throw new Error(
      `wasm engine not built (run node scripts/build-wasm.js, or set ${WASM_DIR_ENV})`
    )
  }
  const features = wasmFeatures()
  if (!features.simd) throw new Error('this runtime does not validate WebAssembly SIMD')
  const wanted = Math.max(1, Math.floor(options.threads ?? defaultThreads()))
  const allowRelaxed = options.relaxed ?? true
  const order = variantOrder(wanted > 1, {
    relaxedSimd: features.relaxedSimd && allowRelaxed,
    threads: features.threads
  })
  const notes: string[] = []
  if (!features.relaxedSimd && allowRelaxed) notes.push('relaxed SIMD not validated here')
  if (wanted > 1 && !features.threads) notes.push('no shared memory')
  for (const variant of order) {
    let module: WasmModule
    try {
      module = compileVariant(dir, variant)
    } catch (error) {
      notes.push(`${variant.name}: ${firstLine(error)}`)
      continue
    }
    const { exports, heap } = instantiate(module, variant)
    let pool: WasmThreadPool | null = null
    if (variant.threaded) {
      try {
        pool = WasmThreadPool.start(module, heap, exports, wanted - 1, KERNEL_NAMES)
      } catch (error) {
        notes.push(`threads: ${firstLine(error)}`)
        continue
      }
    }
    const simd = variant.relaxed ? 'relaxed SIMD' : 'SIMD'
    const threads = pool ? `${pool.threads} threads` : '1 thread'
    const detail = [`${simd}, ${threads}`, ...notes].join('; ')
    return new WasmKernels(exports, heap, pool, detail, options.parallelFlops)
  }
  throw new Error(`no wasm engine variant could be loaded: ${notes.join('; ')}`)
}

/** `createWasmKernels` for the engine loader: the kernels, or null and why (never throws). */
export function loadWasmKernels(
  options: WasmKernelOptions = {}
): { kernels: WasmKernels } | { kernels: null; reason: string } {
  try {
    return { kernels: createWasmKernels(options) }
  } catch (error) {
    return { kernels: null, reason: `wasm engine unavailable: ${firstLine(error)}` }
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}
