/**
 * Finds and loads the oneDNN addon built by `scripts/build-native.js` (native/onednn). It is
 * optional: a machine without oneDNN, or a checkout where the build failed, gets `addon: null` and
 * a one-line reason, which the studio shows once before falling back to another engine.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The file node-gyp writes, relative to the repository root. */
export const ADDON_PATH = join('native', 'onednn', 'build', 'Release', 'rnn_studio_onednn.node')

/** Overrides the search, e.g. for a packaged app whose addon sits beside its resources. */
export const ADDON_ENV = 'RNN_STUDIO_ONEDNN_ADDON'

declare const contextBrand: unique symbol
declare const tapeBrand: unique symbol
/** An engine, a stream and the cached primitives (native; freed by `disposeContext`). */
export type OnednnContext = { readonly [contextBrand]: true }
/** One training forward's saved buffers (native; freed by `releaseTape` or by GC). */
export type OnednnTape = { readonly [tapeBrand]: true }

/** The addon's surface, as native/onednn/src/addon.cc defines it (argument order included). */
export interface OnednnAddon {
  info(): { version: string; runtime: string; maxThreads: number }
  /** `threads` ≤ 0 keeps the OpenMP default (OMP_NUM_THREADS or the core count). */
  createContext(threads: number): OnednnContext
  disposeContext(context: OnednnContext): void
  /** `cell`: 0 rnn-tanh, 1 rnn-relu, 2 lstm, 3 gru. Writes `y`, `hT`, `cT`; returns the tape when training. */
  rnnForward(
    context: OnednnContext,
    cell: number,
    steps: number,
    batch: number,
    inputSize: number,
    units: number,
    reverse: boolean,
    training: boolean,
    kernel: Float32Array,
    recurrentKernel: Float32Array,
    bias: Float32Array,
    x: Float32Array,
    h0: Float32Array | undefined,
    c0: Float32Array | undefined,
    y: Float32Array,
    hT: Float32Array,
    cT: Float32Array | undefined
  ): OnednnTape | null
  /** Writes the four gradients. */
  rnnBackward(
    context: OnednnContext,
    tape: OnednnTape,
    dy: Float32Array,
    dx: Float32Array,
    kernel: Float32Array,
    recurrentKernel: Float32Array,
    bias: Float32Array
  ): void
  releaseTape(tape: OnednnTape): void
  gemm(
    context: OnednnContext,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    beta: number,
    c: Float32Array
  ): void
}

export type AddonLoad = { addon: OnednnAddon; path: string } | { addon: null; reason: string }

const METHODS: (keyof OnednnAddon)[] = [
  'info',
  'createContext',
  'disposeContext',
  'rnnForward',
  'rnnBackward',
  'releaseTape',
  'gemm'
]

/**
 * Where the addon may be, in order: the environment override, then `ADDON_PATH` under every
 * folder above this module (source checkout: src/engine/fused; bundles: out/main) and above the
 * working directory.
 */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env[ADDON_ENV]
  if (override) return [resolve(override)]
  const found: string[] = []
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start
    for (;;) {
      const candidate = join(dir, ADDON_PATH)
      if (!found.includes(candidate)) found.push(candidate)
      const parent = dirname(dir)
      if (parent === dir) break
      dir = parent
    }
  }
  return found
}

/** Loads the first existing candidate (or `path` when given); never throws. */
export function loadOnednnAddon(path?: string): AddonLoad {
  const file = path ?? addonCandidates().find((candidate) => existsSync(candidate))
  if (!file || !existsSync(file)) {
    return { addon: null, reason: 'oneDNN addon not built (run `node scripts/build-native.js`)' }
  }
  // oneDNN's OpenMP threads busy-wait between parallel regions by default: on a machine whose
  // cores are shared (the UI, a second run, a test runner) that turned a 36 ms step into 340–565
  // ms. Passive waiting costs little here; libgomp reads the variable once, when it loads (now).
  // A benchmark that owns the machine may set OMP_WAIT_POLICY=active itself.
  process.env.OMP_WAIT_POLICY ??= 'passive'
  let loaded: Partial<OnednnAddon>
  try {
    loaded = createRequire(import.meta.url)(file) as Partial<OnednnAddon>
  } catch (error) {
    // Typically a missing libdnnl.so at runtime; the first line names it.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return { addon: null, reason: `oneDNN addon failed to load: ${message}` }
  }
  const missing = METHODS.filter((method) => typeof loaded[method] !== 'function')
  if (missing.length) {
    return {
      addon: null,
      reason: `oneDNN addon is out of date (no ${missing.join(', ')}): rebuild it`
    }
  }
  return { addon: loaded as OnednnAddon, path: file }
}
