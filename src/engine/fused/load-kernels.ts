/**
 * Picks and loads the fused engine a run asked for (`TrainConfig.engine`). The native and
 * WebAssembly engines are optional: their modules are imported only when asked for, and when a
 * module, its addon or its `.wasm` is missing the answer is `null` plus the reason, so the caller
 * can fall back and say why once.
 *
 *   auto   → native oneDNN → wasm SIMD → null (tfjs-layers)
 *   native | wasm | js → that engine, or null with the reason
 *   tfjs   → null (the tfjs-layers graph, by request)
 */
import type { FusedKernels } from './kernels'
import { createJsKernels } from './js-kernels'

export type EngineChoice = 'auto' | 'native' | 'wasm' | 'js' | 'tfjs'

export interface KernelsChoice {
  /** The engine to train with, or null for tfjs-layers. */
  kernels: FusedKernels | null
  /** One line per engine that was tried and could not be used (empty when the first worked). */
  skipped: string[]
}

type Load = { kernels: FusedKernels } | { kernels: null; reason: string }

async function loadNative(): Promise<Load> {
  try {
    const module = await import('./native-kernels')
    return module.loadNativeKernels()
  } catch (error) {
    return { kernels: null, reason: `native engine unavailable: ${message(error)}` }
  }
}

async function loadWasm(): Promise<Load> {
  try {
    const module = await import('./wasm-kernels')
    return module.loadWasmKernels()
  } catch (error) {
    return { kernels: null, reason: `wasm engine unavailable: ${message(error)}` }
  }
}

/** Loads the engine `choice` names (see the file comment). */
export async function loadKernels(choice: EngineChoice): Promise<KernelsChoice> {
  const order: Array<() => Promise<Load>> =
    choice === 'auto'
      ? [loadNative, loadWasm]
      : choice === 'native'
        ? [loadNative]
        : choice === 'wasm'
          ? [loadWasm]
          : choice === 'js'
            ? [async () => ({ kernels: createJsKernels() })]
            : []
  const skipped: string[] = []
  for (const load of order) {
    const result = await load()
    if (result.kernels) return { kernels: result.kernels, skipped }
    skipped.push(result.reason)
  }
  return { kernels: null, skipped }
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]
}
