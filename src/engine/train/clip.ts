/**
 * Gradient norms and clipping by global norm (Pascanu, Mikolov & Bengio 2013, "On the difficulty
 * of training recurrent neural networks"; TensorFlow's `clip_by_global_norm`): when the norm of all
 * gradients together exceeds `clipNorm`, scale them all by `clipNorm / norm`, which keeps their
 * direction and caps the step that exploding gradients would otherwise take.
 */
import * as tf from '@tensorflow/tfjs'

/** Squared L2 norm of each gradient, `Σ g²`, read back in one transfer. */
export function squaredNorms(grads: tf.NamedTensorMap): Record<string, number> {
  const names = Object.keys(grads)
  if (names.length === 0) return {}
  const values = tf.tidy(() => tf.stack(names.map((name) => tf.sum(tf.square(grads[name])))))
  const data = values.dataSync()
  values.dispose()
  return Object.fromEntries(names.map((name, i) => [name, data[i]]))
}

/** `√(Σ squared norms)`: the norm of all gradients as one vector. */
export function globalNorm(squared: Record<string, number>): number {
  let sum = 0
  for (const value of Object.values(squared)) sum += value
  return Math.sqrt(sum)
}

/**
 * Norms of groups of tensors (e.g. the weights of one layer): `√` of the sum of their squared
 * norms, keyed by `groupOf(name)`.
 */
export function groupNorms(
  squared: Record<string, number>,
  groupOf: (name: string) => string
): Record<string, number> {
  const sums: Record<string, number> = {}
  for (const [name, value] of Object.entries(squared)) {
    const group = groupOf(name)
    sums[group] = (sums[group] ?? 0) + value
  }
  return Object.fromEntries(Object.entries(sums).map(([group, sum]) => [group, Math.sqrt(sum)]))
}

/**
 * Scales every gradient by `clipNorm / norm` when `norm > clipNorm`; `clipNorm` 0 turns it off.
 * @param norm the global norm of `grads` (from {@link globalNorm})
 * @returns new tensors the caller must dispose when `clipped`, otherwise the input map itself
 */
export function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  norm: number,
  clipNorm: number
): { grads: tf.NamedTensorMap; clipped: boolean } {
  if (clipNorm <= 0 || !(norm > clipNorm)) return { grads, clipped: false }
  const scale = clipNorm / norm
  const clipped: tf.NamedTensorMap = {}
  for (const [name, grad] of Object.entries(grads)) clipped[name] = tf.mul(grad, scale)
  return { grads: clipped, clipped: true }
}
