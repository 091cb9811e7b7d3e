/**
 * The native engine under signals and guard bytes (native-stress.ts). The child process runs with
 * V8's sampling profiler at 50 µs, so SIGPROF lands inside oneDNN's GEMM kernels hundreds of times:
 * before native/onednn/src/signal_shield.h, every such run aborted in the first W1 step with
 * "corrupted size vs. prev_size while consolidating" (exit 134). A child, because that abort takes
 * the whole process with it.
 *
 * The in-process case runs the same workout without signals, for the guard checks alone, and is
 * also what makes this file fail fast when the workout itself is broken.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import type { FusedKernels } from './kernels'
import { createNativeKernels } from './native-kernels'
import { loadOnednnAddon } from './native-loader'
import { stressKernels } from './native-stress'

const load = loadOnednnAddon()

describe.skipIf(!load.addon)('oneDNN engine under stress', () => {
  const profiles = mkdtempSync(join(tmpdir(), 'rnn-studio-native-stress-'))
  afterAll(() => rmSync(profiles, { recursive: true, force: true }))

  it('leaves the guard elements around every caller array alone', () => {
    const kernels = createNativeKernels(load.addon!)
    try {
      expect(stressKernels(kernels, 3)).toEqual([])
    } finally {
      kernels.dispose()
    }
  })

  it('notices a kernel that writes one element past an array', () => {
    const kernels = createNativeKernels(load.addon!)
    const overrunning: FusedKernels = {
      ...kernels,
      gemm(args) {
        kernels.gemm(args)
        // The head's bias gradient and the sampling logits: the [1, 65] results.
        const { c } = args
        if (args.m === 1) new Float32Array(c.buffer, c.byteOffset, c.length + 1)[c.length] = 0
      }
    }
    try {
      expect(stressKernels(overrunning, 1)).toEqual(['gHeadBias', 'sampleLogits'])
    } finally {
      kernels.dispose()
    }
  })

  it('survives W1 training and sampling while a profiler interrupts it (SIGPROF every 50 µs)', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const here = (file: string) => pathToFileURL(join(import.meta.dirname, file)).href
    const script = [
      `import { createNativeKernels } from '${here('native-kernels.ts')}'`,
      `import { loadOnednnAddon } from '${here('native-loader.ts')}'`,
      `import { stressKernels } from '${here('native-stress.ts')}'`,
      `const kernels = createNativeKernels(loadOnednnAddon().addon)`,
      `console.log('damaged: ' + JSON.stringify(stressKernels(kernels, 20)))`,
      `kernels.dispose()`
    ].join('\n')
    const args = ['--import', tsx, '--cpu-prof', '--cpu-prof-interval', '50']
    args.push('--cpu-prof-dir', profiles, '--input-type=module', '--eval', script)
    const result = await promisify(execFile)(process.execPath, args, { encoding: 'utf8' }).then(
      ({ stdout }) => ({ code: 0, signal: null, stdout, stderr: '' }),
      (error: { code: number | null; signal: string | null; stdout: string; stderr: string }) =>
        error
    )
    expect({ code: result.code, signal: result.signal, stderr: result.stderr.trim() }).toEqual({
      code: 0,
      signal: null,
      stderr: ''
    })
    expect(result.stdout.trim()).toBe('damaged: []')
  }, 60_000)
})
