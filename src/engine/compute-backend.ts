/**
 * Picks the tfjs compute backend at run time, best first:
 *   tensorflow-gpu (@tensorflow/tfjs-node-gpu) → tensorflow (@tensorflow/tfjs-node) → wasm → cpu.
 * The native packages are optionalDependencies: their install downloads libtensorflow, which fails on
 * offline machines, and npm then simply leaves them out. So every step is a guarded dynamic import,
 * and the reason a backend is unavailable is kept so the UI and CLI can show it.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { BackendInfo, BackendProbe, ComputeBackendName } from '../shared/domain/backend'
import { ComputeBackendName as BackendNames } from '../shared/domain/backend'

type Tf = typeof import('@tensorflow/tfjs')

/** Preference order; the first that loads wins. */
export const BACKEND_ORDER: readonly ComputeBackendName[] = [
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu'
]

/** Environment variable that forces one backend (same names as BACKEND_ORDER). */
export const BACKEND_ENV = 'RNN_STUDIO_BACKEND'

const NATIVE_PACKAGES: Partial<Record<ComputeBackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node'
}

const require = createRequire(import.meta.url)

/** tfjs's own name for each of our backends (both native packages register as 'tensorflow'). */
function tfName(name: ComputeBackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name
}

async function tryActivate(tf: Tf, name: ComputeBackendName): Promise<string | null> {
  try {
    const nativePackage = NATIVE_PACKAGES[name]
    if (nativePackage) {
      try {
        require.resolve(nativePackage)
      } catch {
        return `${nativePackage} is not installed (optional; its install needs to download libtensorflow)`
      }
      await import(/* @vite-ignore */ nativePackage)
    } else if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm')
      const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))
      wasm.setWasmPaths(join(packageDir, 'dist') + '/')
    }
    const ok = await tf.setBackend(tfName(name))
    if (!ok) return `tfjs could not initialise the ${name} backend`
    await tf.ready()
    return null
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error)
  }
}

/** Reads a forced backend from an explicit choice or the environment; throws on an unknown name. */
export function forcedBackend(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env
): ComputeBackendName | null {
  const raw = explicit ?? env[BACKEND_ENV]
  if (raw === undefined || raw === '' || raw === 'auto') return null
  const parsed = BackendNames.safeParse(raw)
  if (!parsed.success) {
    throw new Error(
      `Unknown compute backend "${raw}". Use one of: auto, ${BACKEND_ORDER.join(', ')}.`
    )
  }
  return parsed.data
}

/**
 * Activates the best available backend (or the forced one) on the given tfjs instance and reports
 * what was tried. A forced backend that fails to load is an error: silently training on another
 * would make timings and results lie.
 */
export async function selectBackend(
  tf: Tf,
  options: { force?: ComputeBackendName | null } = {}
): Promise<BackendInfo> {
  const force = options.force ?? null
  const probes: BackendProbe[] = []
  const candidates = force ? [force] : BACKEND_ORDER
  for (const name of candidates) {
    const reason = await tryActivate(tf, name)
    probes.push({ name, available: reason === null, reason })
    if (reason === null) return { selected: name, forced: force !== null, probes }
  }
  const last = probes[probes.length - 1]
  throw new Error(`The ${last.name} backend could not be loaded: ${last.reason}`)
}

/**
 * Loads tfjs and activates the backend training will use in this process (honouring
 * RNN_STUDIO_BACKEND), returning what was found.
 */
export async function activateComputeBackend(force?: string): Promise<BackendInfo> {
  const tf = await import('@tensorflow/tfjs')
  return selectBackend(tf, { force: forcedBackend(force) })
}
