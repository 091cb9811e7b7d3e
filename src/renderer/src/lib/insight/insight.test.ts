import { describe, expect, it } from 'vitest'
import type { Diagnostics } from '../training/samples'
import {
  clippingEvents,
  gradientCurve,
  gradientRatio,
  gradLayers,
  pcaGroups,
  weightNormHistory
} from './insight'

function diagnostics(step: number, overrides: Partial<Diagnostics> = {}): Diagnostics {
  return {
    step,
    inputGradientNorms: [0.001, 0.01, 0.1],
    hiddenPca: { points: [], labels: [], explainedVariance: [0.6, 0.2] },
    weightNorms: { 'lstm/kernel': step / 10 },
    ...overrides
  }
}

describe('insight data', () => {
  it('draws the gradient against time steps 1..T and compares the ends', () => {
    expect(gradientCurve(diagnostics(10))).toEqual([
      { x: 1, y: 0.001 },
      { x: 2, y: 0.01 },
      { x: 3, y: 0.1 }
    ])
    expect(gradientRatio(diagnostics(10))).toBeCloseTo(0.01, 12)
  })

  it('finds the per-layer series among the metric names', () => {
    expect(
      gradLayers([
        'loss',
        'grad_norm',
        'grad_norm/embedding',
        'grad_norm_clipped',
        'grad_norm/lstm_1'
      ])
    ).toEqual(['embedding', 'lstm_1'])
  })

  it('puts each clipping event on the global norm at or before its step', () => {
    const clipped = [0, 1, 0, 1].map((value, i) => ({ step: (i + 1) * 10, value, time: 0 }))
    const norms = [7, 9, 4].map((value, i) => ({ step: (i + 1) * 10, value, time: 0 }))
    expect(clippingEvents(clipped, norms)).toEqual([
      { x: 20, y: 9 },
      { x: 40, y: 4 }
    ])
  })

  it('follows each weight tensor across evaluations, with gaps for missing names', () => {
    const history = weightNormHistory([
      diagnostics(10),
      diagnostics(20, { weightNorms: { 'lstm/kernel': 2, 'head/bias': 0.5 } })
    ])
    expect(history).toEqual([
      {
        name: 'lstm/kernel',
        points: [
          { x: 10, y: 1 },
          { x: 20, y: 2 }
        ]
      },
      {
        name: 'head/bias',
        points: [
          { x: 10, y: null },
          { x: 20, y: 0.5 }
        ]
      }
    ])
  })

  it('groups class labels by frequency and folds the rest into "other"', () => {
    const labels = ['a', 'b', 'a', 'c', 'a', 'b', 'd']
    const pca = {
      points: labels.map((_, i): [number, number] => [i, -i]),
      labels,
      explainedVariance: [0.5, 0.3] as [number, number]
    }
    expect(pcaGroups(pca, 't', 3).map((g) => [g.label, g.points.length])).toEqual([
      ['a', 3],
      ['b', 2],
      ['other', 2]
    ])
  })

  it('bins positions into ranges: t 0..7 into four groups of two', () => {
    const labels = [0, 1, 2, 3, 4, 5, 6, 7]
    const pca = {
      points: labels.map((t): [number, number] => [t, t]),
      labels,
      explainedVariance: [0.5, 0.3] as [number, number]
    }
    expect(pcaGroups(pca, 't', 4).map((g) => [g.label, g.points.length])).toEqual([
      ['t 0–1', 2],
      ['t 2–3', 2],
      ['t 4–5', 2],
      ['t 6–7', 2]
    ])
  })
})
