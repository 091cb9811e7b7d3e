/**
 * Seeded generators for the fuzz tests: random JSON-ish values, and mutations of valid messages
 * (a field dropped, retyped, set to an extreme, an extra key, deep nesting). Same seed, same cases.
 */
import { seededRandom } from './seeded-random'

export type Random = () => number

export interface Fuzzer {
  random: Random
  int(max: number): number
  pick<T>(items: readonly T[]): T
  /** A random value: primitives at the leaves, objects and arrays up to `depth` deep. */
  value(depth?: number): unknown
  /** `message` with one to three random changes; the input is not modified. */
  mutate(message: unknown): unknown
  /** A string of random code points (lone surrogates and NULs included). */
  text(maxLength?: number): string
}

const EXTREMES: readonly unknown[] = [
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 63),
  1e308,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '0',
  'NaN',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '%2e%2e%2f',
  'C:\\Windows',
  '\u0000',
  '\ud800',
  'x'.repeat(10_000),
  true,
  false,
  null,
  [],
  {},
  { __proto__: { polluted: true } },
  [[[[[]]]]]
]

/** `{ a: { a: … } }` nested `depth` times: a parser that recurses without a limit overflows. */
export function deeplyNested(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

/**
 * `{"a":{"a":…1…}}` as text, `depth` deep: built as a string because a value that deep cannot be
 * JSON.stringify'd (the call stack runs out), while a parser must still cope with receiving one.
 */
export function deeplyNestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
}

export function fuzzer(seed: number): Fuzzer {
  const random = seededRandom(seed)
  const int = (max: number): number => Math.floor(random() * max)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]

  function text(maxLength = 40): string {
    const length = int(maxLength + 1)
    let out = ''
    for (let i = 0; i < length; i++) {
      const kind = random()
      out +=
        kind < 0.7
          ? String.fromCharCode(32 + int(95))
          : kind < 0.9
            ? String.fromCodePoint(int(0x110000))
            : String.fromCharCode(int(32))
    }
    return out
  }

  function value(depth = 3): unknown {
    const roll = int(depth > 0 ? 10 : 7)
    switch (roll) {
      case 0:
        return pick(EXTREMES)
      case 1:
        return (random() - 0.5) * 10 ** int(20)
      case 2:
        return int(1000)
      case 3:
        return text()
      case 4:
        return random() < 0.5
      case 5:
        return null
      case 6:
        return pick(['loss', 'start', 'stop', 'pause', 'resume', 'metrics', 'text', 'csv'])
      case 7:
      case 8: {
        const object: Record<string, unknown> = {}
        const keys = int(5)
        for (let i = 0; i < keys; i++)
          object[random() < 0.5 ? text(8) : pick(KEYS)] = value(depth - 1)
        return object
      }
      default:
        return Array.from({ length: int(5) }, () => value(depth - 1))
    }
  }

  function mutateOnce(target: unknown, depth = 0): unknown {
    if (target === null || typeof target !== 'object' || depth > 6 || random() < 0.25) {
      return random() < 0.5 ? pick(EXTREMES) : value(2)
    }
    if (Array.isArray(target)) {
      const copy = [...target]
      if (copy.length === 0 || random() < 0.2) copy.push(value(2))
      else {
        const i = int(copy.length)
        if (random() < 0.2) copy.splice(i, 1)
        else copy[i] = mutateOnce(copy[i], depth + 1)
      }
      return copy
    }
    const copy: Record<string, unknown> = { ...(target as Record<string, unknown>) }
    const keys = Object.keys(copy)
    const action = random()
    if (keys.length === 0 || action < 0.15) copy[pick(KEYS)] = value(2)
    else if (action < 0.3) delete copy[pick(keys)]
    else if (action < 0.35) copy.extra = deeplyNested(50 + int(1000))
    else {
      const key = pick(keys)
      copy[key] = mutateOnce(copy[key], depth + 1)
    }
    return copy
  }

  return {
    random,
    int,
    pick,
    value,
    text,
    mutate(message) {
      let out = message
      const times = 1 + int(3)
      for (let i = 0; i < times; i++) out = mutateOnce(out)
      return out
    }
  }
}

/** Field names worth guessing: the contract's and the protocol's. */
const KEYS = [
  'seq',
  'type',
  'method',
  'input',
  'runId',
  'datasetId',
  'importId',
  'limit',
  'status',
  'names',
  'afterStep',
  'maxPoints',
  'config',
  'dataset',
  'resume',
  'points',
  'step',
  'value',
  'checkpoint',
  'weights',
  'payload',
  'files',
  'name',
  'size',
  'offset',
  'data',
  '__proto__',
  'constructor',
  'prototype'
]
