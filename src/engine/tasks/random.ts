/**
 * A small seedable PRNG for everything a task draws: splits, generated examples, batch order.
 * `Math.random` cannot be seeded, and a run must be reproducible from its config alone.
 */

/** Anything indexable and writable by position: plain arrays and typed arrays alike. */
export interface MutableArrayLike<T> {
  readonly length: number
  [index: number]: T
}

/**
 * mulberry32 (Tommy Ettinger, public domain): 32 bits of state, period 2^32, passes gjrand and
 * PractRand to 2^32 bytes. Enough for shuffling and sampling, and its whole state is one integer,
 * so the training loop can save it in a checkpoint (`CheckpointMeta.rngState`) and resume exactly.
 */
export class Random {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** The whole generator state, an unsigned 32-bit integer; setting it rewinds or replays the stream. */
  get state(): number {
    return this.#state >>> 0
  }

  set state(value: number) {
    this.#state = value >>> 0
  }

  /** Uniform in `[0, 1)`, with 32 bits of resolution. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform integer in `[0, n)`. */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /**
   * Standard normal by Box–Muller. Each call consumes exactly two uniforms and keeps no spare
   * value, so `state` alone still describes the generator.
   */
  normal(): number {
    const u1 = 1 - this.next() // (0, 1]: log(0) would be -Infinity
    const u2 = this.next()
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    return shuffleWith(array, () => this.next())
  }
}

/** Fisher–Yates shuffle in place with any uniform `[0, 1)` source (a `PreparedTask.trainBatch` gets one). */
export function shuffleWith<A extends MutableArrayLike<unknown>>(
  array: A,
  random: () => number
): A {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = array[i]
    array[i] = array[j]
    array[j] = t
  }
  return array
}

/**
 * A seed for one named stream (`'split'`, `'generate'`, an example's number…) derived from the run's
 * seed, so that drawing more from one stream never shifts another: asking for more generated
 * examples leaves the split of the first ones alone. Names go through FNV-1a, numbers are mixed
 * directly (they are called once per generated example); both end in murmur3's finaliser.
 */
export function deriveSeed(seed: number, stream: string | number): number {
  let h: number
  if (typeof stream === 'number') {
    h = fmix32((seed >>> 0) ^ fmix32((stream + 0x9e3779b9) | 0))
  } else {
    h = 0x811c9dc5 ^ (seed >>> 0)
    for (let i = 0; i < stream.length; i++) {
      h ^= stream.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    h = fmix32(h)
  }
  return h >>> 0
}

/** murmur3's 32-bit finaliser: every input bit flips about half of the output bits. */
function fmix32(value: number): number {
  let h = value
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}
