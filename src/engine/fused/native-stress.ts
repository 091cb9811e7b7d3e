/**
 * A workout for an engine's memory safety: W1's training step as the fused network calls it
 * (LSTM forward with a tape, the head's four GEMMs, backward, release in `finally`) interleaved with
 * sampling steps (T = 1, N = 1 inference forward and a 1×65×128 GEMM), every caller array a view
 * with guard elements on both sides that must come back untouched.
 *
 * native-signals.test.ts runs it in a child process under `node --cpu-prof`, whose sampler
 * interrupts the kernels with SIGPROF thousands of times a second: that is how oneDNN's GEMM
 * kernels corrupted the heap (native/onednn/src/signal_shield.h), which only showed as a glibc
 * abort in a later free. The guards catch the other way to corrupt memory, a kernel writing past
 * an array it was given.
 */
import { randomArray } from './conformance-checks'
import type { FusedKernels, GemmArgs } from './kernels'
import { Random } from '../tasks/random'

/** W1 (issue #6): char-LSTM, embedding 32, LSTM 128, seq 64, batch 32, softmax over 65. */
const W1 = { steps: 64, batch: 32, inputSize: 32, units: 128, vocab: 65 }
/** Elements before and after each guarded array. */
const GUARD = 16
/** A value no kernel computes: a NaN with a payload. */
const SENTINEL_BITS = 0x7fc0beef

/** Caller arrays carved out of larger buffers whose edges must stay as written. */
class GuardedArrays {
  readonly #buffers: { label: string; store: Float32Array }[] = []

  /** A `length`-element view with GUARD sentinel elements on each side, filled from `values`. */
  take(label: string, length: number, values?: Float32Array): Float32Array {
    const store = new Float32Array(length + 2 * GUARD)
    new Uint32Array(store.buffer).fill(SENTINEL_BITS)
    const view = store.subarray(GUARD, GUARD + length)
    if (values) view.set(values)
    else view.fill(0)
    this.#buffers.push({ label, store })
    return view
  }

  /** Labels of the arrays whose guard elements were overwritten. */
  damaged(): string[] {
    return this.#buffers
      .filter(({ store }) => {
        const bits = new Uint32Array(store.buffer)
        for (let i = 0; i < GUARD; i++) {
          if (bits[i] !== SENTINEL_BITS || bits[bits.length - 1 - i] !== SENTINEL_BITS) return true
        }
        return false
      })
      .map(({ label }) => label)
  }
}

function gemm(kernels: FusedKernels, args: GemmArgs): void {
  kernels.gemm(args)
}

/**
 * Runs `rounds` W1 training passes, each followed by `samplesPerRound` sampling steps; returns the
 * labels of caller arrays whose guards were overwritten (empty when all is well). Throws whatever
 * the kernels throw.
 */
export function stressKernels(
  kernels: FusedKernels,
  rounds: number,
  samplesPerRound = 4
): string[] {
  const { steps: T, batch: N, inputSize: I, units: H, vocab: V } = W1
  const random = new Random(11)
  const guarded = new GuardedArrays()
  const scale = 1 / Math.sqrt(I + H)
  const weights = {
    kernel: guarded.take('kernel', I * 4 * H, randomArray(random, I * 4 * H, scale)),
    recurrentKernel: guarded.take(
      'recurrentKernel',
      H * 4 * H,
      randomArray(random, H * 4 * H, scale)
    ),
    bias: guarded.take('bias', 4 * H, randomArray(random, 4 * H, 0.5))
  }
  const headKernel = guarded.take('headKernel', H * V, randomArray(random, H * V, 0.1))
  const x = guarded.take('x', T * N * I, randomArray(random, T * N * I))
  const logits = guarded.take('logits', T * N * V)
  const dLogits = guarded.take('dLogits', T * N * V, randomArray(random, T * N * V, 0.01))
  const ones = guarded.take('ones', T * N, new Float32Array(T * N).fill(1))
  const gHeadKernel = guarded.take('gHeadKernel', H * V)
  const gHeadBias = guarded.take('gHeadBias', V)
  const dy = guarded.take('dy', T * N * H)
  const sampleX = guarded.take('sampleX', I, randomArray(random, I))
  const sampleLogits = guarded.take('sampleLogits', V)
  let h = guarded.take('h', H)
  let c = guarded.take('c', H)

  for (let round = 0; round < rounds; round++) {
    const out = kernels.rnnForward({
      cell: 'lstm',
      ...W1,
      weights,
      x,
      reverse: false,
      training: true
    })
    try {
      gemm(kernels, {
        transA: false,
        transB: false,
        m: T * N,
        n: V,
        k: H,
        alpha: 1,
        a: out.y,
        b: headKernel,
        beta: 0,
        c: logits
      })
      gemm(kernels, {
        transA: true,
        transB: false,
        m: H,
        n: V,
        k: T * N,
        alpha: 1,
        a: out.y,
        b: dLogits,
        beta: 0,
        c: gHeadKernel
      })
      gemm(kernels, {
        transA: false,
        transB: false,
        m: 1,
        n: V,
        k: T * N,
        alpha: 1,
        a: ones,
        b: dLogits,
        beta: 0,
        c: gHeadBias
      })
      gemm(kernels, {
        transA: false,
        transB: true,
        m: T * N,
        n: H,
        k: V,
        alpha: 1,
        a: dLogits,
        b: headKernel,
        beta: 0,
        c: dy
      })
      kernels.rnnBackward({ tape: out.tape!, dy })
    } finally {
      out.tape?.release()
    }
    for (let s = 0; s < samplesPerRound; s++) {
      const step = kernels.rnnForward({
        cell: 'lstm',
        steps: 1,
        batch: 1,
        inputSize: I,
        units: H,
        weights,
        x: sampleX,
        h0: h,
        c0: c,
        reverse: false,
        training: false
      })
      h = guarded.take('h', H, step.hT)
      c = guarded.take('c', H, step.cT)
      gemm(kernels, {
        transA: false,
        transB: false,
        m: 1,
        n: V,
        k: H,
        alpha: 1,
        a: h,
        b: headKernel,
        beta: 0,
        c: sampleLogits
      })
    }
  }
  return guarded.damaged()
}
