/**
 * The conformance checks must catch broken engines, or passing them proves nothing. Each double
 * below wraps the reference engine and breaks one promise of `kernels.ts`.
 */
import { describe, expect, it } from 'vitest'
import type { FusedKernels, RnnForwardArgs, RnnTape } from './kernels'
import { createJsKernels } from './js-kernels'
import {
  checkGemmCase,
  checkInference,
  checkResultsOwned,
  checkRnnCase,
  gemmCases,
  measureTapeGrowth,
  relativeError,
  rnnCases,
  tapeBytes,
  type RnnCase
} from './conformance-checks'

const reference = createJsKernels()
const small = rnnCases({ large: false })
const byLabel = (label: string): RnnCase => small.find((c) => c.label === label)!

function wrap(overrides: Partial<FusedKernels>): FusedKernels {
  return { ...createJsKernels(), name: 'broken', ...overrides }
}

describe('relativeError', () => {
  it('scales by the largest reference value, floored at 1, and refuses non-finite values', () => {
    expect(relativeError([1, 2], [1, 2])).toBe(0)
    expect(relativeError([0.5, 0], [0, 0])).toBe(0.5)
    expect(relativeError([10, 0], [20, 1])).toBe(0.5)
    expect(relativeError([NaN], [1])).toBe(Infinity)
    expect(relativeError([1], [1, 2])).toBe(Infinity)
  })
})

describe('conformance checks catch broken engines', () => {
  it('passes the reference itself on every small case', () => {
    for (const c of small) expect(checkRnnCase(reference, reference, c), c.label).toEqual([])
  })

  it('an engine that ignores `reverse` fails reversed cases', () => {
    const engine = wrap({
      rnnForward: (args) => reference.rnnForward({ ...args, reverse: false })
    })
    const what = checkRnnCase(engine, reference, byLabel('lstm odd sizes reverse')).map(
      (m) => m.what
    )
    expect(what).toContain('y')
    expect(what).toContain('dKernel')
  })

  it('an engine that ignores h0 fails the initial-state cases', () => {
    const engine = wrap({
      rnnForward: (args) => reference.rnnForward({ ...args, h0: undefined })
    })
    expect(checkRnnCase(engine, reference, byLabel('gru odd sizes h0'))).not.toEqual([])
  })

  it('an engine that rereads its arguments at backward time fails', () => {
    // Keeps the caller's arrays and replays the forward pass inside backward.
    const kept = new Map<RnnTape, RnnForwardArgs>()
    const engine = wrap({
      rnnForward: (args) => {
        const out = reference.rnnForward(args)
        if (out.tape) kept.set(out.tape, args)
        return out
      },
      rnnBackward: ({ tape, dy }) => {
        const replay = reference.rnnForward(kept.get(tape)!)
        return reference.rnnBackward({ tape: replay.tape!, dy })
      }
    })
    const what = checkRnnCase(engine, reference, byLabel('rnn-tanh odd sizes')).map((m) => m.what)
    expect(what).toContain('dKernel')
  })

  it('an engine that returns a tape in inference mode fails', () => {
    const engine = wrap({
      rnnForward: (args) => reference.rnnForward({ ...args, training: true })
    })
    expect(checkInference(engine, reference, byLabel('lstm odd sizes h0'))).not.toEqual([])
  })

  it('an engine that reuses its output buffer across calls fails', () => {
    let shared: Float32Array | null = null
    const engine = wrap({
      rnnForward: (args) => {
        const out = reference.rnnForward(args)
        shared ??= new Float32Array(out.y.length)
        shared.set(out.y)
        return { ...out, y: shared }
      }
    })
    const what = checkResultsOwned(engine, byLabel('lstm medium h0')).map((m) => m.what)
    expect(what).toEqual(['y changed by a later call'])
  })

  it('a GEMM that reads C when beta is 0, or drops alpha, fails', () => {
    const readsC = wrap({
      gemm: (args) => {
        const keep = args.c.slice()
        reference.gemm(args)
        for (let i = 0; i < keep.length; i++) args.c[i] += 0 * keep[i]
      }
    })
    const beta0 = gemmCases().find((g) => g.beta === 0)!
    expect(checkGemmCase(readsC, reference, beta0)).not.toEqual([])
    const dropsAlpha = wrap({ gemm: (args) => reference.gemm({ ...args, alpha: 1 }) })
    const scaled = gemmCases().find((g) => g.alpha !== 1)!
    expect(checkGemmCase(dropsAlpha, reference, scaled)).not.toEqual([])
  })

  it('a leaking engine shows growth of about one tape per round', () => {
    const c: RnnCase = { ...byLabel('lstm medium h0'), batch: 16, units: 64 }
    const leaked: Float32Array[] = []
    const engine = wrap({
      rnnForward: (args) => {
        // What a native engine that never frees its tape looks like from the outside.
        leaked.push(new Float32Array(tapeBytes(c) / 4).fill(1))
        return reference.rnnForward(args)
      }
    })
    const rounds = 20
    const growth = measureTapeGrowth(engine, c, rounds, () => process.memoryUsage().rss)
    expect(growth).toBeGreaterThan((rounds * tapeBytes(c)) / 3)
    expect(leaked.length).toBe(rounds + 5)
  })
})
