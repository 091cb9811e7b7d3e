/**
 * Finding and choosing the WebAssembly engine's module: `scripts/build-wasm.js` builds four
 * variants into `wasm/build/` (plain or relaxed SIMD × single-threaded or shared-memory threads),
 * and this picks the best one the running V8 validates. Node 20's V8 11.3 validates relaxed SIMD
 * only with `--experimental-wasm-relaxed-simd`; Electron 45's does by default.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wasmApi, type WasmModule } from './wasm-api'

/** Names a folder holding the built `.wasm` files, for bundles that move them. */
export const WASM_DIR_ENV = 'RNN_STUDIO_WASM_DIR'

export interface WasmVariant {
  /** `rnn-simd`, `rnn-relaxed-mt`, … (the file name without `.wasm`). */
  name: string
  relaxed: boolean
  threaded: boolean
}

/** Type `() → v128`, one function: three zero vectors into `f32x4.relaxed_madd`. */
const RELAXED_PROBE = hex(
  '0061736d01000000 0105016000017b 03020100 0a3d013b00' +
    'fd0c00000000000000000000000000000000'.repeat(3) +
    'fd8502 0b'
)
/** The same type, returning one `v128.const`: SIMD at all. */
const SIMD_PROBE = hex(
  '0061736d01000000 0105016000017b 03020100 0a16011400 fd0c00000000000000000000000000000000 0b'
)

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'))
}

/** Which WebAssembly features this runtime validates. */
export function wasmFeatures(): { simd: boolean; relaxedSimd: boolean; threads: boolean } {
  let threads: boolean
  try {
    new wasmApi.Memory({ initial: 1, maximum: 1, shared: true })
    threads = typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object'
  } catch {
    threads = false
  }
  return {
    simd: wasmApi.validate(SIMD_PROBE),
    relaxedSimd: wasmApi.validate(RELAXED_PROBE),
    threads
  }
}

/** Variants in order of preference for the given wants and features. */
export function variantOrder(
  threaded: boolean,
  features: { relaxedSimd: boolean; threads: boolean }
): WasmVariant[] {
  const out: WasmVariant[] = []
  for (const t of threaded && features.threads ? [true, false] : [false]) {
    for (const relaxed of features.relaxedSimd ? [true, false] : [false]) {
      out.push({
        name: `rnn-${relaxed ? 'relaxed' : 'simd'}${t ? '-mt' : ''}`,
        relaxed,
        threaded: t
      })
    }
  }
  return out
}

/** Folders that may hold the build: the environment's, else `wasm/build` above this module. */
export function wasmDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env[WASM_DIR_ENV]) return [resolve(env[WASM_DIR_ENV])]
  const out: string[] = []
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    out.push(join(dir, 'wasm', 'build'))
    const parent = dirname(dir)
    if (parent === dir) return out
    dir = parent
  }
}

/** The first candidate folder holding the plain single-threaded module, or null. */
export function findWasmDir(env: NodeJS.ProcessEnv = process.env): string | null {
  return wasmDirCandidates(env).find((d) => existsSync(join(d, 'rnn-simd.wasm'))) ?? null
}

/** Compiles a variant's file (synchronously: the engine's API is synchronous). */
export function compileVariant(dir: string, variant: WasmVariant): WasmModule {
  return new wasmApi.Module(readFileSync(join(dir, `${variant.name}.wasm`)))
}
