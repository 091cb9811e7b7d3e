/**
 * The checks behind the kernel conformance suite, as plain functions that return what differs, so
 * they can be tested themselves (a deliberately broken engine must fail them) and reused by the
 * vitest wrapper in `conformance.ts`.
 *
 * Every check runs the candidate engine and the plain-TypeScript reference (`js-kernels.ts`) on the
 * same seeded random inputs and compares with one metric: `max|a − b| / max(1, max|ref|)`. Relative
 * to the largest reference value, not element-wise, because float32 sums of hundreds of terms
 * differ from float64 ones by ~1e-6 of their magnitude while individual entries can be near zero;
 * the `max(1, …)` floor keeps tiny gradients from turning rounding into failure.
 */
import type { FusedCell, FusedKernels, GemmArgs, RnnLayerShape, RnnWeights } from './kernels'
import { GATES } from './kernels'
import { Random } from '../tasks/random'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** One layer-direction problem: a shape plus what varies around it. */
export interface RnnCase extends RnnLayerShape {
  /** Test name, e.g. `lstm odd sizes reverse`. */
  label: string
  reverse: boolean
  /** Pass a random initial state (and LSTM cell state). */
  initialState: boolean
  seed: number
}

/** One GEMM problem. */
export interface GemmCase {
  label: string
  transA: boolean
  transB: boolean
  m: number
  n: number
  k: number
  alpha: number
  beta: number
  seed: number
}

/** A named comparison that went over tolerance. */
export interface Mismatch {
  what: string
  error: number
}

/** Default tolerance of the issue: 1e-4 relative. */
export const DEFAULT_TOLERANCE = 1e-4

/** `max|a − b| / max(1, max|ref|)`; Infinity when lengths differ or anything is not finite. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) return Infinity
  let diff = 0
  let scale = 1
  for (let i = 0; i < reference.length; i++) {
    const a = actual[i]
    const r = reference[i]
    if (!Number.isFinite(a) || !Number.isFinite(r)) return Infinity
    diff = Math.max(diff, Math.abs(a - r))
    scale = Math.max(scale, Math.abs(r))
  }
  return diff / scale
}

/** Uniform values in `[-scale, scale)` from a seeded generator. */
export function randomArray(random: Random, length: number, scale = 1): Float32Array {
  const out = new Float32Array(length)
  for (let i = 0; i < length; i++) out[i] = (random.next() * 2 - 1) * scale
  return out
}

/** Everything one RNN case feeds the kernels. */
export interface RnnProblem {
  weights: RnnWeights
  x: Float32Array
  h0?: Float32Array
  c0?: Float32Array
  /** Upstream gradient `[T, N, H]`. */
  dy: Float32Array
}

/**
 * Seeded inputs for a case. Weights are scaled by 1/√(I + H) (Glorot-like), so activations stay in
 * the range where tanh and sigmoid have useful slopes and relu RNNs do not blow up over 64 steps.
 */
export function makeRnnProblem(c: RnnCase): RnnProblem {
  const random = new Random(c.seed)
  const G = GATES[c.cell]
  const H = c.units
  const scale = 1 / Math.sqrt(c.inputSize + H)
  const problem: RnnProblem = {
    weights: {
      kernel: randomArray(random, c.inputSize * G * H, scale),
      recurrentKernel: randomArray(random, H * G * H, scale),
      bias: randomArray(random, G * H, 0.5)
    },
    x: randomArray(random, c.steps * c.batch * c.inputSize),
    dy: randomArray(random, c.steps * c.batch * H)
  }
  if (c.initialState) {
    problem.h0 = randomArray(random, c.batch * H, 0.8)
    if (c.cell === 'lstm') problem.c0 = randomArray(random, c.batch * H, 1.5)
  }
  return problem
}

/** The cases every engine must pass; `large` adds the training-sized shapes. */
export function rnnCases(options: { large: boolean }): RnnCase[] {
  const cells: FusedCell[] = ['rnn-tanh', 'rnn-relu', 'lstm', 'gru']
  const cases: RnnCase[] = []
  let seed = 1
  for (const cell of cells) {
    for (const reverse of [false, true]) {
      const dir = reverse ? ' reverse' : ''
      const odd = { cell, inputSize: 3, units: 5, batch: 2, steps: 7, reverse }
      cases.push({ ...odd, label: `${cell} odd sizes${dir}`, initialState: false, seed: seed++ })
      cases.push({ ...odd, label: `${cell} odd sizes h0${dir}`, initialState: true, seed: seed++ })
      cases.push({
        cell,
        inputSize: 4,
        units: 6,
        batch: 3,
        steps: 1,
        reverse,
        label: `${cell} T=1 h0${dir}`,
        initialState: true,
        seed: seed++
      })
      cases.push({
        cell,
        inputSize: 5,
        units: 3,
        batch: 1,
        steps: 9,
        reverse,
        label: `${cell} N=1${dir}`,
        initialState: false,
        seed: seed++
      })
      cases.push({
        cell,
        inputSize: 17,
        units: 33,
        batch: 5,
        steps: 11,
        reverse,
        label: `${cell} medium h0${dir}`,
        initialState: true,
        seed: seed++
      })
    }
  }
  if (options.large) {
    const large = { steps: 64, batch: 32, inputSize: 32, units: 128, initialState: false }
    cases.push({ ...large, cell: 'lstm', reverse: false, label: 'lstm large (W1)', seed: seed++ })
    cases.push({ ...large, cell: 'lstm', reverse: true, label: 'lstm large reverse', seed: seed++ })
    cases.push({ ...large, cell: 'gru', reverse: false, label: 'gru large', seed: seed++ })
    cases.push({ ...large, cell: 'rnn-tanh', reverse: true, label: 'rnn-tanh large', seed })
  }
  return cases
}

/** GEMM in all four transposes, odd sizes, beta 0 and 1, plus one head-sized product. */
export function gemmCases(): GemmCase[] {
  const cases: GemmCase[] = []
  let seed = 1000
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const beta of [0, 1]) {
        const label = `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} beta ${beta}`
        cases.push({ label, transA, transB, m: 7, n: 5, k: 3, alpha: 1, beta, seed: seed++ })
        cases.push({
          label: `${label} 33×65×129 alpha 0.5`,
          transA,
          transB,
          m: 33,
          n: 65,
          k: 129,
          alpha: 0.5,
          beta,
          seed: seed++
        })
      }
      cases.push({
        label: `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} 1×1×1`,
        transA,
        transB,
        m: 1,
        n: 1,
        k: 1,
        alpha: 2,
        beta: 1,
        seed: seed++
      })
    }
  }
  cases.push({
    label: 'gemm head 2048×65×128',
    transA: false,
    transB: false,
    m: 2048,
    n: 65,
    k: 128,
    alpha: 1,
    beta: 0,
    seed
  })
  return cases
}

function forwardArgs(c: RnnCase, p: RnnProblem, training: boolean) {
  return {
    cell: c.cell,
    steps: c.steps,
    batch: c.batch,
    inputSize: c.inputSize,
    units: c.units,
    weights: p.weights,
    x: p.x,
    reverse: c.reverse,
    h0: p.h0,
    c0: p.c0,
    training
  }
}

/**
 * Forward (y, hT, cT) and every gradient (dx, kernel, recurrent kernel, bias) of one case against
 * the reference. The candidate's inputs are copies that are scribbled over between its forward and
 * backward calls: kernels must not keep references to their arguments.
 */
export function checkRnnCase(
  candidate: FusedKernels,
  reference: FusedKernels,
  c: RnnCase,
  tolerance = DEFAULT_TOLERANCE
): Mismatch[] {
  const p = makeRnnProblem(c)
  const want = reference.rnnForward(forwardArgs(c, p, true))
  const wantGrads = reference.rnnBackward({ tape: want.tape!, dy: p.dy })
  want.tape!.release()

  const copy: RnnProblem = {
    weights: {
      kernel: p.weights.kernel.slice(),
      recurrentKernel: p.weights.recurrentKernel.slice(),
      bias: p.weights.bias.slice()
    },
    x: p.x.slice(),
    h0: p.h0?.slice(),
    c0: p.c0?.slice(),
    dy: p.dy.slice()
  }
  const got = candidate.rnnForward(forwardArgs(c, copy, true))
  for (const array of [copy.x, copy.h0, copy.c0, ...Object.values(copy.weights)]) array?.fill(7)
  const mismatches: Mismatch[] = []
  const compare = (what: string, actual: ArrayLike<number> | undefined, ref: ArrayLike<number>) => {
    const error = actual === undefined ? Infinity : relativeError(actual, ref)
    if (!(error <= tolerance)) mismatches.push({ what, error })
  }
  compare('y', got.y, want.y)
  compare('hT', got.hT, want.hT)
  if (c.cell === 'lstm') compare('cT', got.cT, want.cT!)
  if (got.tape === null) {
    mismatches.push({ what: 'tape (null in training)', error: Infinity })
    return mismatches
  }
  const grads = candidate.rnnBackward({ tape: got.tape, dy: copy.dy })
  got.tape.release()
  compare('dx', grads.dx, wantGrads.dx)
  compare('dKernel', grads.kernel, wantGrads.kernel)
  compare('dRecurrentKernel', grads.recurrentKernel, wantGrads.recurrentKernel)
  compare('dBias', grads.bias, wantGrads.bias)
  return mismatches
}

/** Inference mode: no tape, same outputs as training mode. */
export function checkInference(
  candidate: FusedKernels,
  reference: FusedKernels,
  c: RnnCase,
  tolerance = DEFAULT_TOLERANCE
): Mismatch[] {
  const p = makeRnnProblem(c)
  const want = reference.rnnForward(forwardArgs(c, p, false))
  const got = candidate.rnnForward(forwardArgs(c, p, false))
  const mismatches: Mismatch[] = []
  if (got.tape !== null) {
    got.tape.release()
    mismatches.push({ what: 'tape (present in inference)', error: Infinity })
  }
  for (const [what, a, r] of [
    ['y', got.y, want.y],
    ['hT', got.hT, want.hT]
  ] as const) {
    const error = relativeError(a, r)
    if (!(error <= tolerance)) mismatches.push({ what, error })
  }
  return mismatches
}

/**
 * Results belong to the caller: a second call (different inputs) must leave the first call's
 * `y`, `hT` and gradients as they were, because the network keeps a lower layer's output while
 * running the next one, and one direction's while running the other.
 */
export function checkResultsOwned(candidate: FusedKernels, c: RnnCase): Mismatch[] {
  const p1 = makeRnnProblem(c)
  const p2 = makeRnnProblem({ ...c, seed: c.seed + 7919 })
  const first = candidate.rnnForward(forwardArgs(c, p1, true))
  const y = first.y.slice()
  const hT = first.hT.slice()
  const g1 = candidate.rnnBackward({ tape: first.tape!, dy: p1.dy })
  const dKernel = g1.kernel.slice()
  const dx = g1.dx.slice()
  const second = candidate.rnnForward(forwardArgs(c, p2, true))
  candidate.rnnBackward({ tape: second.tape!, dy: p2.dy })
  second.tape!.release()
  first.tape!.release()
  const mismatches: Mismatch[] = []
  for (const [what, now, before] of [
    ['y', first.y, y],
    ['hT', first.hT, hT],
    ['dKernel', g1.kernel, dKernel],
    ['dx', g1.dx, dx]
  ] as const) {
    const error = relativeError(now, before)
    if (error !== 0) mismatches.push({ what: `${what} changed by a later call`, error })
  }
  return mismatches
}

/** Everything a GEMM case feeds the kernels; `c` starts NaN so beta 0 proves it is not read. */
export function makeGemmProblem(g: GemmCase): GemmArgs {
  const random = new Random(g.seed)
  const a = randomArray(random, g.m * g.k)
  const b = randomArray(random, g.k * g.n)
  const c = g.beta === 0 ? new Float32Array(g.m * g.n).fill(NaN) : randomArray(random, g.m * g.n)
  return {
    transA: g.transA,
    transB: g.transB,
    m: g.m,
    n: g.n,
    k: g.k,
    alpha: g.alpha,
    beta: g.beta,
    a,
    b,
    c
  }
}

export function checkGemmCase(
  candidate: FusedKernels,
  reference: FusedKernels,
  g: GemmCase,
  tolerance = DEFAULT_TOLERANCE
): Mismatch[] {
  const want = makeGemmProblem(g)
  const got = { ...want, a: want.a.slice(), b: want.b.slice(), c: want.c.slice() }
  reference.gemm(want)
  candidate.gemm(got)
  const error = relativeError(got.c, want.c)
  return error <= tolerance ? [] : [{ what: g.label, error }]
}

/**
 * Memory after `rounds` forward + backward + release cycles minus memory after a warm-up, in bytes,
 * as measured by `probe` (default: resident set size). A tape that is never freed (native or
 * WebAssembly memory) shows up as growth of about `rounds` tapes.
 */
export function measureTapeGrowth(
  candidate: FusedKernels,
  c: RnnCase,
  rounds: number,
  probe: () => number
): number {
  const cycle = tapeCycle(candidate, c)
  for (let i = 0; i < 5; i++) cycle()
  collectGarbage()
  const before = probe()
  for (let i = 0; i < rounds; i++) cycle()
  collectGarbage()
  return probe() - before
}

/** One training forward + backward + release of case `c`, as the network uses tapes. */
function tapeCycle(candidate: FusedKernels, c: RnnCase): () => void {
  const p = makeRnnProblem(c)
  return () => {
    const out = candidate.rnnForward(forwardArgs(c, p, true))
    candidate.rnnBackward({ tape: out.tape!, dy: p.dy })
    out.tape!.release()
    // Release is idempotent (the network's error paths may release twice).
    out.tape!.release()
  }
}

/**
 * {@link measureTapeGrowth}, read again after short waits while it is over `limit`: V8 frees the
 * stores of collected typed arrays on a background thread, so on a loaded machine a reading right
 * after a collection can still count them. A real leak stays over the limit however long we wait.
 */
export async function settledTapeGrowth(
  candidate: FusedKernels,
  c: RnnCase,
  rounds: number,
  probe: () => number,
  limit: number
): Promise<number> {
  const cycle = tapeCycle(candidate, c)
  for (let i = 0; i < 5; i++) cycle()
  collectGarbage()
  const before = probe()
  for (let i = 0; i < rounds; i++) cycle()
  let growth = Infinity
  for (let attempt = 0; attempt < 10 && growth >= limit; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100))
    collectGarbage()
    growth = probe() - before
  }
  return growth
}

let gcFunction: (() => void) | null = null

/**
 * A full collection before each reading, so garbage JS arrays (the reference engine's tapes) do
 * not pass for leaks. Node hides `gc` unless started with --expose-gc; the flag can be set at run
 * time and the function then read from a fresh context (the V8 docs' documented escape hatch).
 */
export function collectGarbage(): void {
  if (gcFunction === null) {
    setFlagsFromString('--expose-gc')
    gcFunction = runInNewContext('gc') as () => void
  }
  gcFunction()
}

/** Bytes of one case's tape-sized buffers (its gates over all steps), for growth bounds. */
export function tapeBytes(c: RnnLayerShape): number {
  return c.steps * c.batch * c.units * (GATES[c.cell] + 3) * 4
}
