/**
 * The optimisers a run can use, with the schedule applied by setting the learning rate before
 * each step, and their state (Adam's moments, RMSProp's mean squares, momentum buffers) saved
 * to and restored from the checkpoint blob format.
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainConfig } from '../../shared/domain/train-config'
import type { NamedTensor, PackedTensors } from './checkpoint'
import { packTensors, unpackTensors } from './checkpoint'

/**
 * Keras's epsilon. tfjs would otherwise take the backend's (1e-7 on cpu/wasm, 1e-4 on WebGL), so
 * the same config would train differently on different backends.
 */
const EPSILON = 1e-7

/**
 * - `adam`: β₁ 0.9, β₂ 0.999 (Kingma & Ba 2015, Keras defaults).
 * - `rmsprop`: decay 0.9, no momentum (Hinton's lecture 6e; Keras defaults).
 * - `sgd`: classical momentum (`training.momentum`; 0 gives plain SGD with the same state layout).
 */
export function createOptimizer(
  training: Pick<TrainConfig, 'optimizer' | 'learningRate' | 'momentum'>
): tf.Optimizer {
  switch (training.optimizer) {
    case 'adam':
      return tf.train.adam(training.learningRate, 0.9, 0.999, EPSILON)
    case 'rmsprop':
      return tf.train.rmsprop(training.learningRate, 0.9, 0, EPSILON)
    case 'sgd':
      return tf.train.momentum(training.learningRate, training.momentum)
  }
}

/**
 * Disposes an optimiser and its state. tfjs's MomentumOptimizer.dispose forgets the `−lr` scalar
 * its SGD base class keeps, so that one is disposed here.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose()
  if (optimizer.getClassName() === 'Momentum') {
    const c = (optimizer as unknown as { c?: tf.Tensor }).c
    if (c && !c.isDisposed) c.dispose()
  }
}

/**
 * Sets the rate the next `applyGradients` uses. Adam and RMSProp read their (TS-protected)
 * `learningRate` field on every step; SGD/momentum caches `-lr` as a scalar, which only
 * `setLearningRate` refreshes.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  if (isSgd(optimizer)) {
    if (currentLearningRate(optimizer) !== learningRate) optimizer.setLearningRate(learningRate)
  } else {
    ;(optimizer as unknown as { learningRate: number }).learningRate = learningRate
  }
}

/**
 * By class name: tfjs gives `Optimizer` a `Symbol.hasInstance` that accepts any optimiser, and
 * subclasses inherit it, so `x instanceof tf.AdamOptimizer` is true for every optimiser.
 */
function isSgd(optimizer: tf.Optimizer): optimizer is tf.SGDOptimizer {
  const name = optimizer.getClassName()
  return name === 'SGD' || name === 'Momentum'
}

function isAdam(optimizer: tf.Optimizer): boolean {
  return optimizer.getClassName() === 'Adam'
}

export function currentLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate
}

/** Adam's running β^t products (see {@link packOptimizerState}). */
interface AdamInternals {
  accBeta1: tf.Variable
  accBeta2: tf.Variable
}

/** Names of Adam's running products β₁^t, β₂^t in a packed optimiser state (both engines). */
export const ACC_BETA = ['adam/acc_beta1', 'adam/acc_beta2'] as const

/**
 * The optimiser's state as a blob: `iter` (the step counter), then its slots in tfjs's own
 * order, named `<weight>/<slot>` with the model's stable weight names (tfjs names them after the
 * process-unique variable names). Slots are matched by position on restore, as tfjs does.
 *
 * Adam also gets its running products β₁^t, β₂^t: tfjs's `setWeights` recomputes them as
 * `pow(β, t + 1)`, which can differ in the last bit from the product it accumulates, and a
 * resumed run must continue bit for bit.
 * @param stableNames variable name → stable weight name (`LayerVariable.name → originalName`)
 */
export async function packOptimizerState(
  optimizer: tf.Optimizer,
  stableNames: Map<string, string>
): Promise<PackedTensors> {
  const weights = await optimizer.getWeights()
  const named: NamedTensor[] = weights.map(({ name, tensor }) => ({
    name: renamePrefix(name, stableNames),
    tensor
  }))
  if (isAdam(optimizer)) {
    const adam = optimizer as unknown as AdamInternals
    named.push(
      { name: ACC_BETA[0], tensor: adam.accBeta1 },
      { name: ACC_BETA[1], tensor: adam.accBeta2 }
    )
  }
  try {
    return packTensors(named)
  } finally {
    // getWeights hands out the live slot variables, plus a fresh scalar for the step counter.
    weights.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose())
  }
}

/**
 * Restores state packed by {@link packOptimizerState} into a fresh optimiser of the same kind
 * (one that has not stepped yet: tfjs would leak the slots it replaces).
 * @param variableNames stable weight name → this process's variable name
 */
export async function restoreOptimizerState(
  optimizer: tf.Optimizer,
  packed: PackedTensors,
  variableNames: Map<string, string>
): Promise<void> {
  const tensors = unpackTensors(packed)
  try {
    const slots = tensors.filter((t) => !(ACC_BETA as readonly string[]).includes(t.name))
    await optimizer.setWeights(
      slots.map(({ name, tensor }) => ({ name: renamePrefix(name, variableNames), tensor }))
    )
    if (isAdam(optimizer)) {
      const adam = optimizer as unknown as AdamInternals
      const [beta1, beta2] = ACC_BETA.map((name) => tensors.find((t) => t.name === name)?.tensor)
      if (beta1) adam.accBeta1.assign(beta1)
      if (beta2) adam.accBeta2.assign(beta2)
    }
  } finally {
    // setWeights wraps each slot in a new variable (sharing the data), so ours can go.
    tf.dispose(tensors.map((t) => t.tensor))
  }
}

/** `<prefix>/<slot>` with the prefix renamed where the map knows it. */
function renamePrefix(name: string, names: Map<string, string>): string {
  const cut = name.lastIndexOf('/')
  if (cut < 0) return name
  const prefix = name.slice(0, cut)
  return `${names.get(prefix) ?? prefix}${name.slice(cut)}`
}
