/**
 * A checkpoint's weights read straight from its blob (float32, little-endian, in manifest order:
 * engine/train/checkpoint.ts), by their tfjs names, without tfjs: the ONNX export needs no model
 * to be built, only these arrays in Keras layout.
 */
import type { CheckpointData } from '../train/types'
import { ExportError } from './errors'

/** One weight in tfjs-layers' (= Keras's) layout, e.g. an LSTM kernel `[input, 4·units]`. */
export interface Weight {
  name: string
  shape: number[]
  /** Row-major. */
  values: Float32Array
}

export class WeightTable {
  readonly #byName = new Map<string, Weight>()

  constructor(weights: Weight[]) {
    for (const w of weights) this.#byName.set(w.name, w)
  }

  has(name: string): boolean {
    return this.#byName.has(name)
  }

  /**
   * @param shape the shape the caller expects; a mismatch means the checkpoint does not belong
   *   to the network its config describes
   */
  get(name: string, shape?: readonly number[]): Weight {
    const weight = this.#byName.get(name)
    if (weight === undefined) {
      throw new ExportError(
        'BAD_CHECKPOINT',
        `The checkpoint has no weight ${name}: it does not match its network spec (weights: ${[...this.#byName.keys()].join(', ')}).`
      )
    }
    if (shape && weight.shape.join('x') !== shape.join('x')) {
      throw new ExportError(
        'BAD_CHECKPOINT',
        `Checkpoint weight ${name} is [${weight.shape}] but the network needs [${shape}].`
      )
    }
    return weight
  }

  names(): string[] {
    return [...this.#byName.keys()]
  }
}

/** The checkpoint's model weights by name. */
export function readCheckpointWeights(checkpoint: CheckpointData): WeightTable {
  const bytes = checkpoint.weights
  const manifest = checkpoint.meta.weights
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const total = manifest.reduce((sum, e) => sum + e.shape.reduce((a, b) => a * b, 1), 0)
  if (total * 4 !== bytes.byteLength) {
    throw new ExportError(
      'BAD_CHECKPOINT',
      `The checkpoint's weights blob has ${bytes.byteLength} bytes but its manifest describes ${total * 4}.`
    )
  }
  let offset = 0
  const weights = manifest.map((entry) => {
    const size = entry.shape.reduce((a, b) => a * b, 1)
    const values = new Float32Array(size)
    for (let i = 0; i < size; i++) values[i] = view.getFloat32(offset + i * 4, true)
    offset += size * 4
    return { name: entry.name, shape: [...entry.shape], values }
  })
  return new WeightTable(weights)
}
