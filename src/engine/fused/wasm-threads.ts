/**
 * Runs one exported kernel on several threads at once while the caller stays synchronous: the
 * main thread and `workers` worker threads each hold an instance of the shared-memory module over
 * one `WebAssembly.Memory({ shared: true })`. A call writes the function and its arguments into
 * a control block in that memory, bumps a sequence number and wakes the workers
 * (`Atomics.notify`), then runs its own share as thread 0; every exported kernel ends with a
 * barrier inside the module, so when the main thread returns all shares are done. Workers wait
 * in `Atomics.wait` between calls (no event loop round trip, so a call costs microseconds).
 */
import { Worker } from 'node:worker_threads'
import type { WasmModule } from './wasm-api'
import type { WasmHeap } from './wasm-heap'

/** Control block, int32 slots: sequence, function index, thread count, ready. */
const SEQ = 0
const FN = 1
const THREADS = 2
const READY = 3
/** Arguments as float64 (exact for the int32 pointers and sizes and the float32 scalars). */
const ARGS_OFFSET = 64
const MAX_ARGS = 16
const CONTROL_BYTES = ARGS_OFFSET + 8 * MAX_ARGS
/** Each worker's C stack (the module links with a 1 MiB stack for the main thread's instance). */
const STACK_BYTES = 1 << 20
const START_TIMEOUT_MS = 10_000

/**
 * The worker's whole program, evaluated as CommonJS so it needs no file of its own (bundlers and
 * test runners then have nothing to resolve).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { module, memory, control, stackTop, tid, names } = workerData
const { exports } = new WebAssembly.Instance(module, { env: { memory } })
exports.__stack_pointer.value = stackTop
const ctl = new Int32Array(memory.buffer, control, ${ARGS_OFFSET / 4})
const args = new Float64Array(memory.buffer, control + ${ARGS_OFFSET}, ${MAX_ARGS})
Atomics.add(ctl, ${READY}, 1)
Atomics.notify(ctl, ${READY})
let seen = 0
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen)
  seen = Atomics.load(ctl, ${SEQ})
  const fn = Atomics.load(ctl, ${FN})
  if (fn < 0) break
  const nt = ctl[${THREADS}]
  if (tid >= nt) continue
  // Kernels take (tid, nt, ...) and ignore surplus arguments: no per-call garbage here.
  exports[names[fn]](tid, nt, ${Array.from({ length: MAX_ARGS }, (_, i) => `args[${i}]`).join(', ')})
}
`

type KernelExport = (...args: number[]) => void

export class WasmThreadPool {
  #workers: Worker[]
  #control: number
  #stacks: number[]
  #names: string[]
  #failure: string | null = null

  private constructor(
    private readonly heap: WasmHeap,
    private readonly main: Record<string, unknown>,
    workers: Worker[],
    control: number,
    stacks: number[],
    names: string[]
  ) {
    this.#workers = workers
    this.#control = control
    this.#stacks = stacks
    this.#names = names
  }

  /**
   * Starts `workers` threads over `module` and `heap.memory` and waits (synchronously, up to 10 s)
   * until each has instantiated it. `main` is the calling thread's instance's exports; `names`
   * the kernels that may be run.
   */
  static start(
    module: WasmModule,
    heap: WasmHeap,
    main: Record<string, unknown>,
    workers: number,
    names: string[]
  ): WasmThreadPool {
    const control = heap.alloc(CONTROL_BYTES)
    new Int32Array(heap.memory.buffer, control, ARGS_OFFSET / 4).fill(0)
    const stacks: number[] = []
    const started: Worker[] = []
    const pool = new WasmThreadPool(heap, main, started, control, stacks, names)
    try {
      for (let i = 0; i < workers; i++) {
        const stack = heap.alloc(STACK_BYTES)
        stacks.push(stack)
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            module,
            memory: heap.memory,
            control,
            stackTop: stack + STACK_BYTES,
            tid: i + 1,
            names
          }
        })
        worker.unref()
        worker.on('error', (error) => {
          pool.#failure = `worker ${i + 1} failed: ${error.message}`
        })
        started.push(worker)
      }
      pool.#awaitReady(workers)
    } catch (error) {
      pool.dispose()
      throw error
    }
    return pool
  }

  /** Threads per call, the main thread included. */
  get threads(): number {
    return this.#workers.length + 1
  }

  /** Why the pool stopped working, or null. */
  get failure(): string | null {
    return this.#failure
  }

  /** Runs `name(tid, threads, ...args)` on every thread; returns when all are done. */
  run(name: string, args: number[]): void {
    if (this.#failure) throw new Error(this.#failure)
    const fn = this.#names.indexOf(name)
    if (fn < 0 || args.length > MAX_ARGS) throw new Error(`thread pool: cannot run ${name}`)
    const ctl = this.#ctl()
    const slots = new Float64Array(this.heap.memory.buffer, this.#control + ARGS_OFFSET, MAX_ARGS)
    slots.fill(0)
    slots.set(args)
    ctl[FN] = fn
    ctl[THREADS] = this.threads
    Atomics.add(ctl, SEQ, 1)
    Atomics.notify(ctl, SEQ)
    try {
      ;(this.main[name] as KernelExport)(0, this.threads, ...args)
    } catch (error) {
      // A trap (e.g. the barrier's timeout) leaves the barrier's count wrong: never reuse it.
      this.#failure = `threaded call failed: ${error instanceof Error ? error.message : error}`
      throw error
    }
  }

  /** Stops the workers and frees their stacks and the control block. Idempotent. */
  dispose(): void {
    if (this.#workers.length === 0 && this.#stacks.length === 0) return
    const ctl = this.#ctl()
    Atomics.store(ctl, FN, -1)
    Atomics.add(ctl, SEQ, 1)
    Atomics.notify(ctl, SEQ)
    for (const worker of this.#workers) void worker.terminate()
    this.#workers = []
    for (const stack of this.#stacks) this.heap.free(stack)
    this.#stacks = []
    this.heap.free(this.#control)
    this.#failure ??= 'thread pool disposed'
  }

  #ctl(): Int32Array {
    return new Int32Array(this.heap.memory.buffer, this.#control, ARGS_OFFSET / 4)
  }

  #awaitReady(workers: number): void {
    const ctl = this.#ctl()
    const deadline = Date.now() + START_TIMEOUT_MS
    for (;;) {
      const ready = Atomics.load(ctl, READY)
      if (ready >= workers) return
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`only ${ready} of ${workers} wasm worker threads started`)
      Atomics.wait(ctl, READY, ready, left)
    }
  }
}
