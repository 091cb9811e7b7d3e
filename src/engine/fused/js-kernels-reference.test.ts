/**
 * Why the plain-TypeScript kernels may serve as the reference: their forward outputs equal
 * tfjs-layers' own SimpleRNN / LSTM / GRU (the layers the studio trains and exports), their
 * gradients equal tf.variableGrads through those layers, and both equal float64 central finite
 * differences of the kernels themselves on small sizes.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import type { FusedCell, RnnLayerShape } from './kernels'
import { createJsKernels, FUSED_CELLS } from './js-kernels'
import { makeRnnProblem, relativeError, type RnnCase, type RnnProblem } from './conformance-checks'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

const kernels = createJsKernels()

/** `[T, N, F]` ↔ `[N, T, F]`. */
function swapTimeBatch(data: Float32Array, a: number, b: number, f: number): Float32Array {
  const out = new Float32Array(data.length)
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      out.set(data.subarray((i * b + j) * f, (i * b + j + 1) * f), (j * a + i) * f)
    }
  }
  return out
}

function tfjsLayer(cell: FusedCell, units: number, reverse: boolean): tf.RNN {
  const common = { units, returnSequences: true, goBackwards: reverse }
  switch (cell) {
    case 'rnn-tanh':
      return tf.layers.simpleRNN({ ...common, activation: 'tanh' })
    case 'rnn-relu':
      return tf.layers.simpleRNN({ ...common, activation: 'relu' })
    case 'lstm':
      return tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' })
    case 'gru':
      return tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' })
  }
}

interface LayerResult {
  /** `[T, N, H]`, by original time step. */
  y: Float32Array
  dx: Float32Array
  kernel: Float32Array
  recurrentKernel: Float32Array
  bias: Float32Array
}

/**
 * The same layer-direction through tfjs-layers: batch-major, `go_backwards` outputs re-reversed,
 * gradients of `Σ y ⊙ dy` by tf.variableGrads (x is a variable too, to get ∂x).
 */
function throughTfjs(c: RnnLayerShape & { reverse: boolean }, p: RnnProblem): LayerResult {
  const { steps: T, batch: N, inputSize: I, units: H } = c
  const layer = tfjsLayer(c.cell, H, c.reverse)
  const { kernel, recurrentKernel, bias } = p.weights
  const G = kernel.length / (I * H)
  const x = tf.variable(tf.tensor3d(swapTimeBatch(p.x, T, N, I), [N, T, I]), true)
  const dy = tf.tensor3d(swapTimeBatch(p.dy, T, N, H), [N, T, H])
  const initialState = p.h0
    ? [tf.tensor2d(p.h0, [N, H]), ...(p.c0 ? [tf.tensor2d(p.c0, [N, H])] : [])]
    : undefined
  // The first call builds the layer (its weights exist only then).
  tf.dispose(layer.apply(x, initialState ? { initialState } : {}) as tf.Tensor)
  layer.setWeights([
    tf.tensor2d(kernel, [I, G * H]),
    tf.tensor2d(recurrentKernel, [H, G * H]),
    tf.tensor1d(bias)
  ])
  let y: Float32Array = new Float32Array()
  const weights = layer.trainableWeights
  const { grads } = tf.variableGrads(() => {
    let out = layer.apply(x, initialState ? { initialState } : {}) as tf.Tensor3D
    if (c.reverse) out = tf.reverse(out, 1)
    y = swapTimeBatch(out.dataSync() as Float32Array, N, T, H)
    return tf.sum(tf.mul(out, dy))
  })
  const read = (name: string) => grads[name].dataSync() as Float32Array
  const result: LayerResult = {
    y,
    dx: swapTimeBatch(read(x.name), N, T, I),
    kernel: read((weights[0].read() as tf.Variable).name),
    recurrentKernel: read((weights[1].read() as tf.Variable).name),
    bias: read((weights[2].read() as tf.Variable).name)
  }
  tf.dispose([x, dy, ...(initialState ?? []), ...Object.values(grads)])
  layer.dispose()
  return result
}

function throughKernels(c: RnnCase, p: RnnProblem): LayerResult {
  const out = kernels.rnnForward({
    ...c,
    weights: p.weights,
    x: p.x,
    h0: p.h0,
    c0: p.c0,
    training: true
  })
  const grads = kernels.rnnBackward({ tape: out.tape!, dy: p.dy })
  out.tape!.release()
  return { y: out.y, ...grads }
}

/**
 * T = 1 is left to the finite-difference test below: tfjs-layers 4.22 cannot differentiate a
 * one-step sequence (the gradient of its one-element `stack` throws "Argument tensors passed to
 * stack must be a `Tensor[]`").
 */
const shapes: Array<Omit<RnnCase, 'cell' | 'label' | 'seed'>> = [
  { steps: 7, batch: 2, inputSize: 3, units: 5, reverse: false, initialState: false },
  { steps: 7, batch: 2, inputSize: 3, units: 5, reverse: true, initialState: true },
  { steps: 3, batch: 1, inputSize: 4, units: 6, reverse: true, initialState: true },
  { steps: 5, batch: 3, inputSize: 2, units: 4, reverse: true, initialState: false }
]

describe('js kernels against tfjs-layers', () => {
  for (const cell of FUSED_CELLS) {
    shapes.forEach((shape, i) => {
      const c: RnnCase = {
        ...shape,
        cell,
        label: `${cell} T=${shape.steps} N=${shape.batch}`,
        seed: 40 + i
      }
      const name = `${c.label}${c.reverse ? ' reverse' : ''}${c.initialState ? ' h0' : ''}`
      it(`${name}: outputs and every gradient within 1e-5`, () => {
        const p = makeRnnProblem(c)
        const want = throughTfjs(c, p)
        const got = throughKernels(c, p)
        for (const key of ['y', 'dx', 'kernel', 'recurrentKernel', 'bias'] as const) {
          expect(relativeError(got[key], want[key]), key).toBeLessThan(1e-5)
        }
      })
    })
  }
})

/**
 * Float64 central differences of `Σ y ⊙ dy` with respect to every weight, input and (where given)
 * initial-state entry, computed through the kernels' own forward (which accumulates in float64 but
 * stores y as float32 — hence a step of 1e-2 and the tolerance below).
 */
describe('js kernels against finite differences', () => {
  for (const [cell, steps] of FUSED_CELLS.flatMap(
    (cell) =>
      [
        [cell, 4],
        [cell, 1]
      ] as const
  )) {
    it(`${cell} T=${steps}: analytic gradients equal central differences`, () => {
      const c: RnnCase = {
        cell,
        steps,
        batch: 2,
        inputSize: 3,
        units: 3,
        reverse: cell === 'gru' || cell === 'rnn-relu',
        initialState: true,
        label: cell,
        seed: 77
      }
      const p = makeRnnProblem(c)
      const objective = () => {
        const out = kernels.rnnForward({
          ...c,
          weights: p.weights,
          x: p.x,
          h0: p.h0,
          c0: p.c0,
          training: false
        })
        let s = 0
        for (let i = 0; i < out.y.length; i++) s += out.y[i] * p.dy[i]
        return s
      }
      const analytic = throughKernels(c, p)
      const step = 1e-2
      const numeric = (array: Float32Array) =>
        Array.from(array, (_, i) => {
          const keep = array[i]
          array[i] = keep + step
          const up = objective()
          array[i] = keep - step
          const down = objective()
          array[i] = keep
          return (up - down) / (2 * step)
        })
      expect(relativeError(analytic.dx, numeric(p.x)), 'dx').toBeLessThan(2e-4)
      expect(relativeError(analytic.kernel, numeric(p.weights.kernel)), 'kernel').toBeLessThan(2e-4)
      expect(
        relativeError(analytic.recurrentKernel, numeric(p.weights.recurrentKernel)),
        'recurrentKernel'
      ).toBeLessThan(2e-4)
      expect(relativeError(analytic.bias, numeric(p.weights.bias)), 'bias').toBeLessThan(2e-4)
    })
  }
})
