import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { forcedBackend, selectBackend } from './compute-backend'

describe('compute backend selection', () => {
  it('falls through the native backends to one that loads, saying why the others did not', async () => {
    const info = await selectBackend(tf)
    expect(info.forced).toBe(false)
    expect(info.probes.at(-1)).toMatchObject({ name: info.selected, available: true })
    expect(tf.getBackend()).toBe(
      info.selected.startsWith('tensorflow') ? 'tensorflow' : info.selected
    )
    for (const probe of info.probes.slice(0, -1)) {
      expect(probe.available).toBe(false)
      expect(probe.reason).toMatch(/\S/)
    }
    // The backend really computes.
    expect(Array.from(tf.add(tf.tensor([1, 2]), tf.tensor([3, 4])).dataSync())).toEqual([4, 6])
  })

  it('activates a forced backend and computes on it', async () => {
    for (const name of ['wasm', 'cpu'] as const) {
      const info = await selectBackend(tf, { force: name })
      expect(info).toMatchObject({ selected: name, forced: true })
      expect(tf.getBackend()).toBe(name)
      expect(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]).toBe(11)
    }
  })

  it('reads RNN_STUDIO_BACKEND and refuses unknown names', () => {
    expect(forcedBackend(undefined, { RNN_STUDIO_BACKEND: 'wasm' })).toBe('wasm')
    expect(forcedBackend(undefined, {})).toBeNull()
    expect(forcedBackend('auto', {})).toBeNull()
    expect(() => forcedBackend('cuda', {})).toThrow(/Unknown compute backend "cuda"/)
  })
})
