import '@testing-library/svelte/vitest'
import { render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import UnrolledDiagram from './UnrolledDiagram.svelte'
import { visibleSteps } from './unrolled-layout'

const base = {
  cell: 'lstm',
  merge: 'concat',
  inputLabel: 'tokens · 65',
  embeddingLabel: 'embedding · 32',
  outputLabel: 'softmax · 65'
} as const

function count(testid: string): number {
  return screen.queryAllByTestId(testid).length
}

describe('visibleSteps', () => {
  it('shows every step up to 4, else 1, 2, 3, …, T', () => {
    expect(visibleSteps(3).map((c) => ('gap' in c ? '…' : c.step))).toEqual(['1', '2', '3'])
    expect(visibleSteps(64).map((c) => ('gap' in c ? '…' : c.step))).toEqual([
      '1',
      '2',
      '3',
      '…',
      'T'
    ])
  })
})

describe('UnrolledDiagram', () => {
  it('draws visible steps × layers cells with outputs at every step for many-to-many', () => {
    render(UnrolledDiagram, {
      ...base,
      shape: 'many-to-many',
      steps: 64,
      layers: [128, 64, 32],
      bidirectional: false
    })
    // steps 1, 2, 3, T × 3 layers
    expect(count('diagram-cell')).toBe(12)
    expect(count('diagram-input')).toBe(4)
    expect(count('diagram-embedding')).toBe(4)
    expect(count('diagram-output')).toBe(4)
    // 3 recurrent arrows per layer, the last dashed across the "…"
    expect(count('diagram-forward')).toBe(9)
    expect(document.querySelectorAll('line.forward.skips')).toHaveLength(3)
    expect(count('diagram-backward')).toBe(0)
    expect(screen.getByText('LSTM 2 · 64')).toBeTruthy()
  })

  it('adds a backward arrow row only when bidirectional, and one output for many-to-one', () => {
    render(UnrolledDiagram, {
      ...base,
      shape: 'many-to-one',
      steps: 3,
      layers: [16, 16],
      bidirectional: true,
      embeddingLabel: null
    })
    // three steps, all shown: 3 × 2 cells; 2 arrows each way per layer
    expect(count('diagram-cell')).toBe(6)
    expect(count('diagram-forward')).toBe(4)
    expect(count('diagram-backward')).toBe(4)
    expect(count('diagram-output')).toBe(1)
    expect(count('diagram-embedding')).toBe(0)
    expect(screen.getByText('LSTM 1 · 2×16')).toBeTruthy()
  })

  it('draws an encoder and a decoder, outputs only from the decoder', () => {
    render(UnrolledDiagram, {
      ...base,
      shape: 'encoder-decoder',
      steps: null,
      layers: [32],
      bidirectional: true
    })
    // each half: its first step, …, its last
    expect(count('diagram-cell')).toBe(4)
    expect(count('diagram-output')).toBe(2)
    expect(count('diagram-handover')).toBe(1)
    // the decoder runs forwards only
    expect(count('diagram-forward')).toBe(2)
    expect(count('diagram-backward')).toBe(1)
    expect(screen.getAllByTestId('diagram-input').map((g) => g.textContent?.trim())).toEqual([
      'x1',
      'xS',
      'y0',
      'yT−1'
    ])
    expect(screen.getByText('encoder')).toBeTruthy()
    expect(screen.getByRole('img').textContent).toContain('encoder whose final state')
  })
})
