/**
 * The Insight views' data, shaped from diagnostics samples and metric series: the
 * vanishing-gradient curve, per-layer gradient norms with clipping events, the hidden-state PCA
 * grouped for colouring, and weight-norm histories. Plain functions; the components only draw.
 */
import type { SeriesPoint } from '../../../../shared/api/runs'
import type { XY } from '../charts/series'
import type { Diagnostics } from '../training/samples'

/** The global gradient norm, logged every `logEvery` steps. */
export const GRAD_NORM = 'grad_norm'
/** 1 where that step's gradient was clipped, else 0. */
export const GRAD_CLIPPED = 'grad_norm_clipped'
const LAYER_PREFIX = 'grad_norm/'

/** ‖∂L/∂x_t‖ against the time step, counted from 1 (the first input) to T. */
export function gradientCurve(diagnostics: Diagnostics): XY[] {
  return diagnostics.inputGradientNorms.map((y, t) => ({
    x: t + 1,
    y: Number.isFinite(y) ? y : null
  }))
}

/**
 * How much the first step still matters compared with the last: `‖g_1‖ / ‖g_T‖`. Near 1 the
 * gradient reaches back; orders of magnitude below 1, it vanishes on the way.
 */
export function gradientRatio(diagnostics: Diagnostics): number | null {
  const g = diagnostics.inputGradientNorms
  const first = g[0]
  const last = g.at(-1)
  if (first === undefined || last === undefined || !(last > 0)) return null
  return first / last
}

/** Layer names with a `grad_norm/<layer>` series, in the order the metric names came. */
export function gradLayers(names: readonly string[]): string[] {
  return names.filter((n) => n.startsWith(LAYER_PREFIX)).map((n) => n.slice(LAYER_PREFIX.length))
}

export function layerSeriesName(layer: string): string {
  return LAYER_PREFIX + layer
}

/**
 * The steps whose gradient was clipped, placed on the global norm curve (where the marker is
 * drawn); a step without a logged norm is placed at the norm of the nearest step before it.
 */
export function clippingEvents(
  clipped: readonly SeriesPoint[] | undefined,
  gradNorm: readonly SeriesPoint[] | undefined
): XY[] {
  if (clipped === undefined) return []
  const norms = gradNorm ?? []
  const events: XY[] = []
  let j = 0
  for (const p of clipped) {
    if (p.value !== 1) continue
    while (j + 1 < norms.length && norms[j + 1].step <= p.step) j++
    events.push({ x: p.step, y: norms[j]?.value ?? null })
  }
  return events
}

/** One line per weight tensor: its Frobenius norm at each evaluation. */
export function weightNormHistory(
  diagnostics: readonly Diagnostics[]
): { name: string; points: XY[] }[] {
  const names: string[] = []
  for (const d of diagnostics) {
    for (const name of Object.keys(d.weightNorms)) if (!names.includes(name)) names.push(name)
  }
  return names.map((name) => ({
    name,
    points: diagnostics.map((d) => ({ x: d.step, y: d.weightNorms[name] ?? null }))
  }))
}

export interface PcaGroup {
  label: string
  points: XY[]
}

/**
 * The PCA points grouped for colouring. Class or text labels: one group per label, the most
 * frequent `maxGroups − 1` first, the rest as "other". Numeric labels (a position in the sequence,
 * or a target value): `maxGroups` equal ranges from the lowest to the highest, in order.
 * @param what how numeric labels are named in the legend, e.g. "t" or "target"
 */
export function pcaGroups(pca: Diagnostics['hiddenPca'], what: string, maxGroups = 8): PcaGroup[] {
  const { points, labels } = pca
  const n = Math.min(points.length, labels.length)
  const at = (i: number): XY => ({ x: points[i][0], y: points[i][1] })
  if (n === 0) return []
  if (labels.slice(0, n).every((l) => typeof l === 'number')) {
    const values = labels.slice(0, n) as number[]
    const lo = Math.min(...values)
    const hi = Math.max(...values)
    const integer = values.every(Number.isInteger)
    const count = Math.max(1, Math.min(maxGroups, integer ? hi - lo + 1 : maxGroups))
    const width = (hi - lo) / count
    const groups: PcaGroup[] = Array.from({ length: count }, (_, g) => {
      const from = lo + g * width
      const to = g === count - 1 ? hi : lo + (g + 1) * width
      return { label: rangeLabel(what, from, to, integer), points: [] }
    })
    values.forEach((v, i) => {
      const g = width === 0 ? 0 : Math.min(count - 1, Math.floor((v - lo) / width))
      groups[g].points.push(at(i))
    })
    return groups.filter((g) => g.points.length > 0)
  }
  const counts = new Map<string, number>()
  for (let i = 0; i < n; i++)
    counts.set(String(labels[i]), (counts.get(String(labels[i])) ?? 0) + 1)
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label)
  const named = ranked.length <= maxGroups ? ranked : ranked.slice(0, maxGroups - 1)
  const groups = new Map<string, PcaGroup>(named.map((label) => [label, { label, points: [] }]))
  const other: PcaGroup = { label: 'other', points: [] }
  for (let i = 0; i < n; i++) (groups.get(String(labels[i])) ?? other).points.push(at(i))
  return [...groups.values(), ...(other.points.length > 0 ? [other] : [])]
}

function rangeLabel(what: string, from: number, to: number, integer: boolean): string {
  if (integer) {
    const a = Math.ceil(from)
    const b = Math.floor(to)
    return a >= b ? `${what} ${a}` : `${what} ${a}–${b}`
  }
  return `${what} ${Number(from.toPrecision(3))}–${Number(to.toPrecision(3))}`
}
