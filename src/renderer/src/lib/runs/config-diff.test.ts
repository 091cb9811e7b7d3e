import { describe, expect, it } from 'vitest'
import { diffConfigs, flattenConfig } from './config-diff'

describe('config diff', () => {
  it('flattens nested objects and arrays into dotted paths', () => {
    const flat = flattenConfig({ a: { b: 1 }, c: [2, { d: 'x' }], e: [] })
    expect([...flat]).toEqual([
      ['a.b', 1],
      ['c.0', 2],
      ['c.1.d', 'x'],
      ['e', '[]']
    ])
  })

  it('keeps only the fields that differ, with — where one config lacks it', () => {
    const a = {
      name: 'a',
      network: { cell: 'lstm', layers: [{ units: 8 }] },
      training: { learningRate: 0.002, batchSize: 32 }
    }
    const b = {
      name: 'b',
      network: { cell: 'gru', layers: [{ units: 8 }, { units: 8 }] },
      training: { learningRate: 0.002, batchSize: 16 }
    }
    // Grouped by section: the second layer sits with the network, not after training.
    expect(diffConfigs([a, b])).toEqual([
      { path: 'name', values: ['a', 'b'] },
      { path: 'network.cell', values: ['lstm', 'gru'] },
      { path: 'network.layers.1.units', values: ['—', '8'] },
      { path: 'training.batchSize', values: ['32', '16'] }
    ])
  })

  it('finds nothing to show for equal configs', () => {
    expect(diffConfigs([{ a: 1 }, { a: 1 }, { a: 1 }])).toEqual([])
  })
})
