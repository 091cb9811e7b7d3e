import { describe, expect, it } from 'vitest'
import { learningRateAt } from './schedule'

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    const training = { learningRate: 0.01, maxSteps: 10, schedule: { type: 'constant' as const } }
    expect([0, 5, 1000].map((s) => learningRateAt(training, s))).toEqual([0.01, 0.01, 0.01])
  })

  it('multiplies by gamma every `every` steps', () => {
    const training = {
      learningRate: 1,
      maxSteps: 100,
      schedule: { type: 'step' as const, every: 10, gamma: 0.5 }
    }
    // ⌊step / 10⌋ = 0, 0, 1, 2 → 1, 1, 0.5, 0.25
    expect([0, 9, 10, 25].map((s) => learningRateAt(training, s))).toEqual([1, 1, 0.5, 0.25])
  })

  it('warms up linearly, then follows a cosine down to minFactor × rate', () => {
    const training = {
      learningRate: 1,
      maxSteps: 14,
      schedule: { type: 'cosine' as const, warmupSteps: 4, minFactor: 0.1 }
    }
    // warm-up: (s + 1) / 5 → 0.2, 0.8; then r = (s − 4) / 10: r = 0 → 1, r = ½ → 0.1 + ½·0.9 = 0.55,
    // r = 1 → 0.1, and past the end it stays at 0.1.
    const rates = [0, 3, 4, 9, 14, 20].map((s) => learningRateAt(training, s))
    const expected = [0.2, 0.8, 1, 0.55, 0.1, 0.1]
    rates.forEach((rate, i) => expect(rate).toBeCloseTo(expected[i], 12))
  })

  it('handles a warm-up as long as the run', () => {
    const training = {
      learningRate: 2,
      maxSteps: 3,
      schedule: { type: 'cosine' as const, warmupSteps: 3, minFactor: 0.5 }
    }
    expect(learningRateAt(training, 2)).toBeCloseTo(1.5, 12)
    expect(learningRateAt(training, 3)).toBeCloseTo(1, 12)
  })
})
