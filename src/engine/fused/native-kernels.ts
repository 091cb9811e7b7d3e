/**
 * The native engine (issue #6): `FusedKernels` on oneDNN's RNN primitives and sgemm, through the
 * N-API addon in native/onednn. Shapes and layouts are exactly the interface's (kernels.ts): oneDNN's
 * plain `tnc`/`ldigo` formats with one layer and one direction are the same bytes as time-major
 * sequences and tfjs-layers weights, and its gate orders (LSTM i,f,c,o; GRU u,r,o with
 * h_t = u⊙h + (1−u)⊙h̃) are Keras's, so nothing is permuted on the way.
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
import {
  loadOnednnAddon,
  type OnednnAddon,
  type OnednnContext,
  type OnednnTape
} from './native-loader'

/** The addon's cell numbers (native/onednn/src/rnn_plan.h `Cell`). */
const CELL_CODES: Record<FusedCell, number> = { 'rnn-tanh': 0, 'rnn-relu': 1, lstm: 2, gru: 3 }

export interface NativeKernelOptions {
  /**
   * OpenMP threads for the primitives. Default: OMP_NUM_THREADS when set, else 2 (the issue's
   * measured setting) capped at the cores available, since spinning OpenMP threads on shared cores
   * only slow each other down.
   */
  threads?: number
}

/** A training forward's saved state: the native tape plus the shape its gradients have. */
class NativeTape implements RnnTape {
  #handle: OnednnTape | null

  constructor(
    handle: OnednnTape,
    readonly shape: RnnLayerShape,
    readonly owner: object,
    private readonly addon: OnednnAddon
  ) {
    this.#handle = handle
  }

  /** The live handle; throws once released. */
  get handle(): OnednnTape {
    if (!this.#handle) throw new Error('rnnBackward: the tape was released')
    return this.#handle
  }

  release(): void {
    if (!this.#handle) return
    this.addon.releaseTape(this.#handle)
    this.#handle = null
  }
}

function defaultThreads(): number {
  // 0 asks the addon to keep OpenMP's own setting, which honours OMP_NUM_THREADS.
  if (process.env.OMP_NUM_THREADS) return 0
  return Math.min(2, availableParallelism())
}

/** Wraps a loaded addon; see `loadNativeKernels` for the usual entry point. */
export function createNativeKernels(
  addon: OnednnAddon,
  options: NativeKernelOptions = {}
): FusedKernels {
  const requested = options.threads ?? defaultThreads()
  let context: OnednnContext | null = addon.createContext(requested)
  const info = addon.info()
  // Requests ≤ 0 keep OpenMP's default, which info() reports.
  const threads = requested > 0 ? requested : info.maxThreads
  const owner = {}

  function live(): OnednnContext {
    if (!context) throw new Error('the oneDNN kernels were disposed')
    return context
  }

  function rnnForward(args: RnnForwardArgs): RnnForwardResult {
    const { cell, steps, batch, inputSize, units } = args
    const code = CELL_CODES[cell]
    if (code === undefined) throw new TypeError(`unknown cell ${String(cell)}`)
    const y = new Float32Array(steps * batch * units)
    const hT = new Float32Array(batch * units)
    const cT = cell === 'lstm' ? new Float32Array(batch * units) : undefined
    const { kernel, recurrentKernel, bias } = args.weights
    const handle = addon.rnnForward(
      live(),
      code,
      steps,
      batch,
      inputSize,
      units,
      args.reverse,
      args.training,
      kernel,
      recurrentKernel,
      bias,
      args.x,
      args.h0,
      args.c0,
      y,
      hT,
      cT
    )
    const shape = { cell, steps, batch, inputSize, units }
    const tape = handle ? new NativeTape(handle, shape, owner, addon) : null
    return cT ? { y, hT, cT, tape } : { y, hT, tape }
  }

  function rnnBackward({ tape, dy }: RnnBackwardArgs): RnnGradients {
    if (!(tape instanceof NativeTape) || tape.owner !== owner) {
      throw new TypeError('rnnBackward: the tape comes from another engine')
    }
    const { cell, steps, batch, inputSize, units } = tape.shape
    const width = GATES[cell] * units
    const gradients: RnnGradients = {
      dx: new Float32Array(steps * batch * inputSize),
      kernel: new Float32Array(inputSize * width),
      recurrentKernel: new Float32Array(units * width),
      bias: new Float32Array(width)
    }
    addon.rnnBackward(
      live(),
      tape.handle,
      dy,
      gradients.dx,
      gradients.kernel,
      gradients.recurrentKernel,
      gradients.bias
    )
    return gradients
  }

  function gemm(g: GemmArgs): void {
    addon.gemm(live(), g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.b, g.beta, g.c)
  }

  return {
    name: 'onednn',
    detail: `oneDNN ${info.version}, ${threads} thread${threads === 1 ? '' : 's'} (${info.runtime})`,
    rnnForward,
    rnnBackward,
    gemm,
    dispose() {
      if (!context) return
      addon.disposeContext(context)
      context = null
    }
  }
}

export type NativeKernelsLoad = { kernels: FusedKernels } | { kernels: null; reason: string }

/** Loads the addon and wraps it; `kernels: null` with a one-line reason when it is unavailable. */
export function loadNativeKernels(
  options: NativeKernelOptions & { path?: string } = {}
): NativeKernelsLoad {
  const load = loadOnednnAddon(options.path)
  if (!load.addon) return { kernels: null, reason: load.reason }
  try {
    return { kernels: createNativeKernels(load.addon, options) }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { kernels: null, reason: `oneDNN engine failed to start: ${message}` }
  }
}
