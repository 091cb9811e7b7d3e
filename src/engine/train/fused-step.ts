/**
 * One optimiser step on the fused engine (issue #6), in place of the tfjs-layers graph's
 * `tf.variableGrads` + `optimizer.applyGradients`. While a run trains, the stepper owns the
 * weights: master copies as Float32Arrays that the fused network reads and the array optimiser
 * (`fused/optimizers.ts`) updates in place, with clipping and gradient norms on the same arrays.
 * Going through tfjs every step (reading the variables back, building gradient tensors, ~10 tfjs
 * ops per weight for Adam) cost more than the fused forward and backward themselves.
 *
 * The tfjs-layers model is still what everything else reads (evaluation, diagnostics, sampling,
 * checkpoints, exports): `syncModel()` writes the master weights into its variables, and the
 * trainer calls it before each of those reads. The optimiser state is packed into the very blob
 * and manifest `packOptimizerState` writes for the tfjs optimiser, so checkpoints resume on either
 * engine.
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainConfig } from '../../shared/domain/train-config'
import type { RnnModel } from '../model/build-model'
import type { FusedKernels } from '../fused/kernels'
import { loadKernels } from '../fused/load-kernels'
import { FusedNetwork, supportsFused, type FusedBatch } from '../fused/network'
import { AdamArrays, createArrayOptimizer, type ArrayOptimizer } from '../fused/optimizers'
import { packTensors, unpackTensors, type NamedTensor, type PackedTensors } from './checkpoint'
import { globalNorm, groupNorms } from './clip'
import { ACC_BETA } from './optimizers'

/** What the stepper needs of the run's training config. */
export type FusedTraining = Pick<TrainConfig, 'optimizer' | 'momentum'>

export interface FusedStepOptions {
  /** Clip the global gradient norm to this (0 = off). */
  clipNorm: number
  dropoutSeed: number
  /** Variable name → layer name, for the per-layer gradient norms. */
  layerOf: Map<string, string>
}

/** What one step reports (the same fields as the tfjs path's step). */
export interface FusedStepOutcome {
  loss: number
  /** Global gradient norm before clipping. */
  gradNorm: number
  clipped: boolean
  /** Gradient norm of each layer's weights (before clipping). */
  layerNorms: Record<string, number>
}

/** One trainable weight: the model's variable and the stepper's master copy. */
interface MasterWeight {
  variable: tf.Variable
  /** The process-unique variable name (`layerOf` keys). */
  name: string
  /** The stable name (`rnn_1/kernel`): the fused network's and the checkpoints' key. */
  stable: string
  values: Float32Array
}

/** A run's fused trainer: the network, the master weights and the optimiser state; see the file comment. */
export class FusedStepper {
  readonly network: FusedNetwork
  readonly kernels: FusedKernels
  /** In the model's `trainableWeights` order, which is the tfjs optimiser's slot order too. */
  readonly #master: MasterWeight[]
  readonly #weights = new Map<string, Float32Array>()
  readonly #optimizer: ArrayOptimizer
  /** True when a step changed the master weights since the model's variables were last written. */
  #modelStale = false

  /** Copies the model's current weights (initial, or restored from a checkpoint) as the masters. */
  constructor(net: RnnModel, kernels: FusedKernels, training: FusedTraining) {
    this.kernels = kernels
    this.network = new FusedNetwork(net.spec, net.task, kernels)
    const known = new Set(this.network.weights.map((w) => w.name))
    this.#master = net.model.trainableWeights.map((w) => {
      if (!known.has(w.originalName)) {
        throw new Error(`The fused network has no weight ${w.originalName}.`)
      }
      const variable = w.read() as tf.Variable
      // A copy: the cpu backend hands out its own storage.
      const values = (variable.dataSync() as Float32Array).slice()
      this.#weights.set(w.originalName, values)
      return { variable, name: variable.name, stable: w.originalName, values }
    })
    this.#optimizer = createArrayOptimizer(
      training,
      this.#master.map((w) => w.values.length)
    )
  }

  /**
   * Forward, loss, gradients, clipping and the optimiser update for one batch, all on the master
   * arrays. The update is skipped when the loss or the gradient norm is not finite (the caller
   * fails the run).
   */
  step(batch: FusedBatch, learningRate: number, options: FusedStepOptions): FusedStepOutcome {
    const { loss, grads } = this.network.lossAndGradients(this.#weights, batch, {
      dropoutSeed: options.dropoutSeed
    })
    const gradList = this.#master.map((w) => grads.get(w.stable)!)
    const squared: Record<string, number> = {}
    this.#master.forEach((w, k) => (squared[w.name] = sumOfSquares(gradList[k])))
    const gradNorm = globalNorm(squared)
    const layerNorms = groupNorms(squared, (name) => options.layerOf.get(name) ?? name)
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      return { loss, gradNorm, clipped: false, layerNorms }
    }
    // Clipping by global norm as clip.ts's clipByGlobalNorm; the optimiser applies the factor.
    const clipped = options.clipNorm > 0 && gradNorm > options.clipNorm
    const scale = clipped ? options.clipNorm / gradNorm : 1
    const weights = this.#master.map((w) => w.values)
    this.#optimizer.apply(weights, gradList, learningRate, scale)
    this.#modelStale = true
    return { loss, gradNorm, clipped, layerNorms }
  }

  /**
   * Writes the master weights into the model's variables, when a step has changed them since the
   * last call. Whatever reads the model during training must call this first.
   */
  syncModel(): void {
    if (!this.#modelStale) return
    for (const { variable, values } of this.#master) {
      // A copy again: the cpu backend would keep `values` itself, which the next step changes.
      const value = tf.tensor(values.slice(), variable.shape, 'float32')
      variable.assign(value)
      value.dispose()
    }
    this.#modelStale = false
  }

  /**
   * The optimiser state in `packOptimizerState`'s layout: `iter`, then each slot kind for every
   * weight (`<stable name>/<slot>`, model order), then Adam's running products. Like tfjs, an
   * optimiser that has not stepped has no slots yet.
   */
  packOptimizerState(): PackedTensors {
    const optimizer = this.#optimizer
    const named: NamedTensor[] = [
      { name: 'iter', tensor: tf.scalar(optimizer.iterations, 'int32') }
    ]
    if (optimizer.iterations > 0) {
      for (const slot of optimizer.slots) {
        slot.values.forEach((values, k) => {
          const { stable, variable } = this.#master[k]
          named.push({
            name: `${stable}/${slot.suffix}`,
            tensor: tf.tensor(values, variable.shape)
          })
        })
      }
    }
    if (optimizer instanceof AdamArrays) {
      named.push(
        { name: ACC_BETA[0], tensor: tf.scalar(optimizer.accBeta1) },
        { name: ACC_BETA[1], tensor: tf.scalar(optimizer.accBeta2) }
      )
    }
    try {
      return packTensors(named)
    } finally {
      tf.dispose(named.map((n) => n.tensor))
    }
  }

  /**
   * Restores state packed by {@link packOptimizerState} or by the tfjs optimiser's
   * `packOptimizerState` (same layout), into a stepper that has not stepped yet.
   */
  restoreOptimizerState(packed: PackedTensors): void {
    const optimizer = this.#optimizer
    const tensors = unpackTensors(packed)
    try {
      const values = new Map(tensors.map(({ name, tensor }) => [name, tensor.dataSync()]))
      const iter = values.get('iter')
      if (!iter) throw new Error('The optimiser state has no step counter (iter).')
      optimizer.iterations = iter[0]
      const slots = tensors.filter((t) => t.name !== 'iter' && !isAccBeta(t.name))
      // No slots: tfjs had not stepped when it was saved, and zeros are what it would create.
      if (slots.length > 0) {
        const expected = optimizer.slots.length * this.#master.length
        if (slots.length !== expected) {
          throw new Error(
            `The optimiser state holds ${slots.length} slots but ${optimizer.className} needs ${expected} for this network.`
          )
        }
        for (const slot of optimizer.slots) {
          slot.values.forEach((target, k) => {
            const name = `${this.#master[k].stable}/${slot.suffix}`
            const source = values.get(name)
            if (!source || source.length !== target.length) {
              throw new Error(`The optimiser state has no slot ${name} of ${target.length} values.`)
            }
            target.set(source)
          })
        }
      }
      if (optimizer instanceof AdamArrays) {
        const [beta1, beta2] = ACC_BETA.map((name) => values.get(name)?.[0])
        if (beta1 === undefined || beta2 === undefined) optimizer.resetAccBetas()
        else [optimizer.accBeta1, optimizer.accBeta2] = [beta1, beta2]
      }
    } finally {
      tf.dispose(tensors.map((t) => t.tensor))
    }
  }

  /** Frees the kernels (thread pools, native or WebAssembly memory). */
  dispose(): void {
    this.kernels.dispose()
  }
}

function isAccBeta(name: string): boolean {
  return (ACC_BETA as readonly string[]).includes(name)
}

/** `Σ g²`, in four running sums so the adds do not wait on one another. */
function sumOfSquares(g: Float32Array): number {
  let [s0, s1, s2, s3] = [0, 0, 0, 0]
  const end = g.length - (g.length % 4)
  for (let i = 0; i < end; i += 4) {
    s0 += g[i] * g[i]
    s1 += g[i + 1] * g[i + 1]
    s2 += g[i + 2] * g[i + 2]
    s3 += g[i + 3] * g[i + 3]
  }
  for (let i = end; i < g.length; i++) s0 += g[i] * g[i]
  return s0 + s1 + s2 + s3
}

/** The engine a run trains on: a fused stepper, or null for the tfjs-layers graph. */
export interface TrainEngine {
  stepper: FusedStepper | null
  /** Recorded on the run, e.g. `fused onednn` or `tfjs-layers`. */
  name: string
}

/**
 * Chooses the engine for `training.engine` and this network, logging one line: which engine
 * trains, and why any preferred one was skipped. A fused stepper starts from the model's current
 * weights.
 */
export async function chooseTrainEngine(
  training: FusedTraining & Pick<TrainConfig, 'engine'>,
  net: RnnModel,
  log: (line: string) => void
): Promise<TrainEngine> {
  const choice = training.engine
  if (choice === 'tfjs') {
    log('engine: tfjs-layers (asked for)')
    return { stepper: null, name: 'tfjs-layers' }
  }
  const unsupported = supportsFused(net.spec, net.task)
  if (unsupported) {
    log(`engine: tfjs-layers (fused ${choice} engine skipped: ${unsupported})`)
    return { stepper: null, name: 'tfjs-layers' }
  }
  const { kernels, skipped } = await loadKernels(choice)
  const why = skipped.length > 0 ? ` (skipped: ${skipped.join('; ')})` : ''
  if (!kernels) {
    log(`engine: tfjs-layers${why}`)
    return { stepper: null, name: 'tfjs-layers' }
  }
  let stepper: FusedStepper
  try {
    stepper = new FusedStepper(net, kernels, training)
  } catch (error) {
    kernels.dispose()
    throw error
  }
  log(`engine: fused ${kernels.name}, ${kernels.detail}${why}`)
  return { stepper, name: `fused ${kernels.name}` }
}
