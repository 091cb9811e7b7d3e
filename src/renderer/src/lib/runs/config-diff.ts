/**
 * Comparing run configs: each config flattened to `path → value` leaves (`training.learningRate`,
 * `network.layers.1.units`), and only the paths whose values differ kept, in the order they first
 * appear. Values are shown as text: numbers and strings as they are, a missing field as `—`.
 */

export interface DiffRow {
  /** Dotted path of the field, e.g. `network.layers.0.units`. */
  path: string
  /** One shown value per config, in the order given. */
  values: string[]
}

/** `{ a: { b: 1 }, c: [2, { d: 3 }] }` → `a.b = 1`, `c.0 = 2`, `c.1.d = 3`. */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, unknown>()) {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, '[]')
    value.forEach((item, i) =>
      flattenConfig(item, prefix === '' ? String(i) : `${prefix}.${i}`, out)
    )
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
    if (entries.length === 0 && prefix !== '') out.set(prefix, '{}')
    for (const [key, item] of entries)
      flattenConfig(item, prefix === '' ? key : `${prefix}.${key}`, out)
  } else if (prefix !== '') {
    out.set(prefix, value)
  }
  return out
}

function section(path: string): string {
  return path.split('.', 1)[0]
}

function show(value: unknown): string {
  if (value === undefined) return '—'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/**
 * The fields where the configs disagree (a field only some have counts as a difference), grouped
 * by section (`task`, `network`, `training`…) in the order the sections first appear.
 */
export function diffConfigs(configs: readonly unknown[]): DiffRow[] {
  const flat = configs.map((c) => flattenConfig(c))
  const paths: string[] = []
  for (const map of flat) for (const path of map.keys()) if (!paths.includes(path)) paths.push(path)
  const sections = [...new Set(paths.map(section))]
  paths.sort((a, b) => sections.indexOf(section(a)) - sections.indexOf(section(b)))
  return paths
    .map((path) => ({ path, values: flat.map((map) => show(map.get(path))) }))
    .filter((row) => row.values.some((v) => v !== row.values[0]))
}
