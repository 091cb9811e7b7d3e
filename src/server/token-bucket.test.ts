import { describe, expect, it } from 'vitest'
import { TokenBucket } from './token-bucket'

describe('TokenBucket', () => {
  it('allows a burst, then refills at the steady rate', () => {
    let now = 0
    const bucket = new TokenBucket(10 /* per second */, 3 /* burst */, () => now)

    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false
    ])

    // 10 tokens/s → one token every 100 ms.
    now = 50
    expect(bucket.take()).toBe(false)
    now = 100
    expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
  })

  it('never holds more than the burst, however long it rests', () => {
    let now = 0
    const bucket = new TokenBucket(10, 2, () => now)
    now = 60_000
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false])
  })

  it('refuses nonsensical settings', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError)
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError)
    expect(() => new TokenBucket(Number.NaN, 5)).toThrow(RangeError)
  })
})
