/**
 * StepMask by hand on two rows of four steps (width 1, values chosen so every sum is legible):
 * row 0 `[pad, pad, a, b]` (leading padding, as the classification tasks pad), row 1
 * `[a, pad, b, pad]` (padding inside and at the end). Then, on random masks and widths, the
 * gradient maps must be the exact transposes of the maps they differentiate.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../tasks/random'
import { StepMask } from './step-mask'

const N = 2
const T = 4
/** Batch-major ids `[N, T]`; 0 is padding. */
const IDS = [0, 0, 5, 6, 7, 0, 8, 0]

function mask(): StepMask {
  const steps = new StepMask(N, T)
  steps.update(IDS)
  return steps
}

/** Time-major `[T, N]` from a function of (t, n). */
function timeMajor(value: (t: number, n: number) => number): Float32Array {
  return Float32Array.from({ length: T * N }, (_, i) => value(Math.floor(i / N), i % N))
}

const out = () => new Float32Array(T * N).fill(NaN)

describe('StepMask by hand', () => {
  // x[t, n] = 10·(t+1) + n: row 0's real steps are 30, 40; row 1's are 11, 31.
  const x = timeMajor((t, n) => 10 * (t + 1) + n)
  // The kernel's outputs at compact step c: 100·(c+1) + n.
  const compact = timeMajor((c, n) => 100 * (c + 1) + n)
  // ∂y at original steps: powers of two, so each sum names its terms.
  const dy = timeMajor((t, n) => 2 ** (t + 4 * n))

  it('gathers real steps to the front (forward) and to the back (reverse), zeros elsewhere', () => {
    expect(Array.from(mask().gather(x, 1, false, out()))).toEqual([30, 11, 40, 31, 0, 0, 0, 0])
    expect(Array.from(mask().gather(x, 1, true, out()))).toEqual([0, 0, 0, 0, 30, 11, 40, 31])
  })

  it('scatters outputs back, carrying the last output across masked steps (zeros before any)', () => {
    // Forward: row 0 reads compact 0, 1 at t = 2, 3; row 1 compact 0 at t = 0 (carried to t = 1)
    // and compact 1 at t = 2 (carried to t = 3).
    expect(Array.from(mask().scatterOutputs(compact, 1, false, out()))).toEqual([
      0, 101, 0, 101, 100, 201, 200, 201
    ])
    // Reverse, processed t = 3 … 0: row 0 compact 3 at t = 3, compact 2 at t = 2, carried to 1, 0;
    // row 1 nothing yet at t = 3, compact 3 at t = 2 (carried to t = 1), compact 2 at t = 0.
    expect(Array.from(mask().scatterOutputs(compact, 1, true, out()))).toEqual([
      300, 301, 300, 401, 300, 401, 400, 0
    ])
  })

  it('sends a masked step’s gradient to the real step its output came from', () => {
    // Forward: row 0 gets 4 and 8 (its padding carried nothing); row 1 gets 16 + 32 and 64 + 128.
    expect(Array.from(mask().gatherGradients(dy, 1, false, out()))).toEqual([
      4, 48, 8, 192, 0, 0, 0, 0
    ])
    // Reverse: row 0's t = 0, 1 were carried from t = 2: 1 + 2 + 4; row 1's t = 1 from t = 2: 32 + 64,
    // and t = 3 from nothing.
    expect(Array.from(mask().gatherGradients(dy, 1, true, out()))).toEqual([
      0, 0, 0, 0, 7, 16, 8, 96
    ])
  })

  it('reads the last output in processing order as a last-step read (forward t = 3, reverse t = 0)', () => {
    expect(Array.from(mask().lastOutputs(compact, 1, false, out()).slice())).toEqual([200, 201])
    expect(Array.from(mask().lastOutputs(compact, 1, true, out()).slice())).toEqual([300, 301])
    const last = Float32Array.from([1, 2])
    expect(Array.from(mask().lastGradients(last, 1, false, out()))).toEqual([
      0, 0, 1, 2, 0, 0, 0, 0
    ])
    expect(Array.from(mask().lastGradients(last, 1, true, out()))).toEqual([0, 0, 0, 0, 1, 2, 0, 0])
  })

  it('scatters input gradients back with zeros at masked steps, or adds them', () => {
    expect(Array.from(mask().scatterGradients(compact, 1, false, out(), false))).toEqual([
      0, 101, 0, 0, 100, 201, 200, 0
    ])
    const sum = new Float32Array(T * N).fill(1)
    mask().scatterGradients(compact, 1, true, sum, true)
    expect(Array.from(sum)).toEqual([1, 302, 1, 1, 301, 402, 401, 1])
  })

  it('returns views of exactly T·N·width values of larger buffers', () => {
    const big = new Float32Array(3 * T * N)
    expect(mask().gather(x, 1, false, big).length).toBe(T * N)
    expect(mask().gatherGradients(dy, 1, false, big).length).toBe(T * N)
  })
})

describe('StepMask gradients are the transposes of its maps', () => {
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i], 0)

  for (const seed of [1, 2, 3]) {
    it(`random mask ${seed}: ⟨scatterOutputs y, g⟩ = ⟨y, gatherGradients g⟩, ⟨gather x, g⟩ = ⟨x, scatterGradients g⟩`, () => {
      const random = new Random(seed)
      const [rows, steps, width] = [3 + random.int(3), 2 + random.int(6), 1 + random.int(4)]
      const ids = Array.from({ length: rows * steps }, () =>
        random.next() < 0.4 ? 0 : 1 + random.int(9)
      )
      // Row 0 is all padding, as an empty text is after cleaning.
      ids.fill(0, 0, steps)
      const stepMask = new StepMask(rows, steps)
      stepMask.update(ids)
      const size = rows * steps * width
      const draw = () => Float32Array.from({ length: size }, () => random.int(7) - 3)
      for (const reverse of [false, true]) {
        const [y, g] = [draw(), draw()]
        const forward = stepMask.scatterOutputs(y, width, reverse, new Float32Array(size))
        const back = stepMask.gatherGradients(g, width, reverse, new Float32Array(size))
        // Small integers: both sides are exact in float32.
        expect(dot(forward, g)).toBe(dot(y, back))
        const gathered = stepMask.gather(y, width, reverse, new Float32Array(size))
        const scattered = stepMask.scatterGradients(
          g,
          width,
          reverse,
          new Float32Array(size),
          false
        )
        expect(dot(gathered, g)).toBe(dot(y, scattered))
        // The last-step read is scatterOutputs' final step (forward T−1, reverse 0), and its
        // gradient map is its transpose.
        const last = stepMask.lastOutputs(y, width, reverse, new Float32Array(size))
        const at = reverse ? 0 : (steps - 1) * rows * width
        expect(last).toEqual(forward.subarray(at, at + rows * width))
        const gLast = g.subarray(0, rows * width)
        const lastBack = stepMask.lastGradients(gLast, width, reverse, new Float32Array(size))
        expect(dot(last, gLast)).toBe(dot(y, lastBack))
      }
    })
  }
})
