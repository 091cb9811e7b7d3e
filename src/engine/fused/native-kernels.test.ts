/**
 * The oneDNN engine against the shared conformance suite (the plain-TypeScript reference, itself
 * checked against tfjs-layers and finite differences), plus what only a native engine can get
 * wrong: native memory that must not leak, handles used after release or dispose, and argument
 * checks that must throw rather than read out of bounds.
 *
 * Skipped where the addon is not built, unless RNN_STUDIO_REQUIRE_NATIVE=1 (CI), where its absence
 * fails.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeKernelConformance } from './conformance'
import { makeRnnProblem, measureTapeGrowth, type RnnCase } from './conformance-checks'
import type { FusedKernels, RnnForwardArgs } from './kernels'
import { createNativeKernels, loadNativeKernels } from './native-kernels'
import { addonCandidates, ADDON_ENV, loadOnednnAddon } from './native-loader'

const load = loadOnednnAddon()
const required = process.env.RNN_STUDIO_REQUIRE_NATIVE === '1'
const MB = 1024 * 1024

describe.runIf(required)('oneDNN addon (required by RNN_STUDIO_REQUIRE_NATIVE=1)', () => {
  it('is built and loads', () => {
    expect(load.addon ? 'loaded' : load.reason).toBe('loaded')
  })
})

describe('native loader', () => {
  it('explains a missing addon instead of throwing', () => {
    const result = loadOnednnAddon('/nonexistent/rnn_studio_onednn.node')
    expect(result.addon).toBeNull()
    expect(!result.addon && result.reason).toMatch(/not built/)
    expect(loadNativeKernels({ path: '/nonexistent/rnn_studio_onednn.node' }).kernels).toBeNull()
  })

  it('explains a file that is not an addon', () => {
    const result = loadOnednnAddon(new URL(import.meta.url).pathname)
    expect(!result.addon && result.reason).toMatch(/failed to load/)
  })

  it('searches above this module unless the environment names the file', () => {
    expect(addonCandidates({})[0]).toMatch(
      /native\/onednn\/build\/Release\/rnn_studio_onednn\.node$/
    )
    expect(addonCandidates({ [ADDON_ENV]: '/opt/x.node' })).toEqual(['/opt/x.node'])
  })
})

describe.skipIf(!load.addon)('oneDNN engine', () => {
  // Tapes live in native memory, and the size they report to V8 is returned only when their
  // finalizer runs (after a collection, asynchronously): the resident set is the honest measure.
  describeKernelConformance('onednn', () => createNativeKernels(load.addon!), {
    memoryProbe: () => process.memoryUsage().rss
  })

  const small: RnnCase = {
    label: 'lstm small',
    cell: 'lstm',
    steps: 8,
    batch: 8,
    inputSize: 16,
    units: 64,
    reverse: false,
    initialState: true,
    seed: 7
  }
  const problem = makeRnnProblem(small)
  const args: RnnForwardArgs = { ...small, ...problem, training: true }

  let kernels: FusedKernels
  beforeAll(() => {
    kernels = createNativeKernels(load.addon!)
  })
  afterAll(() => kernels.dispose())

  it('describes itself with the oneDNN version and thread count', () => {
    expect(kernels.name).toBe('onednn')
    expect(kernels.detail).toMatch(/^oneDNN \d+\.\d+\.\d+, \d+ threads? \(OpenMP\)$/)
  })

  it('keeps RSS flat over 1,000 forward/backward calls', () => {
    const rss = () => process.memoryUsage().rss
    // The first thousand calls also grow V8's young generation to its working size (~30 MB
    // here), so they only warm up; a leaked tape (~190 kB) would show as ~190 MB in either run.
    measureTapeGrowth(kernels, small, 1000, rss)
    expect(measureTapeGrowth(kernels, small, 1000, rss)).toBeLessThan(4 * MB)
  })

  it('frees tapes nobody released once they are garbage-collected', async () => {
    const gc = exposeGc()
    // Node runs N-API finalizers after the collection, from the event loop, so each round
    // collects and then yields before the next.
    const round = async () => {
      for (let i = 0; i < 100; i++) kernels.rnnForward(args)
      gc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await round()
    const before = process.memoryUsage().rss
    for (let i = 0; i < 10; i++) await round()
    // Tapes are ~100 kB: a missing finalizer leaks ~100 MB here; freed ones are reused round to
    // round, leaving at most about one round (~10 MB) of allocator slack.
    expect(process.memoryUsage().rss - before).toBeLessThan(24 * MB)
  })

  it('gives the same gradients when backward runs twice on one tape', () => {
    const out = kernels.rnnForward(args)
    const first = kernels.rnnBackward({ tape: out.tape!, dy: problem.dy })
    const second = kernels.rnnBackward({ tape: out.tape!, dy: problem.dy })
    out.tape!.release()
    expect(second.kernel).toEqual(first.kernel)
    expect(second.dx).toEqual(first.dx)
  })

  it('refuses a released tape, a foreign tape and wrong lengths, with errors', () => {
    const out = kernels.rnnForward(args)
    out.tape!.release()
    expect(() => kernels.rnnBackward({ tape: out.tape!, dy: problem.dy })).toThrow(/released/)
    expect(() => kernels.rnnBackward({ tape: { release() {} }, dy: problem.dy })).toThrow(
      /another engine/
    )
    expect(() => kernels.rnnForward({ ...args, x: new Float32Array(3) })).toThrow(
      /x must have 1024 elements, got 3/
    )
    const live = kernels.rnnForward(args)
    expect(() => kernels.rnnBackward({ tape: live.tape!, dy: new Float32Array(1) })).toThrow(/dy/)
    live.tape!.release()
  })

  it('is unusable after dispose, but tapes made before can still be released', () => {
    const own = createNativeKernels(load.addon!)
    const out = own.rnnForward(args)
    own.dispose()
    own.dispose()
    expect(() => own.rnnForward(args)).toThrow(/disposed/)
    expect(() => own.rnnBackward({ tape: out.tape!, dy: problem.dy })).toThrow(/disposed/)
    out.tape!.release()
  })
})

/** Node hides `gc` unless started with --expose-gc; the flag can be set at run time instead. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}
