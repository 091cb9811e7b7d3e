/**
 * The studio's three optimisers on Float32Arrays, for the fused engines (issue #6): the update
 * rules of the tfjs optimisers that `train/optimizers.ts` configures (tfjs-core 4.22's
 * adam_optimizer.ts, rmsprop_optimizer.ts, momentum_optimizer.ts), one pass over the weights
 * instead of ~10 tfjs ops per weight tensor.
 *
 * Numbers: each hyperparameter tfjs is handed (β₁, 1 − β₁, ε, −lr) becomes a float32 scalar
 * there, so it is rounded to float32 here too, and weights and slots are stored in float32. The
 * arithmetic of Adam and RMSProp between loads and stores is in double rather than rounded op by
 * op, and Adam's bias corrections are folded into one factor per step (below); they agree with
 * tfjs to about one float32 rounding per step (the test holds them to 1e-6 relative over 100
 * steps; 200 steps on the tfjs wasm backend stayed within 2e-7). Rounding every op with
 * Math.fround reproduces tfjs bit for bit but made Adam ~3.5× slower (2.1 against 0.6 ms per W1
 * step), more than a fused step can spare. Momentum SGD does round op by op (see there).
 *
 * Slots are laid out as tfjs lays them out (`getWeights` order: one slot kind after the other,
 * one array per weight in weight order), so `train/fused-step.ts` can write and read the same
 * checkpoint blob as `packOptimizerState`.
 */
import type { TrainConfig } from '../../shared/domain/train-config'

const f = Math.fround

/** One kind of slot (Adam's `m`, RMSProp's `rms`…): one array per weight, in weight order. */
export interface OptimizerSlot {
  /** tfjs's suffix: the slot of weight `w` is named `w/<suffix>`. */
  suffix: string
  values: Float32Array[]
}

/** An optimiser whose state is plain arrays; see the file comment. */
export interface ArrayOptimizer {
  /** tfjs's class name (`Adam`, `RMSProp`, `Momentum`). */
  readonly className: string
  /** Steps taken (tfjs's `iterations`, saved as `iter`). */
  iterations: number
  /** In tfjs's `getWeights` order. */
  readonly slots: OptimizerSlot[]
  /**
   * One update of every weight in place: `weights[i] ← update(weights[i], gradScale·grads[i])`.
   * `gradScale` is global-norm clipping's factor (1: none), applied as tfjs's `mul(grad, scale)`.
   */
  apply(
    weights: Float32Array[],
    grads: Float32Array[],
    learningRate: number,
    gradScale: number
  ): void
}

/**
 * The array optimiser for `training`, with zero slots for weights of `sizes` elements (what tfjs
 * creates at the first step).
 */
export function createArrayOptimizer(
  training: Pick<TrainConfig, 'optimizer' | 'momentum'>,
  sizes: number[]
): ArrayOptimizer {
  switch (training.optimizer) {
    case 'adam':
      return new AdamArrays(sizes, 0.9, 0.999, 1e-7)
    case 'rmsprop':
      return new RmspropArrays(sizes, 0.9, 1e-7)
    case 'sgd':
      return new MomentumArrays(sizes, training.momentum)
  }
}

const zeroSlot = (suffix: string, sizes: number[]): OptimizerSlot => ({
  suffix,
  values: sizes.map((n) => new Float32Array(n))
})

/**
 * Adam (Kingma & Ba 2015) as tfjs writes it:
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  w ← w − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * where β₁ᵗ is `accBeta1`, a float32 running product that starts at β₁ and is multiplied by β₁
 * after each step (not recomputed with pow: a resumed run must continue bit for bit). The update
 * is computed as the same quantity with one division and one square root per weight:
 *   lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε·√(1−β₂ᵗ))
 */
export class AdamArrays implements ArrayOptimizer {
  readonly className = 'Adam'
  iterations = 0
  readonly slots: OptimizerSlot[]
  /** β₁^(t+1) in float32, as tfjs's `accBeta1` variable holds it after t steps. */
  accBeta1: number
  accBeta2: number
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number

  constructor(sizes: number[], beta1: number, beta2: number, epsilon: number) {
    this.beta1 = beta1
    this.beta2 = beta2
    this.epsilon = epsilon
    this.slots = [zeroSlot('m', sizes), zeroSlot('v', sizes)]
    this.accBeta1 = f(beta1)
    this.accBeta2 = f(beta2)
  }

  /** What tfjs's `setWeights` sets when a checkpoint lacks the running products. */
  resetAccBetas(): void {
    this.accBeta1 = f(Math.pow(f(this.beta1), this.iterations + 1))
    this.accBeta2 = f(Math.pow(f(this.beta2), this.iterations + 1))
  }

  apply(weights: Float32Array[], grads: Float32Array[], learningRate: number, scale: number) {
    const b1 = f(this.beta1)
    const b2 = f(this.beta2)
    // `1 - this.beta1` is a double before it becomes a float32 scalar; the clipping factor is
    // folded in (tfjs multiplies the gradient by it first).
    const s = f(scale)
    const gm = f(1 - this.beta1) * s
    const gv = f(1 - this.beta2) * s * s
    const root = Math.sqrt(f(1 - this.accBeta2))
    const eps = f(this.epsilon) * root
    const rate = (f(-learningRate) * root) / f(1 - this.accBeta1)
    const [m, v] = this.slots
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k]
      const g = grads[k]
      const mk = m.values[k]
      const vk = v.values[k]
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]
        const m1 = b1 * mk[i] + gm * gi
        const v1 = b2 * vk[i] + gv * gi * gi
        mk[i] = m1
        vk[i] = v1
        // From the stored (float32) moments, as tfjs computes the update from its variables.
        w[i] += (rate * mk[i]) / (Math.sqrt(vk[i]) + eps)
      }
    }
    this.accBeta1 = f(this.accBeta1 * b1)
    this.accBeta2 = f(this.accBeta2 * b2)
    this.iterations++
  }
}

/**
 * RMSProp, tfjs's non-centred form with momentum 0 (Hinton's lecture 6e):
 *   ms ← ρ·ms + (1−ρ)g²,  mom ← 0·mom + lr·g / √(ms + ε),  w ← w − mom
 * The momentum slot is kept (always lr·g/√(ms+ε)) because tfjs saves it.
 */
export class RmspropArrays implements ArrayOptimizer {
  readonly className = 'RMSProp'
  iterations = 0
  readonly slots: OptimizerSlot[]
  readonly decay: number
  readonly epsilon: number
  /** tfjs's `momentum` argument; the studio passes 0. */
  readonly momentum = 0

  constructor(sizes: number[], decay: number, epsilon: number) {
    this.decay = decay
    this.epsilon = epsilon
    this.slots = [zeroSlot('rms', sizes), zeroSlot('momentum', sizes)]
  }

  apply(weights: Float32Array[], grads: Float32Array[], learningRate: number, scale: number) {
    const rho = f(this.decay)
    const s = f(scale)
    const gms = f(1 - this.decay) * s * s
    const eps = f(this.epsilon)
    const rate = f(learningRate) * s
    const mu = f(this.momentum)
    const [ms, mom] = this.slots
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k]
      const g = grads[k]
      const msk = ms.values[k]
      const momk = mom.values[k]
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]
        msk[i] = rho * msk[i] + gms * gi * gi
        momk[i] = mu * momk[i] + (rate * gi) / Math.sqrt(msk[i] + eps)
        w[i] -= momk[i]
      }
    }
    this.iterations++
  }
}

/**
 * SGD with classical momentum, tfjs's `useNesterov = false`:
 *   acc ← μ·acc + g,  w ← w + (−lr)·acc
 * Momentum 0 is plain SGD with the same state layout. Rounded op by op as tfjs does (exact on the
 * cpu backend): the accumulator carries each rounding difference into ~1/(1−μ) later steps, so
 * the double-precision shortcut drifted past 1e-6 within 200 steps, and without a division or a
 * square root the rounding costs little.
 */
export class MomentumArrays implements ArrayOptimizer {
  readonly className = 'Momentum'
  iterations = 0
  readonly slots: OptimizerSlot[]
  readonly momentum: number

  constructor(sizes: number[], momentum: number) {
    this.momentum = momentum
    this.slots = [zeroSlot('momentum', sizes)]
  }

  apply(weights: Float32Array[], grads: Float32Array[], learningRate: number, scale: number) {
    const mu = f(this.momentum)
    // tfjs's SGD keeps `c = scalar(-lr)`.
    const c = f(-learningRate)
    const s = f(scale)
    const [acc] = this.slots
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k]
      const g = grads[k]
      const a = acc.values[k]
      for (let i = 0; i < w.length; i++) {
        // Clipping's `mul(grad, scale)` first (× 1 is exact).
        const a1 = f(f(mu * a[i]) + f(g[i] * s))
        a[i] = a1
        w[i] = f(f(c * a1) + w[i])
      }
    }
    this.iterations++
  }
}
