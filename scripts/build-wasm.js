#!/usr/bin/env node
// Builds the WebAssembly SIMD engine (wasm/src/*.c) into wasm/build/: four variants, plain or
// relaxed SIMD × single-threaded or shared-memory threads; the engine picks one at load time.
// Freestanding clang + wasm-ld (Debian clang-16/lld-16, or any clang ≥ 16 with a wasm target):
// no emscripten, no libc.
//
// Never fails an install: without a compiler it prints one line and exits 0 (the studio then
// runs without this engine). `--strict` (CI) exits 1 instead, and on any compile error.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs'
import { delimiter, dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const srcDir = join(root, 'wasm', 'src')
const outDir = join(root, 'wasm', 'build')
const strict = process.argv.includes('--strict')
const force = process.argv.includes('--force')

/** The absolute path of the first candidate found on PATH (or given as a path), or null. */
function findTool(candidates) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const name of candidates.filter(Boolean)) {
    const paths = isAbsolute(name) ? [name] : dirs.map((d) => join(d, name))
    const found = paths.find((p) => existsSync(p) && statSync(p).isFile())
    if (found) return found
  }
  return null
}

const clang = findTool([process.env.CLANG, 'clang-16', 'clang-17', 'clang-18', 'clang-19', 'clang'])
const linker = findTool([
  process.env.WASM_LD,
  'wasm-ld-16',
  'wasm-ld-17',
  'wasm-ld-18',
  'wasm-ld-19',
  'wasm-ld'
])

if (!clang || !linker) {
  const missing = !clang ? 'clang' : 'wasm-ld'
  console.log(
    `build-wasm: ${missing} not found (Debian: apt-get install clang-16 lld-16); the WebAssembly engine is not built`
  )
  process.exit(strict ? 1 : 0)
}

const sources = readdirSync(srcDir)
  .filter((f) => f.endsWith('.c'))
  .map((f) => join(srcDir, f))
const inputs = readdirSync(srcDir).map((f) => join(srcDir, f))
inputs.push(fileURLToPath(import.meta.url))

// Where 1 MiB of stack ends and the heap the TypeScript allocator manages begins.
const STACK_BYTES = 1 << 20
// Shared memories must declare a maximum; 2 GiB keeps every offset a positive int32.
const MAX_MEMORY = 2 ** 31

const common = [
  '--target=wasm32',
  '-O3',
  '-nostdlib',
  '-ffreestanding',
  '-fno-math-errno',
  '-msimd128',
  // memcpy/memset that clang emits for struct copies become memory.copy/fill, not libc calls.
  '-mbulk-memory',
  '-Wall',
  '-Wextra',
  '-Werror',
  // clang takes the linker by path: wasm-ld is often installed only with a version suffix.
  `-fuse-ld=${linker}`,
  '-Wl,--no-entry',
  '-Wl,--export=__heap_base',
  `-Wl,-z,stack-size=${STACK_BYTES}`
]

const variants = [
  { name: 'rnn-simd', flags: [] },
  { name: 'rnn-relaxed', flags: ['-mrelaxed-simd', '-DRNN_RELAXED'] },
  {
    name: 'rnn-simd-mt',
    flags: [
      '-matomics',
      '-DRNN_THREADS',
      '-Wl,--shared-memory',
      '-Wl,--import-memory',
      `-Wl,--max-memory=${MAX_MEMORY}`,
      // Each worker's instance moves its stack pointer to a stack of its own.
      '-Wl,--export=__stack_pointer'
    ]
  }
]
variants.push({
  name: 'rnn-relaxed-mt',
  flags: [...variants[1].flags, ...variants[2].flags]
})

function newestInput() {
  return Math.max(...inputs.map((f) => statSync(f).mtimeMs))
}

mkdirSync(outDir, { recursive: true })
let built = 0
try {
  for (const v of variants) {
    const out = join(outDir, `${v.name}.wasm`)
    if (!force && existsSync(out) && statSync(out).mtimeMs >= newestInput()) continue
    // Written beside and renamed, so a reader never sees half a module.
    const tmp = `${out}.tmp`
    execFileSync(clang, [...common, ...v.flags, ...sources, '-o', tmp], { stdio: 'inherit' })
    renameSync(tmp, out)
    built++
  }
} catch (error) {
  console.log(`build-wasm: compile failed (${error.message.split('\n')[0]})`)
  process.exit(strict ? 1 : 0)
}
console.log(`build-wasm: ${built} of ${variants.length} modules rebuilt in wasm/build/`)
