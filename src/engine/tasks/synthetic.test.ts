import { describe, expect, it } from 'vitest'
import { TaskSpec } from '../../shared/domain/task'
import { Random } from './random'
import { prepareSynthetic, type SyntheticSpec } from './synthetic'
import { plain } from './test-helpers'
import type { Batch } from './types'

function spec(fields: Partial<SyntheticSpec>): SyntheticSpec {
  return TaskSpec.parse({ kind: 'synthetic', problem: 'adding', ...fields }) as SyntheticSpec
}

/** Step `t` of example `b`: its `F` features. */
function step(batch: Batch, b: number, t: number): number[] {
  const [, T, F] = batch.xShape
  const from = (b * T + t) * F
  return Array.from(batch.x.subarray(from, from + F))
}

describe('prepareSynthetic: adding', () => {
  const task = prepareSynthetic(spec({ problem: 'adding', length: 10, examples: 20_000 }), {
    seed: 1,
    validationSplit: 0.1
  })

  it('has two marks, one in each half, and y = the sum of the marked values', () => {
    expect(task.input).toEqual({ type: 'features', size: 2 })
    expect(task.head).toEqual({ type: 'regression', size: 1 })
    expect(task.configuration).toBe('many-to-one')
    expect([task.trainSize, task.validationSize]).toEqual([18_000, 2000])
    const [batch] = task.validationBatches(100)
    expect(batch.xShape).toEqual([100, 10, 2])
    expect(batch.yShape).toEqual([100, 1])
    const bad: number[] = []
    for (let b = 0; b < 100; b++) {
      const marked = Array.from({ length: 10 }, (_, t) => t).filter(
        (t) => step(batch, b, t)[1] === 1
      )
      const sum = marked.reduce((s, t) => s + step(batch, b, t)[0], 0)
      const ok = marked.length === 2 && marked[0] < 5 && marked[1] >= 5
      if (!ok || Math.abs(sum - batch.y[b]) > 1e-6) bad.push(b)
    }
    expect(bad).toEqual([])
  })

  it('scores always-1 at MSE ≈ 1/6 on the 2,000 validation examples', () => {
    expect(task.baseline?.metrics.val_loss).toBeCloseTo(1 / 6, 1)
    expect(Math.abs((task.baseline?.metrics.val_loss as number) - 1 / 6)).toBeLessThan(0.02)
    expect(task.metadata.targetScale).toEqual({ mean: 0, std: 1 })
  })

  it('regenerates the same examples for a seed, other ones for another', () => {
    const again = prepareSynthetic(spec({ problem: 'adding', length: 10, examples: 20_000 }), {
      seed: 1,
      validationSplit: 0.1
    })
    const other = prepareSynthetic(spec({ problem: 'adding', length: 10, examples: 20_000 }), {
      seed: 2,
      validationSplit: 0.1
    })
    expect(plain(again.validationBatches(10)[0])).toEqual(plain(task.validationBatches(10)[0]))
    expect(plain(other.validationBatches(10)[0])).not.toEqual(plain(task.validationBatches(10)[0]))
    const draw = (seed: number) => {
      const fresh = prepareSynthetic(spec({ problem: 'adding', length: 10 }), {
        seed,
        validationSplit: 0.1
      })
      const r = new Random(seed)
      return plain(fresh.trainBatch(4, () => r.next(), 0))
    }
    expect(draw(3)).toEqual(draw(3))
    expect(draw(3)).not.toEqual(draw(4))
  })
})

describe('prepareSynthetic: sequence-sum', () => {
  const task = prepareSynthetic(spec({ problem: 'sequence-sum', length: 4, examples: 1000 }), {
    seed: 1,
    validationSplit: 0.1
  })

  it('feeds (a + t) / 100 and targets the sum / (100·T), reported through targetScale', () => {
    expect(task.input).toEqual({ type: 'features', size: 1 })
    expect(task.metadata.targetScale).toEqual({ mean: 0, std: 400 })
    expect(task.metadata.inputScale).toBe(0.01)
    const r = new Random(1)
    const batch = task.trainBatch(50, () => r.next(), 0)
    expect(batch.xShape).toEqual([50, 4, 1])
    const bad: number[] = []
    for (let b = 0; b < 50; b++) {
      const a = Math.round(batch.x[b * 4] * 100)
      const expected = [a, a + 1, a + 2, a + 3].map((v) => v / 100)
      const xs = Array.from(batch.x.subarray(b * 4, b * 4 + 4))
      const sum = 4 * a + 6 // a + (a + 1) + (a + 2) + (a + 3)
      const ok =
        Number.isInteger(a) &&
        a >= 0 &&
        a < 100 &&
        xs.every((v, t) => Math.abs(v - expected[t]) < 1e-6) &&
        Math.abs(batch.y[b] * 400 - sum) < 1e-3
      if (!ok) bad.push(b)
    }
    expect(bad).toEqual([])
  })

  it('holds out start values: validation sequences never occur in training', () => {
    const held = task.metadata.validationStarts as number[]
    expect(held).toHaveLength(10)
    const startsOf = (batch: Batch): number[] =>
      Array.from({ length: batch.xShape[0] }, (_, b) => Math.round(batch.x[b * 4] * 100))
    const validation = task.validationBatches(100).flatMap(startsOf)
    expect(validation.every((a) => held.includes(a))).toBe(true)
    const r = new Random(2)
    const train = startsOf(task.trainBatch(task.trainSize, () => r.next(), 0))
    expect(train.some((a) => held.includes(a))).toBe(false)
  })

  it('baselines with the expected training target', () => {
    const held = task.metadata.validationStarts as number[]
    const trainStarts = Array.from({ length: 100 }, (_, a) => a).filter((a) => !held.includes(a))
    const mean = trainStarts.reduce((s, a) => s + a, 0) / 90
    expect(task.baseline?.name).toBe('the mean training target')
    // MAE in original units: |4 × (mean − a)| averaged over validation sums.
    expect(task.baseline?.metrics.val_mae).toBeGreaterThan(0)
    const [batch] = task.validationBatches(1000)
    const maes = Array.from({ length: batch.xShape[0] }, (_, b) =>
      Math.abs(4 * (mean - Math.round(batch.x[b * 4] * 100)))
    )
    const mae = maes.reduce((s, v) => s + v, 0) / maes.length
    expect(task.baseline?.metrics.val_mae).toBeCloseTo(mae, 6)
  })
})

describe('prepareSynthetic: copy-first', () => {
  it('asks for the first value among noise; predicting 0 scores MSE ≈ Var(v) = 1/3', () => {
    const task = prepareSynthetic(spec({ problem: 'copy-first', length: 20, examples: 20_000 }), {
      seed: 4,
      validationSplit: 0.1
    })
    expect(task.input).toEqual({ type: 'features', size: 1 })
    const [batch] = task.validationBatches(64)
    expect(batch.xShape).toEqual([64, 20, 1])
    const firsts = Array.from({ length: 64 }, (_, b) => batch.x[b * 20])
    expect(Array.from(batch.y)).toEqual(firsts)
    expect(Array.from(batch.x).every((v) => v >= -1 && v < 1)).toBe(true)
    expect(Math.abs((task.baseline?.metrics.val_loss as number) - 1 / 3)).toBeLessThan(0.03)
  })
})
