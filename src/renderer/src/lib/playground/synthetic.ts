/**
 * Examples of the synthetic problems for the playground, drawn as engine/tasks/synthetic.ts
 * draws them, with the answer the network should give (in the problem's own units, as `predict`
 * answers). Each input row is what the network reads at one time step.
 */

export type SyntheticProblem = 'sequence-sum' | 'adding' | 'copy-first'

export interface SyntheticExample {
  /** `[T][features]`, ready for `predict`. */
  rows: number[][]
  /** What is drawn per step (the value; the marker is `marked`). */
  values: number[]
  /** Steps that carry the answer: the two marked (adding) or the first (copy-first). */
  marked: number[]
  /** The right answer. */
  answer: number
}

/** Uniform in [0, 1); tests pass a scripted source. */
export type Uniform = () => number

/**
 * One example of `problem` with `length` steps.
 * - adding: `u_t ~ U(0, 1)`, one mark in each half; the answer is the sum of the marked values.
 * - copy-first: `x_t ~ U(−1, 1)`; the answer is `x_1`.
 * - sequence-sum: `x_t = (a + t) · inputScale` for a start `a` in 0..99; the answer is `Σ (a + t)`.
 */
export function syntheticExample(
  problem: SyntheticProblem,
  length: number,
  inputScale: number | null,
  random: Uniform = Math.random
): SyntheticExample {
  const T = Math.max(2, length)
  switch (problem) {
    case 'adding': {
      const values = Array.from({ length: T }, () => random())
      const half = Math.floor(T / 2)
      const first = Math.floor(random() * half)
      const second = half + Math.floor(random() * (T - half))
      const rows = values.map((u, t) => [u, t === first || t === second ? 1 : 0])
      return { rows, values, marked: [first, second], answer: values[first] + values[second] }
    }
    case 'copy-first': {
      const values = Array.from({ length: T }, () => 2 * random() - 1)
      return { rows: values.map((v) => [v]), values, marked: [0], answer: values[0] }
    }
    case 'sequence-sum': {
      const a = Math.floor(random() * 100)
      const values = Array.from({ length: T }, (_, t) => a + t)
      const scale = inputScale ?? 1 / 100
      return {
        rows: values.map((v) => [v * scale]),
        values,
        marked: [],
        answer: values.reduce((s, v) => s + v, 0)
      }
    }
  }
}
