/**
 * Checkpoint tensors as one flat blob plus a manifest: float32, little-endian, concatenated in
 * manifest order (`TensorEntry` gives each tensor's name and shape). Plain bytes travel between
 * processes and into SQLite without tfjs, and the manifest makes the blob self-describing.
 */
import * as tf from '@tensorflow/tfjs'
import { buildModel } from '../model/build-model'
import type { RnnModel } from '../model/build-model'
import type { CheckpointData, TensorEntry } from './types'

/** A tensor with the name it has in a manifest. */
export interface NamedTensor {
  name: string
  tensor: tf.Tensor
}

/** Tensors as a blob and its manifest. */
export interface PackedTensors {
  data: Uint8Array
  manifest: TensorEntry[]
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function sizeOf(shape: number[]): number {
  return shape.reduce((size, dim) => size * dim, 1)
}

/** Reads the tensors (one synchronous download each) into a float32 little-endian blob. */
export function packTensors(tensors: NamedTensor[]): PackedTensors {
  const manifest = tensors.map(({ name, tensor }) => ({ name, shape: [...tensor.shape] }))
  const total = manifest.reduce((sum, entry) => sum + sizeOf(entry.shape), 0)
  const floats = new Float32Array(total)
  let offset = 0
  for (const { tensor } of tensors) {
    const values = tensor.dataSync() // int32 (an optimiser's step counter) converts in `set`
    floats.set(values, offset)
    offset += values.length
  }
  return { data: toLittleEndianBytes(floats), manifest }
}

/** The blob back as tensors, in manifest order. The caller owns (disposes) them. */
export function unpackTensors(packed: PackedTensors): NamedTensor[] {
  const floats = fromLittleEndianBytes(packed.data)
  const expected = packed.manifest.reduce((sum, entry) => sum + sizeOf(entry.shape), 0)
  if (floats.length !== expected) {
    throw new Error(
      `The weights blob holds ${floats.length} floats but its manifest describes ${expected}.`
    )
  }
  let offset = 0
  return packed.manifest.map((entry) => {
    const size = sizeOf(entry.shape)
    const tensor = tf.tensor(floats.subarray(offset, offset + size), entry.shape, 'float32')
    offset += size
    return { name: entry.name, tensor }
  })
}

function toLittleEndianBytes(floats: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength)
  const bytes = new Uint8Array(floats.length * 4)
  const view = new DataView(bytes.buffer)
  floats.forEach((value, i) => view.setFloat32(i * 4, value, true))
  return bytes
}

function fromLittleEndianBytes(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new Error(`A float32 blob must be a multiple of 4 bytes long, not ${bytes.byteLength}.`)
  }
  // Copy: a blob from SQLite or a message port need not be 4-byte aligned.
  const copy = bytes.slice()
  if (LITTLE_ENDIAN) return new Float32Array(copy.buffer, 0, copy.byteLength / 4)
  const view = new DataView(copy.buffer)
  return Float32Array.from({ length: copy.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true))
}

/**
 * The model's weights in `model.weights` order, named by their scoped layer names
 * (`rnn_1/kernel`, `encoder_1/forward_lstm/recurrent_kernel`…), which are the same in every process.
 */
export function packModelWeights(net: RnnModel): PackedTensors {
  return packTensors(net.model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })))
}

/** Sets the model's weights from a packed blob, refusing one whose manifest does not match. */
export function setModelWeights(net: RnnModel, packed: PackedTensors): void {
  const weights = net.model.weights
  const manifest = packed.manifest
  const mismatch = weights.findIndex(
    (w, i) =>
      manifest[i] === undefined ||
      manifest[i].name !== w.originalName ||
      manifest[i].shape.join('x') !== w.shape.join('x')
  )
  if (mismatch >= 0 || manifest.length !== weights.length) {
    const w = weights[mismatch]
    throw new Error(
      w
        ? `Checkpoint weight ${mismatch} is ${manifest[mismatch]?.name ?? 'missing'} [${manifest[mismatch]?.shape ?? ''}] but the network expects ${w.originalName} [${w.shape}]: the checkpoint belongs to another network.`
        : `The checkpoint holds ${manifest.length} weights but the network has ${weights.length}.`
    )
  }
  const tensors = unpackTensors(packed)
  net.model.setWeights(tensors.map((t) => t.tensor))
  tf.dispose(tensors.map((t) => t.tensor))
}

/**
 * Rebuilds the network a checkpoint was written from (its run config and task shape) and loads
 * its weights: ready for sampling, prediction or export. The caller disposes `model`.
 */
export function loadModelFromCheckpoint(checkpoint: CheckpointData): RnnModel {
  const { config, taskShape } = checkpoint.meta
  const net = buildModel(config.network, taskShape, config.training.seed)
  try {
    setModelWeights(net, { data: checkpoint.weights, manifest: checkpoint.meta.weights })
  } catch (error) {
    net.model.dispose()
    throw error
  }
  return net
}
