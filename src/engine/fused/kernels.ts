/**
 * The one interface every fused recurrent engine implements: whole-sequence kernels for one
 * recurrent layer in one direction, forward and backward-through-time, plus a row-major GEMM for
 * the dense head. The network around them (embedding, stacking, bidirectional merges, dropout,
 * head, loss) is composed once in TypeScript (`network.ts`), so the native oneDNN engine, the
 * WebAssembly SIMD engine and the plain-JS reference engine differ only here.
 *
 * Conventions (all engines, all tests):
 * - Sequences are time-major: `x` is `[T, N, I]`, `y` is `[T, N, H]`, row-major float32.
 * - Weights are in tfjs-layers' (= Keras's) layout and gate order, so checkpoints and exports do
 *   not care which engine trained them: `kernel` `[I, G·H]`, `recurrentKernel` `[H, G·H]`,
 *   `bias` `[G·H]`, gates LSTM i,f,c,o (G = 4; i,f,o sigmoid, c tanh, then c_t = f⊙c + i⊙c̃,
 *   h_t = o⊙tanh(c_t)); GRU z,r,h (G = 3; Cho et al. 2014, reset *before* the recurrent matmul,
 *   Keras `reset_after=False`: h̃ = tanh(x·W_h + (r⊙h)·U_h + b_h), h_t = z⊙h + (1−z)⊙h̃);
 *   vanilla RNN G = 1, h_t = act(x·W + h·U + b) with act tanh or relu.
 * - Recurrent activation is the exact sigmoid 1/(1+e^−x) (tfjs-layers `recurrentActivation: 'sigmoid'`).
 * - `reverse` runs t = T−1 … 0 (the backward half of a bidirectional layer, Keras `go_backwards`
 *   followed by re-reversing the output): `y[t]` is still the state after reading `x[t]`, so the two
 *   directions line up step by step.
 * - Kernels are synchronous (the training loop's step is synchronous) and never keep references to
 *   the arrays they were given after returning: callers may reuse them.
 */

export type FusedCell = 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru'

/** Gates per cell: the `G` in the weight shapes. */
export const GATES: Record<FusedCell, number> = { 'rnn-tanh': 1, 'rnn-relu': 1, lstm: 4, gru: 3 }

export interface RnnLayerShape {
  cell: FusedCell
  /** T ≥ 1 */
  steps: number
  /** N ≥ 1 */
  batch: number
  /** I ≥ 1 */
  inputSize: number
  /** H ≥ 1 */
  units: number
}

/** One layer-direction's weights, tfjs-layers layout (see the file comment). */
export interface RnnWeights {
  /** `[I, G·H]` */
  kernel: Float32Array
  /** `[H, G·H]` */
  recurrentKernel: Float32Array
  /** `[G·H]` */
  bias: Float32Array
}

export interface RnnForwardArgs extends RnnLayerShape {
  weights: RnnWeights
  /** `[T, N, I]` */
  x: Float32Array
  reverse: boolean
  /** Initial hidden state `[N, H]`; zeros when absent (tfjs-layers' non-stateful default). */
  h0?: Float32Array
  /** Initial LSTM cell state `[N, H]`; zeros when absent. */
  c0?: Float32Array
  /** Keep what backward needs (a tape); inference passes false and gets `tape: null`. */
  training: boolean
}

export interface RnnForwardResult {
  /** `[T, N, H]`, indexed by original time step. */
  y: Float32Array
  /** Final hidden state `[N, H]` (after the last step processed: t = T−1, or t = 0 when reversed). */
  hT: Float32Array
  /** Final LSTM cell state `[N, H]`; absent for other cells. */
  cT?: Float32Array
  tape: RnnTape | null
}

/** Saved activations of one training forward pass; engine-specific inside. */
export interface RnnTape {
  /** Frees native or WebAssembly memory the tape holds. Idempotent. */
  release(): void
}

export interface RnnBackwardArgs {
  /** From the matching forward pass (not released). */
  tape: RnnTape
  /** `[T, N, H]`: ∂loss/∂y. */
  dy: Float32Array
}

/** Gradients of one layer-direction, same layouts as its inputs and weights. */
export interface RnnGradients {
  /** `[T, N, I]` */
  dx: Float32Array
  kernel: Float32Array
  recurrentKernel: Float32Array
  bias: Float32Array
}

/**
 * `C ← alpha·op(A)·op(B) + beta·C`, row-major; `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is
 * `[m, n]`. With `transA`, `a` is stored `[k, m]`; with `transB`, `b` is stored `[n, k]`. `c` is
 * written in place (beta 0 ignores its old contents, NaNs included).
 */
export interface GemmArgs {
  transA: boolean
  transB: boolean
  m: number
  n: number
  k: number
  alpha: number
  a: Float32Array
  b: Float32Array
  beta: number
  c: Float32Array
}

export interface FusedKernels {
  /** Recorded on the run: `onednn`, `wasm-simd`, `js`. */
  readonly name: string
  /** Human detail for logs and the UI, e.g. "oneDNN 2.6.3, 2 threads" or "relaxed SIMD, 2 threads". */
  readonly detail: string
  rnnForward(args: RnnForwardArgs): RnnForwardResult
  /** Does not release the tape; the caller does. */
  rnnBackward(args: RnnBackwardArgs): RnnGradients
  gemm(args: GemmArgs): void
  /** Frees everything (thread pools, cached primitives, memory). The object is unusable after. */
  dispose(): void
}
