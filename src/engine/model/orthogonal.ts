/**
 * Orthogonal initialisation (Saxe et al. 2014), computed in plain JS.
 *
 * tfjs-layers' own Orthogonal runs its QR factorisation as hundreds of small tensor ops, and
 * that is slow enough to stall a run before its first step: building two LSTM-128 layers took
 * 82 s on the cpu backend, two LSTM-512 layers 78 s on wasm (measured here). This class is the
 * same construction — a seeded N(0, 1) matrix of shape `[max(r, c), min(r, c)]`, its QR
 * factorisation with R's diagonal made positive (which makes Q unique, so the answer matches
 * tfjs's up to rounding), transposed when `r < c` — with the QR done by modified Gram–Schmidt on
 * Float64 columns: about a second for LSTM-512.
 *
 * It keeps tfjs's class name and config (`Orthogonal`, `gain`, `seed`), so exported models read
 * as Keras's own, and it replaces tfjs's entry in the deserialisation map: a Bidirectional wrapper
 * rebuilds its inner layer from config, and would otherwise get the slow class back.
 */
import * as tf from '@tensorflow/tfjs'

type TfInitializer = ReturnType<typeof tf.initializers.orthogonal>

interface OrthogonalArgs {
  gain?: number
  seed?: number
}

const TfOrthogonal = tf.initializers.orthogonal({}).constructor as new (
  args: OrthogonalArgs
) => TfInitializer

export class Orthogonal extends TfOrthogonal {
  /** @nocollapse */
  static readonly className = 'Orthogonal'
  /** @nocollapse Serializable's own, restated: the base class here is typed as a bare constructor. */
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict
  ): T {
    return new cls(config)
  }

  readonly #gain: number
  readonly #seed: number | undefined

  constructor(args: OrthogonalArgs = {}) {
    super(args)
    this.#gain = args.gain ?? 1
    this.#seed = args.seed
  }

  /**
   * @param shape `[..., c]`, flattened to `[r, c]` with `r` the product of the leading dims
   * @returns `shape`, with orthonormal columns (`r ≥ c`) or rows (`r < c`), times `gain`
   */
  override apply(shape: tf.Shape, dtype?: tf.DataType): tf.Tensor {
    if (shape.length < 2) throw new Error('Orthogonal initialisation needs at least 2 dimensions.')
    if (dtype !== undefined && dtype !== 'float32') {
      throw new Error(`Orthogonal initialisation makes float32 weights, not ${dtype}.`)
    }
    const dims = shape.map((d) => d ?? 1)
    const cols = dims[dims.length - 1]
    const rows = dims.slice(0, -1).reduce((a, b) => a * b, 1)
    const m = Math.max(rows, cols)
    const n = Math.min(rows, cols)
    const normal = tf.randomNormal([m, n], 0, 1, 'float32', this.#seed)
    const q = orthonormalColumns(normal.dataSync(), m, n)
    normal.dispose()
    const out = new Float32Array(rows * cols)
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // Q is [m, n] by columns; r < c means the answer is Qᵀ.
        const value = rows >= cols ? q[c * m + r] : q[r * m + c]
        out[r * cols + c] = this.#gain * value
      }
    }
    return tf.tensor(out, dims, 'float32')
  }
}

/**
 * Modified Gram–Schmidt on the columns of a row-major `[m, n]` matrix (m ≥ n): Q with
 * orthonormal columns and the R of positive diagonal, i.e. the unique QR factor.
 * @returns `[n][m]` column-major
 */
export function orthonormalColumns(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const q = new Float64Array(n * m)
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) q[j * m + i] = a[i * n + j]
  for (let j = 0; j < n; j++) {
    const v = q.subarray(j * m, (j + 1) * m)
    for (let k = 0; k < j; k++) {
      const u = q.subarray(k * m, (k + 1) * m)
      let dot = 0
      for (let i = 0; i < m; i++) dot += u[i] * v[i]
      for (let i = 0; i < m; i++) v[i] -= dot * u[i]
    }
    let norm = 0
    for (let i = 0; i < m; i++) norm += v[i] * v[i]
    norm = Math.sqrt(norm)
    for (let i = 0; i < m; i++) v[i] /= norm
  }
  return q
}

let registered = false

/** Makes deserialisation (Bidirectional's inner layers, loaded models) use this class. Idempotent. */
export function registerOrthogonal(): void {
  if (registered) return
  tf.serialization.SerializationMap.register(Orthogonal)
  registered = true
}
