import { describe, expect, it } from 'vitest'
import { Random } from './random'
import { splitByGroups } from './split'

describe('splitByGroups', () => {
  it('holds out about the share, keeping equal keys on one side', () => {
    const keys = ['a', 'a', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const split = splitByGroups(keys, 0.2, new Random(5))
    expect(split).not.toBeNull()
    const { train, validation } = split as NonNullable<typeof split>
    expect([...train, ...validation].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(validation.length).toBeGreaterThanOrEqual(2)
    const trainKeys = new Set(train.map((i) => keys[i]))
    for (const i of validation) expect(trainKeys.has(keys[i])).toBe(false)
    expect(train).toEqual([...train].sort((x, y) => x - y))
  })

  it('holds out at least one item and keeps at least one group for training', () => {
    const split = splitByGroups(['x', 'y'], 0.01, new Random(1))
    expect(split?.train.length).toBe(1)
    expect(split?.validation.length).toBe(1)
  })

  it('returns null for a single distinct key', () => {
    expect(splitByGroups(['same', 'same'], 0.5, new Random(1))).toBeNull()
  })
})
