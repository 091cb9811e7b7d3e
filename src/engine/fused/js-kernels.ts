/**
 * The reference engine: every kernel of `kernels.ts` in plain TypeScript, written like the
 * equations, one time step and one batch row at a time, accumulating in float64. It is the
 * yardstick the native and WebAssembly engines are tested against (`conformance.ts`) and the
 * fallback of last resort; it is not meant to be fast.
 *
 * Per step, with `a` the pre-activations `[N, G·H]` (gate blocks side by side, Keras order):
 *
 *   rnn   a = x·W + h·U + b;  h' = act(a)
 *   lstm  a = x·W + h·U + b;  i,f,o = σ(a_i,a_f,a_o), g = tanh(a_c);  c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
 *   gru   a_zr = x·W_zr + h·U_zr + b_zr;  z,r = σ(a_z,a_r)
 *         a_h = x·W_h + (r⊙h)·U_h + b_h;  g = tanh(a_h);  h' = z⊙h + (1−z)⊙g
 *
 * The backward pass walks the same steps in the opposite order and applies the chain rule to each
 * line above; the tape keeps every step's input state and activated gates.
 */
import type {
  FusedCell,
  FusedKernels,
  GemmArgs,
  RnnBackwardArgs,
  RnnForwardArgs,
  RnnForwardResult,
  RnnGradients,
  RnnLayerShape,
  RnnTape
} from './kernels'
import { GATES } from './kernels'

/** What backward needs from one training forward pass; all copies, so callers may reuse inputs. */
interface JsTapeData extends RnnLayerShape {
  reverse: boolean
  x: Float32Array
  kernel: Float32Array
  recurrentKernel: Float32Array
  /** `[T, N, H]`: the state each step read (h_{t−1} in processing order). */
  hPrev: Float64Array
  /** `[T, N, H]`: LSTM cell state each step read. */
  cPrev: Float64Array | null
  /** `[T, N, H]`: LSTM cell state each step wrote. */
  cNext: Float64Array | null
  /** `[T, N, H]`: the state each step wrote. */
  hNext: Float64Array
  /** `[T, N, G·H]`: activated gates (rnn: h' itself; lstm: i,f,g,o; gru: z,r,g). */
  gates: Float64Array
}

class JsTape implements RnnTape {
  data: JsTapeData | null
  constructor(data: JsTapeData) {
    this.data = data
  }
  release(): void {
    this.data = null
  }
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v))
}

/** Time indices in processing order. */
function stepOrder(steps: number, reverse: boolean): number[] {
  const order = Array.from({ length: steps }, (_, i) => i)
  return reverse ? order.reverse() : order
}

/**
 * `out[n, j] += Σ_i v[n, i] · m[i, offset + j]` for `j < width`: one row block times a column
 * slice of a `[rows, cols]` matrix, the shape of every matmul in a recurrent step.
 */
function addRowTimesMatrix(
  v: ArrayLike<number>,
  vOffset: number,
  rows: number,
  m: Float32Array,
  cols: number,
  colOffset: number,
  width: number,
  out: Float64Array,
  outOffset: number
): void {
  for (let i = 0; i < rows; i++) {
    const vi = v[vOffset + i]
    if (vi === 0) continue
    const base = i * cols + colOffset
    for (let j = 0; j < width; j++) out[outOffset + j] += vi * m[base + j]
  }
}

function forward(args: RnnForwardArgs): RnnForwardResult {
  const { cell, steps: T, batch: N, inputSize: I, units: H, weights } = args
  const G = GATES[cell]
  const GH = G * H
  const { kernel: W, recurrentKernel: U, bias: b } = weights
  checkLength('x', args.x, T * N * I)
  checkLength('kernel', W, I * GH)
  checkLength('recurrentKernel', U, H * GH)
  checkLength('bias', b, GH)
  if (args.h0) checkLength('h0', args.h0, N * H)
  if (args.c0) checkLength('c0', args.c0, N * H)

  const lstm = cell === 'lstm'
  const y = new Float32Array(T * N * H)
  const hPrev = new Float64Array(T * N * H)
  const hNext = new Float64Array(T * N * H)
  const gates = new Float64Array(T * N * GH)
  const cPrev = lstm ? new Float64Array(T * N * H) : null
  const cNext = lstm ? new Float64Array(T * N * H) : null
  const h = new Float64Array(N * H)
  const c = new Float64Array(N * H)
  if (args.h0) h.set(args.h0)
  if (lstm && args.c0) c.set(args.c0)
  const a = new Float64Array(GH)
  const rh = new Float64Array(H)

  for (const t of stepOrder(T, args.reverse)) {
    const stateBase = t * N * H
    hPrev.set(h, stateBase)
    if (cPrev) cPrev.set(c, stateBase)
    for (let n = 0; n < N; n++) {
      const hRow = n * H
      const xRow = (t * N + n) * I
      const gRow = (t * N + n) * GH
      for (let j = 0; j < GH; j++) a[j] = b[j]
      addRowTimesMatrix(args.x, xRow, I, W, GH, 0, GH, a, 0)
      if (cell === 'gru') {
        // Only the z and r blocks see h directly; the candidate sees r⊙h.
        addRowTimesMatrix(h, hRow, H, U, GH, 0, 2 * H, a, 0)
        for (let j = 0; j < 2 * H; j++) gates[gRow + j] = sigmoid(a[j])
        for (let j = 0; j < H; j++) rh[j] = gates[gRow + H + j] * h[hRow + j]
        addRowTimesMatrix(rh, 0, H, U, GH, 2 * H, H, a, 2 * H)
        for (let j = 0; j < H; j++) gates[gRow + 2 * H + j] = Math.tanh(a[2 * H + j])
      } else {
        addRowTimesMatrix(h, hRow, H, U, GH, 0, GH, a, 0)
      }
      // The new state goes into a row buffer first: later rows still read h and c of this step.
      for (let j = 0; j < H; j++) {
        const s = stateBase + hRow + j
        let hj: number
        switch (cell) {
          case 'rnn-tanh':
            hj = gates[gRow + j] = Math.tanh(a[j])
            break
          case 'rnn-relu':
            hj = gates[gRow + j] = a[j] > 0 ? a[j] : 0
            break
          case 'lstm': {
            const i = (gates[gRow + j] = sigmoid(a[j]))
            const f = (gates[gRow + H + j] = sigmoid(a[H + j]))
            const g = (gates[gRow + 2 * H + j] = Math.tanh(a[2 * H + j]))
            const o = (gates[gRow + 3 * H + j] = sigmoid(a[3 * H + j]))
            const cj = f * c[hRow + j] + i * g
            cNext![s] = cj
            hj = o * Math.tanh(cj)
            break
          }
          case 'gru': {
            const z = gates[gRow + j]
            hj = z * h[hRow + j] + (1 - z) * gates[gRow + 2 * H + j]
            break
          }
        }
        hNext[s] = hj
        y[s] = hj
      }
    }
    h.set(hNext.subarray(stateBase, stateBase + N * H))
    if (cNext) c.set(cNext.subarray(stateBase, stateBase + N * H))
  }

  const result: RnnForwardResult = {
    y,
    hT: Float32Array.from(h),
    tape: null
  }
  if (lstm) result.cT = Float32Array.from(c)
  if (args.training) {
    result.tape = new JsTape({
      cell,
      steps: T,
      batch: N,
      inputSize: I,
      units: H,
      reverse: args.reverse,
      x: Float32Array.from(args.x),
      kernel: Float32Array.from(W),
      recurrentKernel: Float32Array.from(U),
      hPrev,
      cPrev,
      cNext,
      hNext,
      gates
    })
  }
  return result
}

function backward(args: RnnBackwardArgs): RnnGradients {
  if (!(args.tape instanceof JsTape)) throw new Error('js kernels: tape from another engine')
  const tape = args.tape.data
  if (tape === null) throw new Error('js kernels: tape already released')
  const { cell, steps: T, batch: N, inputSize: I, units: H, x } = tape
  const W = tape.kernel
  const U = tape.recurrentKernel
  const G = GATES[cell]
  const GH = G * H
  checkLength('dy', args.dy, T * N * H)

  const dW = new Float64Array(I * GH)
  const dU = new Float64Array(H * GH)
  const db = new Float64Array(GH)
  const dx = new Float32Array(T * N * I)
  /** ∂loss/∂h and ∂loss/∂c flowing into the step processed before this one. */
  const dhCarry = new Float64Array(N * H)
  const dcCarry = new Float64Array(N * H)
  const dhNew = new Float64Array(N * H)
  const da = new Float64Array(GH)
  const drh = new Float64Array(H)
  const rh = new Float64Array(H)
  const dxRow = new Float64Array(I)

  for (const t of stepOrder(T, tape.reverse).reverse()) {
    const stateBase = t * N * H
    dhNew.fill(0)
    for (let n = 0; n < N; n++) {
      const hRow = n * H
      const gRow = (t * N + n) * GH
      const xRow = (t * N + n) * I
      const hp = stateBase + hRow
      // Pre-activation gradients of this row; also the parts of ∂h_{t−1} that skip the matmuls.
      for (let j = 0; j < H; j++) {
        const dh = args.dy[hp + j] + dhCarry[hRow + j]
        switch (cell) {
          case 'rnn-tanh': {
            const hj = tape.gates[gRow + j]
            da[j] = dh * (1 - hj * hj)
            break
          }
          case 'rnn-relu':
            da[j] = tape.gates[gRow + j] > 0 ? dh : 0
            break
          case 'lstm': {
            const i = tape.gates[gRow + j]
            const f = tape.gates[gRow + H + j]
            const g = tape.gates[gRow + 2 * H + j]
            const o = tape.gates[gRow + 3 * H + j]
            const tc = Math.tanh(tape.cNext![hp + j])
            const dc = dcCarry[hRow + j] + dh * o * (1 - tc * tc)
            da[j] = dc * g * i * (1 - i)
            da[H + j] = dc * tape.cPrev![hp + j] * f * (1 - f)
            da[2 * H + j] = dc * i * (1 - g * g)
            da[3 * H + j] = dh * tc * o * (1 - o)
            dcCarry[hRow + j] = dc * f
            break
          }
          case 'gru': {
            const z = tape.gates[gRow + j]
            const g = tape.gates[gRow + 2 * H + j]
            da[j] = dh * (tape.hPrev[hp + j] - g) * z * (1 - z)
            da[2 * H + j] = dh * (1 - z) * (1 - g * g)
            dhNew[hRow + j] += dh * z
            break
          }
        }
      }
      if (cell === 'gru') {
        // Candidate path: a_h gets (r⊙h)·U_h, so ∂(r⊙h) = da_h·U_hᵀ, then ∂r and ∂h split it.
        for (let k = 0; k < H; k++) {
          let s = 0
          for (let j = 0; j < H; j++) s += da[2 * H + j] * U[k * GH + 2 * H + j]
          drh[k] = s
          const r = tape.gates[gRow + H + k]
          const hk = tape.hPrev[hp + k]
          rh[k] = r * hk
          da[H + k] = s * hk * r * (1 - r)
          dhNew[hRow + k] += s * r
        }
        for (let k = 0; k < H; k++) {
          const v = rh[k]
          for (let j = 0; j < H; j++) dU[k * GH + 2 * H + j] += v * da[2 * H + j]
        }
      }
      // Weight gradients and the recurrent part of ∂h_{t−1}.
      const recurrentWidth = cell === 'gru' ? 2 * H : GH
      for (let k = 0; k < H; k++) {
        const hk = tape.hPrev[hp + k]
        let s = 0
        for (let j = 0; j < recurrentWidth; j++) {
          dU[k * GH + j] += hk * da[j]
          s += da[j] * U[k * GH + j]
        }
        dhNew[hRow + k] += s
      }
      for (let j = 0; j < GH; j++) db[j] += da[j]
      for (let k = 0; k < I; k++) {
        const xk = x[xRow + k]
        let s = 0
        for (let j = 0; j < GH; j++) {
          dW[k * GH + j] += xk * da[j]
          s += da[j] * W[k * GH + j]
        }
        dxRow[k] = s
      }
      for (let k = 0; k < I; k++) dx[xRow + k] = dxRow[k]
    }
    dhCarry.set(dhNew)
  }
  return {
    dx,
    kernel: Float32Array.from(dW),
    recurrentKernel: Float32Array.from(dU),
    bias: Float32Array.from(db)
  }
}

function gemm(args: GemmArgs): void {
  const { transA, transB, m, n, k, alpha, beta, a, b, c } = args
  checkLength('a', a, m * k)
  checkLength('b', b, k * n)
  checkLength('c', c, m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p]
        const bv = transB ? b[j * k + p] : b[p * n + j]
        s += av * bv
      }
      // beta 0 must not read c: its old contents may be NaN.
      c[i * n + j] = beta === 0 ? alpha * s : alpha * s + beta * c[i * n + j]
    }
  }
}

function checkLength(name: string, array: ArrayLike<number>, expected: number): void {
  if (array.length < expected) {
    throw new Error(`js kernels: ${name} has ${array.length} values, needs ${expected}`)
  }
}

/** The cells this engine runs (all of them); exported for tests that loop over cells. */
export const FUSED_CELLS: readonly FusedCell[] = ['rnn-tanh', 'rnn-relu', 'lstm', 'gru']

/** The plain-TypeScript reference engine (`name: 'js'`). Stateless, so dispose does nothing. */
export function createJsKernels(): FusedKernels {
  return {
    name: 'js',
    detail: 'plain TypeScript reference, float64 accumulation',
    rnnForward: forward,
    rnnBackward: backward,
    gemm,
    dispose: () => {}
  }
}
