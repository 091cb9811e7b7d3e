/**
 * Two-component PCA for the hidden-state view, in plain JS: the probe is small (at most a few
 * hundred points), so power iteration on `Xᵀ(X v)` with deflation is quick, deterministic on every
 * backend, and never forms the `H × H` covariance.
 */

export interface Pca2 {
  /** Each row projected on the first two principal axes. */
  points: [number, number][]
  /** Share of the total variance along each axis. */
  explainedVariance: [number, number]
}

const MAX_ITERATIONS = 500
/** Squared change of the unit direction between iterations at which it counts as converged. */
const TOLERANCE = 1e-24

/**
 * @param data `[rows, dims]` row-major
 */
export function pca2(data: ArrayLike<number>, rows: number, dims: number): Pca2 {
  const x = new Float64Array(rows * dims)
  for (let j = 0; j < dims; j++) {
    let mean = 0
    for (let i = 0; i < rows; i++) mean += data[i * dims + j]
    mean /= Math.max(rows, 1)
    for (let i = 0; i < rows; i++) x[i * dims + j] = data[i * dims + j] - mean
  }
  const centred = Float64Array.from(x)
  let total = 0
  for (const value of x) total += value * value
  const axes: Float64Array[] = []
  const variances: number[] = []
  for (let k = 0; k < 2; k++) {
    const { axis, variance } = principalAxis(x, rows, dims)
    axes.push(axis)
    variances.push(variance)
    deflate(x, rows, dims, axis)
  }
  const [first, second] = axes.map((axis) => multiply(centred, rows, dims, axis))
  const points = Array.from(first, (value, i): [number, number] => [value, second[i]])
  const explainedVariance: [number, number] =
    total > 0 ? [variances[0] / total, variances[1] / total] : [0, 0]
  return { points, explainedVariance }
}

/** The leading eigenvector of `XᵀX` (unit length, largest entry positive) and `‖X v‖²`. */
function principalAxis(
  x: Float64Array,
  rows: number,
  dims: number
): { axis: Float64Array; variance: number } {
  // A start vector no axis is orthogonal to in practice, the same on every run.
  let v: Float64Array = new Float64Array(dims).map((_, j) => 1 + j / (dims + 1))
  normalise(v)
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const next = multiplyTransposed(x, rows, dims, multiply(x, rows, dims, v))
    if (normalise(next) === 0) return { axis: new Float64Array(dims), variance: 0 }
    // Converged when the direction stops moving (the eigenvalue settles much sooner).
    let change = 0
    for (let j = 0; j < dims; j++) change += (next[j] - v[j]) ** 2
    v = next
    if (change <= TOLERANCE) break
  }
  let largest = 0
  for (let j = 0; j < dims; j++) if (Math.abs(v[j]) > Math.abs(v[largest])) largest = j
  if (v[largest] < 0) v = v.map((value) => -value)
  const xv = multiply(x, rows, dims, v)
  let squared = 0
  for (const value of xv) squared += value * value
  return { axis: v, variance: squared }
}

/** `x ← x − (x v) vᵀ`: removes the axis so the next power iteration finds the following one. */
function deflate(x: Float64Array, rows: number, dims: number, v: Float64Array): void {
  const xv = multiply(x, rows, dims, v)
  for (let i = 0; i < rows; i++) for (let j = 0; j < dims; j++) x[i * dims + j] -= xv[i] * v[j]
}

function multiply(x: Float64Array, rows: number, dims: number, v: Float64Array): Float64Array {
  const out = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let sum = 0
    for (let j = 0; j < dims; j++) sum += x[i * dims + j] * v[j]
    out[i] = sum
  }
  return out
}

function multiplyTransposed(
  x: Float64Array,
  rows: number,
  dims: number,
  u: Float64Array
): Float64Array {
  const out = new Float64Array(dims)
  for (let i = 0; i < rows; i++) for (let j = 0; j < dims; j++) out[j] += x[i * dims + j] * u[i]
  return out
}

function normalise(v: Float64Array): number {
  let sum = 0
  for (const value of v) sum += value * value
  const norm = Math.sqrt(sum)
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j] /= norm
  return norm
}
