/**
 * tfjs-layers' masked recurrence on whole-sequence kernels that take no mask (issue #6).
 *
 * tfjs-layers' `rnn()` (recurrent.ts) treats a masked step as "no step": the states are carried
 * unchanged and the step's output is the previous state `h`, zeros before the first real step;
 * a reverse (`goBackwards`) layer carries in its own processing order, from later steps to earlier
 * ones. The same values come out of unmasked kernels when each row's real steps are moved
 * together and processed first, from a zero state:
 *
 * - forward direction: real steps LEFT-aligned (compact step j = the row's j-th real step), the
 *   rest zero-filled at the end, where they are processed after everything that is read;
 * - reverse direction: real steps RIGHT-aligned (compact step T−k+j for k real steps), so the
 *   kernel's t = T−1 … 0 walk meets them first and the zero filler last.
 *
 * Outputs are scattered back to their original steps; a masked step gets the output carried to it
 * (`scatterOutputs`), and its gradient is added to the real step it was carried from
 * (`gatherGradients`), which is what differentiating tfjs's `output·m + h·(1−m)` gives. Nothing
 * reaches a masked step's input (tfjs multiplies that step's result by m = 0), so input gradients
 * there are zero (`scatterGradients`); with the zero filler and zero ∂y on the filler steps, the
 * filler adds exactly zero to the weight gradients too. A row of only padding gives zeros
 * throughout, as tfjs does.
 *
 * All arrays are time-major `[T, N, width]` row-major float32, as the kernels take them. Each
 * method writes into a caller-owned buffer at least `T·N·width` long and returns the exact-length
 * view of it. The copies cost O(T·N·width) per layer and direction, small next to the kernels:
 * ~1 ms a step for W5's shape (batch 32 × 64 steps, embedding 32, bidirectional GRU 128, class
 * head, where `lastOutputs`/`lastGradients` replace the full scatter), against ~50 ms for oneDNN.
 */
export class StepMask {
  readonly N: number
  readonly T: number
  /** Time-major `[T, N]`: compact step of each original step for the forward direction; −1 masked. */
  readonly #forward: Int32Array
  /** The same for the reverse direction (right-aligned). */
  readonly #reverse: Int32Array
  /** Real steps per row, `[N]`. */
  readonly #real: Int32Array
  /** Per-row sum of the gradients carried back so far, `[N, width]`, grown on demand. */
  #carry = new Float32Array(0)
  /** Per row: 1 while `#carry` holds a sum not yet handed to a real step. */
  readonly #pending: Uint8Array

  constructor(N: number, T: number) {
    this.N = N
    this.T = T
    this.#forward = new Int32Array(T * N)
    this.#reverse = new Int32Array(T * N)
    this.#real = new Int32Array(N)
    this.#pending = new Uint8Array(N)
  }

  /**
   * Reads which steps are real from batch-major token ids `[N, T]`: id 0 is padding (tfjs's
   * Masking layer sees its all-zero one-hot row), wherever it sits in the row.
   */
  update(ids: ArrayLike<number>): void {
    const { N, T } = this
    for (let n = 0; n < N; n++) {
      let real = 0
      for (let t = 0; t < T; t++) if (ids[n * T + t] !== 0) real++
      this.#real[n] = real
      let j = 0
      for (let t = 0; t < T; t++) {
        const i = t * N + n
        if (ids[n * T + t] === 0) {
          this.#forward[i] = -1
          this.#reverse[i] = -1
        } else {
          this.#forward[i] = j
          this.#reverse[i] = T - real + j
          j++
        }
      }
    }
  }

  /** The kernel's input: each row's real steps moved together for `reverse`, zeros elsewhere. */
  gather(x: Float32Array, width: number, reverse: boolean, out: Float32Array): Float32Array {
    const { N, T } = this
    const to = reverse ? this.#reverse : this.#forward
    const view = out.subarray(0, T * N * width)
    view.fill(0)
    for (let i = 0; i < T * N; i++) {
      const c = to[i]
      if (c >= 0) copyRow(x, i * width, view, (c * N + (i % N)) * width, width)
    }
    return view
  }

  /**
   * The kernel's output `y` (compact steps) back at the original steps; a masked step gets the
   * output carried to it in processing order (zeros before a row's first real step).
   */
  scatterOutputs(
    y: Float32Array,
    width: number,
    reverse: boolean,
    out: Float32Array
  ): Float32Array {
    const { N, T } = this
    const to = reverse ? this.#reverse : this.#forward
    const view = out.subarray(0, T * N * width)
    for (let s = 0; s < T; s++) {
      // Processing order: the step that carries into t was written just before it.
      const t = reverse ? T - 1 - s : s
      const before = reverse ? t + 1 : t - 1
      for (let n = 0; n < N; n++) {
        const i = t * N + n
        const c = to[i]
        if (c >= 0) copyRow(y, (c * N + n) * width, view, i * width, width)
        else if (s === 0) view.fill(0, i * width, (i + 1) * width)
        else view.copyWithin(i * width, (before * N + n) * width, (before * N + n + 1) * width)
      }
    }
    return view
  }

  /**
   * What a last-step read sees, `[N, width]`: each row's output after its last real step in
   * processing order (forward: compact step k−1; reverse: compact step T−k), zeros for a row of
   * only padding. The same as `scatterOutputs` at forward t = T−1 or reverse t = 0, for N rows
   * of work instead of T·N.
   */
  lastOutputs(y: Float32Array, width: number, reverse: boolean, out: Float32Array): Float32Array {
    const { N, T } = this
    const view = out.subarray(0, N * width)
    for (let n = 0; n < N; n++) {
      const real = this.#real[n]
      if (real === 0) view.fill(0, n * width, (n + 1) * width)
      else copyRow(y, ((reverse ? T - real : real - 1) * N + n) * width, view, n * width, width)
    }
    return view
  }

  /** The transpose of `lastOutputs`: `[N, width]` gradients to the kernel's compact `[T, N, width]`. */
  lastGradients(
    dLast: Float32Array,
    width: number,
    reverse: boolean,
    out: Float32Array
  ): Float32Array {
    const { N, T } = this
    const view = out.subarray(0, T * N * width)
    view.fill(0)
    for (let n = 0; n < N; n++) {
      const real = this.#real[n]
      if (real === 0) continue
      copyRow(dLast, n * width, view, ((reverse ? T - real : real - 1) * N + n) * width, width)
    }
    return view
  }

  /**
   * ∂loss/∂y at the original steps → the kernel's ∂y at compact steps: a masked step's gradient
   * goes to the real step its output was carried from; filler steps get zero.
   */
  gatherGradients(
    dy: Float32Array,
    width: number,
    reverse: boolean,
    out: Float32Array
  ): Float32Array {
    const { N, T } = this
    const to = reverse ? this.#reverse : this.#forward
    const view = out.subarray(0, T * N * width)
    view.fill(0)
    if (this.#carry.length < N * width) this.#carry = new Float32Array(N * width)
    const carry = this.#carry
    const pending = this.#pending
    pending.fill(0)
    // Against processing order, so a carried gradient meets its source step after the steps it
    // reached. One pass over ∂y: a real step with nothing carried to it copies its own.
    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s
      for (let n = 0; n < N; n++) {
        const i = t * N + n
        const from = i * width
        const acc = n * width
        const c = to[i]
        if (c < 0) {
          if (pending[n]) for (let k = 0; k < width; k++) carry[acc + k] += dy[from + k]
          else copyRow(dy, from, carry, acc, width)
          pending[n] = 1
          continue
        }
        const at = (c * N + n) * width
        if (pending[n]) for (let k = 0; k < width; k++) view[at + k] = carry[acc + k] + dy[from + k]
        else copyRow(dy, from, view, at, width)
        pending[n] = 0
      }
    }
    // What is left was carried into steps before a row's first real one: zeros, no source.
    return view
  }

  /**
   * The kernel's ∂x at compact steps → the original steps, zero at masked ones. With `accumulate`
   * it adds into `out` (the second direction of a bidirectional layer) instead of overwriting.
   */
  scatterGradients(
    dx: Float32Array,
    width: number,
    reverse: boolean,
    out: Float32Array,
    accumulate: boolean
  ): Float32Array {
    const { N, T } = this
    const to = reverse ? this.#reverse : this.#forward
    const view = out.subarray(0, T * N * width)
    for (let i = 0; i < T * N; i++) {
      const c = to[i]
      const at = i * width
      if (c < 0) {
        if (!accumulate) view.fill(0, at, at + width)
        continue
      }
      const from = (c * N + (i % N)) * width
      if (accumulate) for (let k = 0; k < width; k++) view[at + k] += dx[from + k]
      else copyRow(dx, from, view, at, width)
    }
    return view
  }
}

/** A plain loop: a subarray view per row would be garbage, T·N of them per call. */
function copyRow(
  from: Float32Array,
  fromAt: number,
  to: Float32Array,
  toAt: number,
  width: number
): void {
  for (let k = 0; k < width; k++) to[toAt + k] = from[fromAt + k]
}
