/**
 * The conformance suite every `FusedKernels` engine runs in its own test file:
 *
 *   describeKernelConformance('wasm', () => createWasmKernels())
 *
 * It compares the engine with the plain-TypeScript reference (`js-kernels.ts`, itself tested
 * against tfjs-layers and finite differences) on every cell, both directions, odd sizes, T = 1,
 * N = 1, given initial states and training-sized shapes — forward outputs and all gradients — plus
 * GEMM in all four transposes, result ownership, and a tape-release leak check. The checks live in
 * `conformance-checks.ts`; this file only turns them into vitest cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FusedKernels } from './kernels'
import { createJsKernels } from './js-kernels'
import {
  DEFAULT_TOLERANCE,
  checkGemmCase,
  checkInference,
  checkResultsOwned,
  checkRnnCase,
  gemmCases,
  settledTapeGrowth,
  rnnCases,
  tapeBytes,
  type Mismatch,
  type RnnCase
} from './conformance-checks'

export interface ConformanceOptions {
  /** Relative tolerance (see `relativeError`); the issue asks for 1e-4. */
  tolerance?: number
  /** Include the training-sized shapes (LSTM N=32, T=64, I=32, H=128 and kin). Default true. */
  large?: boolean
  /**
   * Bytes the engine holds, for the leak check; default the process's resident set size. An engine
   * with its own heap (WebAssembly memory, a native allocator's counters) can be more precise.
   */
  memoryProbe?: () => number
  /** Per-test timeout in ms (the reference engine is slow on the large shapes). Default 120 000. */
  timeout?: number
}

function describeMismatches(mismatches: Mismatch[]): string {
  return mismatches.map((m) => `${m.what}: ${m.error.toExponential(2)}`).join(', ')
}

/**
 * Declares a `describe` block named `kernel conformance: <name>`; `make` runs once before the
 * tests and the engine is disposed after them.
 */
export function describeKernelConformance(
  name: string,
  make: () => FusedKernels | Promise<FusedKernels>,
  options: ConformanceOptions = {}
): void {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE
  const timeout = options.timeout ?? 120_000
  const cases = rnnCases({ large: options.large ?? true })

  describe(`kernel conformance: ${name}`, () => {
    const reference = createJsKernels()
    let kernels: FusedKernels
    beforeAll(async () => {
      kernels = await make()
    }, timeout)
    afterAll(() => {
      kernels?.dispose()
    })

    it('names itself', () => {
      expect(kernels.name).toMatch(/^[a-z0-9-]+$/)
      expect(kernels.detail.length).toBeGreaterThan(0)
    })

    for (const c of cases) {
      it(
        `${c.label}: forward and gradients match the reference`,
        () => {
          const mismatches = checkRnnCase(kernels, reference, c, tolerance)
          expect(mismatches, describeMismatches(mismatches)).toEqual([])
        },
        timeout
      )
    }

    for (const c of cases.filter((c) => c.label.includes('odd sizes h0'))) {
      it(`${c.label}: inference mode gives the same outputs and no tape`, () => {
        const mismatches = checkInference(kernels, reference, c, tolerance)
        expect(mismatches, describeMismatches(mismatches)).toEqual([])
      })
    }

    it('results belong to the caller: later calls leave them alone', () => {
      for (const c of cases.filter((c) => c.label.includes('medium'))) {
        const mismatches = checkResultsOwned(kernels, c)
        expect(mismatches, `${c.label}: ${describeMismatches(mismatches)}`).toEqual([])
      }
    })

    for (const g of gemmCases()) {
      it(g.label, () => {
        const mismatches = checkGemmCase(kernels, reference, g, tolerance)
        expect(mismatches, describeMismatches(mismatches)).toEqual([])
      })
    }

    it(
      'released tapes free their memory (40 training passes, no growth)',
      async () => {
        const c: RnnCase = {
          label: 'leak',
          cell: 'lstm',
          steps: 16,
          batch: 16,
          inputSize: 32,
          units: 128,
          reverse: false,
          initialState: true,
          seed: 99
        }
        const rounds = 40
        // V8's live heap plus the memory held outside it (typed-array stores, and what native
        // tapes report through Node-API), read after a full collection: RSS also moves with
        // allocator caching and with whatever else the test process does, and made this flaky.
        const probe =
          options.memoryProbe ??
          (() => {
            const usage = process.memoryUsage()
            return usage.heapUsed + usage.external
          })
        // Keeping every tape would grow by ~rounds × tapeBytes; allow a third of that for
        // allocator noise, which is still far below a leak.
        const limit = (rounds * tapeBytes(c)) / 3
        const growth = await settledTapeGrowth(kernels, c, rounds, probe, limit)
        expect(growth).toBeLessThan(limit)
      },
      timeout
    )
  })
}
