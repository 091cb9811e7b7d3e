/**
 * The studio's network composed over any `FusedKernels`: the same computation as the tfjs-layers
 * model of `model/build-model.ts` and the loss of `train/loss.ts`, with gradients by hand.
 *
 *   tokens `[N, T]` → embedding rows `E[id]` (or one-hot rows, or features) → time-major `[T, N, I]`
 *     → layer 1 (one direction, or forward + reverse merged by concat | sum | ave) → dropout → …
 *     → layer n → dropout (whole sequence for per-step heads; the last step otherwise: forward
 *       `y[T−1]` and the reverse direction's `y[0]`, what Keras' Bidirectional returns)
 *     → dense head → loss: softmax cross-entropy per step (masked by `yMask`), per row (class), or
 *       MSE (regression), each averaged as `headLoss` does.
 *
 * Padded token inputs (id 0 = padding, masked as tfjs-layers' Masking layer does) run each layer
 * direction on its rows' real steps moved together (`step-mask.ts`), so state starts at zero on
 * the first real token, a masked step's output is the one carried to it, and the last-step top
 * reads the last real step's output in each direction; nothing flows into padding.
 *
 * Weights and gradients are keyed by the tfjs-layers model's stable names (`originalName`, e.g.
 * `rnn_1/forward_lstm/kernel`), so the optimiser, clipping, per-layer norms, checkpoints and
 * exports see no difference. Buffers are allocated per batch shape and reused, because the JS
 * around the kernels is part of every step's cost; returned gradients are therefore only valid
 * until the next call.
 *
 * Dropout masks are the network's own seeded Bernoulli draws (same rate and 1/(1−rate) scaling
 * as tf.dropout), so a fused run is reproducible but does not draw tfjs's masks.
 */
import type { NetworkSpec } from '../../shared/domain/network'
import type { TaskShape } from '../model/build-model'
import { deriveSeed, Random } from '../tasks/random'
import type { Batch } from '../tasks/types'
import type { FusedCell, FusedKernels, RnnTape, RnnWeights } from './kernels'
import { GATES } from './kernels'
import { StepMask } from './step-mask'

/**
 * Why a run cannot train on fused kernels (the trainer then keeps tfjs-layers), or null. Padded
 * token inputs are fused: `StepMask` reproduces tfjs-layers' masking with the unmasked kernels.
 */
export function supportsFused(spec: NetworkSpec, task: TaskShape): string | null {
  if (task.decoder) return 'encoder–decoder networks are not fused yet'
  return null
}

/** A weight's stable name and shape, in the tfjs-layers model's order. */
export interface WeightInfo {
  name: string
  shape: number[]
}

export interface LossOptions {
  /** Seed of this step's dropout masks; null: no dropout (evaluation, gradient checks). */
  dropoutSeed: number | null
}

export interface LossAndGradients {
  loss: number
  /** Stable name → gradient, same layout as the weight; reused by the next call. */
  grads: Map<string, Float32Array>
}

/** The batch fields the loss reads. */
export type FusedBatch = Pick<Batch, 'x' | 'xShape' | 'y' | 'yShape' | 'yMask'>

interface LayerPlan {
  /** Input width of both directions. */
  inputSize: number
  units: number
  /** Width of the merged output: 2·units for concat, units otherwise. */
  outputSize: number
  /** Stable weight-name prefixes, one per direction (forward first). */
  prefixes: string[]
}

/** Per-batch-shape work buffers, reused across steps. */
interface Workspace {
  N: number
  T: number
  /** Input of each layer `[T, N, I_l]`: the embedded input, then the layer below's `outputs`. */
  inputs: Float32Array[]
  /** Merged output of each layer after dropout: `[T, N, O_l]`, or `[N, O]` for a last-step top. */
  outputs: Float32Array[]
  /** Dropout masks per site, same shapes as `outputs` (scaled keep values). */
  masks: Float32Array[]
  /** ∂loss/∂outputs[l]. */
  dOutputs: Float32Array[]
  /** Per layer, per direction: ∂loss/∂y `[T, N, H]`. */
  dy: Float32Array[][]
  logits: Float32Array
  dLogits: Float32Array
  /** Token ids, time-major `[T, N]`. */
  ids: Int32Array
  /** `[1, rows]` of ones: the head bias gradient is `ones · ∂logits`, a GEMM like the others. */
  ones: Float32Array
  /** Padded token inputs only: which steps are real, and the compacted copies the kernels read. */
  padding: PaddingWork | null
}

/** Buffers of the padded path, each as large as the widest layer needs (`StepMask` views them). */
interface PaddingWork {
  steps: StepMask
  /** A layer input compacted for one direction, `[T, N, I]`. */
  x: Float32Array
  /** Per direction: the layer output back at the original steps, `[T, N, H]`. */
  y: Float32Array[]
  /** ∂y compacted for one direction, `[T, N, H]`. */
  dy: Float32Array
  /** ∂ of the embedded input at the original steps, `[T, N, E]` (the embedding gradient reads it). */
  dx: Float32Array
}

/** The fused network of one run; see the file comment. */
/** What one sampling step reads, resolved from a weights map. */
interface StepWeights {
  layers: RnnWeights[]
  headKernel: Float32Array
  headBias: Float32Array
}

export class FusedNetwork {
  #stepCache: { weights: Map<string, Float32Array>; found: StepWeights } | null = null
  readonly spec: NetworkSpec
  readonly task: TaskShape
  readonly kernels: FusedKernels
  readonly weights: WeightInfo[]
  readonly #cell: FusedCell
  readonly #layers: LayerPlan[]
  readonly #directions: number
  readonly #inputWidth: number
  readonly #headSize: number
  readonly #perStep: boolean
  /** Padded token inputs: id 0 is a masked step (see the file comment). */
  readonly #padded: boolean
  readonly #grads = new Map<string, Float32Array>()
  #workspace: Workspace | null = null

  constructor(spec: NetworkSpec, task: TaskShape, kernels: FusedKernels) {
    const reason = supportsFused(spec, task)
    if (reason) throw new Error(`Cannot fuse this network: ${reason}.`)
    this.spec = spec
    this.task = task
    this.kernels = kernels
    this.#cell =
      spec.cell === 'rnn' ? (spec.activation === 'relu' ? 'rnn-relu' : 'rnn-tanh') : spec.cell
    this.#directions = spec.bidirectional ? 2 : 1
    this.#perStep = task.head.type === 'tokens-per-step'
    this.#padded = task.input.type === 'tokens' && task.input.padded
    this.#headSize =
      task.head.type === 'tokens-per-step'
        ? task.head.vocabSize
        : task.head.type === 'class'
          ? task.head.classes
          : task.head.size
    const weights: WeightInfo[] = []
    let width: number
    if (task.input.type === 'tokens') {
      width = task.input.vocabSize
      if (spec.embeddingSize > 0) {
        weights.push({ name: 'embedding/kernel', shape: [width, spec.embeddingSize] })
        width = spec.embeddingSize
      }
    } else {
      width = task.input.size
    }
    this.#inputWidth = width
    const G = GATES[this.#cell]
    this.#layers = spec.layers.map((layer, i) => {
      const name = `rnn_${i + 1}`
      const prefixes = spec.bidirectional
        ? [`${name}/forward_${spec.cell}`, `${name}/backward_${spec.cell}`]
        : [name]
      for (const prefix of prefixes) {
        weights.push({ name: `${prefix}/kernel`, shape: [width, G * layer.units] })
        weights.push({ name: `${prefix}/recurrent_kernel`, shape: [layer.units, G * layer.units] })
        weights.push({ name: `${prefix}/bias`, shape: [G * layer.units] })
      }
      const outputSize =
        spec.bidirectional && spec.merge === 'concat' ? 2 * layer.units : layer.units
      const plan = { inputSize: width, units: layer.units, outputSize, prefixes }
      width = outputSize
      return plan
    })
    weights.push({ name: 'head/kernel', shape: [width, this.#headSize] })
    weights.push({ name: 'head/bias', shape: [this.#headSize] })
    this.weights = weights
    for (const w of weights) this.#grads.set(w.name, new Float32Array(size(w.shape)))
  }

  /**
   * The loss of one batch and its gradient with respect to every weight (a training step's
   * forward and backward pass). Tapes are released before returning, errors included.
   */
  lossAndGradients(
    weights: Map<string, Float32Array>,
    batch: FusedBatch,
    options: LossOptions
  ): LossAndGradients {
    const [N, T] = batch.xShape
    const ws = this.#workspaceFor(N, T)
    const tapes: RnnTape[][] = []
    try {
      this.#embed(weights, batch, ws)
      const padding = ws.padding
      padding?.steps.update(batch.x)
      const rate = options.dropoutSeed === null ? 0 : this.spec.dropout
      const L = this.#layers.length
      for (let l = 0; l < L; l++) {
        const lastOnly = l === L - 1 && !this.#perStep
        const ys: Float32Array[] = []
        const layerTapes: RnnTape[] = []
        tapes.push(layerTapes)
        const plan = this.#layers[l]
        for (let d = 0; d < this.#directions; d++) {
          const reverse = d === 1
          const x = ws.inputs[l]
          const out = this.kernels.rnnForward({
            cell: this.#cell,
            steps: T,
            batch: N,
            inputSize: plan.inputSize,
            units: plan.units,
            weights: this.#rnnWeights(weights, plan.prefixes[d]),
            x: padding ? padding.steps.gather(x, plan.inputSize, reverse, padding.x) : x,
            reverse,
            training: true
          })
          layerTapes.push(out.tape!)
          if (padding) {
            // Not the kernel's hT: that state went on through the filler after the real steps.
            const { steps } = padding
            ys.push(
              lastOnly
                ? steps.lastOutputs(out.y, plan.units, reverse, padding.y[d])
                : steps.scatterOutputs(out.y, plan.units, reverse, padding.y[d])
            )
          } else {
            // A last-step top layer reads each direction's final state: forward y[T−1], reverse y[0].
            ys.push(lastOnly ? out.hT : out.y)
          }
        }
        const rows = lastOnly ? N : T * N
        const merged = ws.outputs[l]
        this.#merge(ys, plan.units, rows, merged)
        if (rate > 0) applyDropout(merged, ws.masks[l], rate, deriveSeed(options.dropoutSeed!, l))
      }

      // Head and loss.
      const top = ws.outputs[L - 1]
      const topSize = this.#layers[L - 1].outputSize
      const rows = this.#perStep ? T * N : N
      const headKernel = need(weights, 'head/kernel')
      const headBias = need(weights, 'head/bias')
      const V = this.#headSize
      fillRows(ws.logits, headBias, rows)
      this.kernels.gemm({
        transA: false,
        transB: false,
        m: rows,
        n: V,
        k: topSize,
        alpha: 1,
        a: top,
        b: headKernel,
        beta: 1,
        c: ws.logits
      })
      const loss = this.#lossAndDLogits(batch, ws, N, T)
      const gHeadKernel = this.#grads.get('head/kernel')!
      this.kernels.gemm({
        transA: true,
        transB: false,
        m: topSize,
        n: V,
        k: rows,
        alpha: 1,
        a: top,
        b: ws.dLogits,
        beta: 0,
        c: gHeadKernel
      })
      this.kernels.gemm({
        transA: false,
        transB: false,
        m: 1,
        n: V,
        k: rows,
        alpha: 1,
        a: ws.ones,
        b: ws.dLogits,
        beta: 0,
        c: this.#grads.get('head/bias')!
      })
      this.kernels.gemm({
        transA: false,
        transB: true,
        m: rows,
        n: topSize,
        k: V,
        alpha: 1,
        a: ws.dLogits,
        b: headKernel,
        beta: 0,
        c: ws.dOutputs[L - 1]
      })

      // Back down the stack.
      for (let l = L - 1; l >= 0; l--) {
        const plan = this.#layers[l]
        const lastOnly = l === L - 1 && !this.#perStep
        const dOut = ws.dOutputs[l]
        if (rate > 0) multiplyInPlace(dOut, ws.masks[l])
        // One direction over the whole sequence: ∂y is ∂merged itself, no copy needed.
        const whole = this.#directions === 1 && !lastOnly
        const dy = whole ? [dOut] : ws.dy[l]
        if (!whole) this.#splitMerge(dOut, plan.units, lastOnly, N, T, dy)
        const dInput = l > 0 ? ws.dOutputs[l - 1] : null
        for (let d = 0; d < this.#directions; d++) {
          const reverse = d === 1
          const g = this.kernels.rnnBackward({
            tape: tapes[l][d],
            dy: padding
              ? this.#compactGradient(padding, dy[d], plan.units, reverse, lastOnly)
              : dy[d]
          })
          const prefix = plan.prefixes[d]
          this.#grads.get(`${prefix}/kernel`)!.set(g.kernel)
          this.#grads.get(`${prefix}/recurrent_kernel`)!.set(g.recurrentKernel)
          this.#grads.get(`${prefix}/bias`)!.set(g.bias)
          if (dInput) {
            if (padding)
              padding.steps.scatterGradients(g.dx, plan.inputSize, reverse, dInput, d > 0)
            else if (d === 0) dInput.set(g.dx)
            else addInPlace(dInput, g.dx)
          } else if (this.spec.embeddingSize > 0 && this.task.input.type === 'tokens') {
            const dx = padding
              ? padding.steps.scatterGradients(g.dx, plan.inputSize, reverse, padding.dx, false)
              : g.dx
            this.#embeddingGradient(ws.ids, dx, d === 0)
          }
        }
      }
      return { loss, grads: this.#grads }
    } finally {
      for (const layer of tapes) for (const tape of layer) tape.release()
    }
  }

  /** Zero states for `batch` rows of a unidirectional stack, per layer `[h]` or `[h, c]`. */
  zeroState(batch: number): Float32Array[][] {
    return this.#layers.map((plan) =>
      Array.from(
        { length: this.#cell === 'lstm' ? 2 : 1 },
        () => new Float32Array(batch * plan.units)
      )
    )
  }

  /**
   * One time step for inference (sampling): feeds one token per row from `state`, replaces `state`
   * with the next one and returns the head's logits `[N, V]`. Unidirectional token models only;
   * every id is read as a real token (no padding mask: a sampled sequence has no padding).
   */
  stepTokens(
    weights: Map<string, Float32Array>,
    ids: ArrayLike<number>,
    state: Float32Array[][]
  ): Float32Array {
    if (this.spec.bidirectional) throw new Error('A bidirectional network cannot be stepped.')
    const N = ids.length
    const found = this.#stepWeights(weights)
    let x: Float32Array = new Float32Array(N * this.#inputWidth)
    this.#embedIds(weights, ids, x)
    for (let l = 0; l < this.#layers.length; l++) {
      const plan = this.#layers[l]
      const out = this.kernels.rnnForward({
        cell: this.#cell,
        steps: 1,
        batch: N,
        inputSize: plan.inputSize,
        units: plan.units,
        weights: found.layers[l],
        x,
        reverse: false,
        h0: state[l][0],
        c0: state[l][1],
        training: false
      })
      state[l][0] = out.hT
      if (out.cT) state[l][1] = out.cT
      x = out.hT
    }
    const V = this.#headSize
    const logits = new Float32Array(N * V)
    fillRows(logits, found.headBias, N)
    this.kernels.gemm({
      transA: false,
      transB: false,
      m: N,
      n: V,
      k: this.#layers[this.#layers.length - 1].outputSize,
      alpha: 1,
      a: x,
      b: found.headKernel,
      beta: 1,
      c: logits
    })
    return logits
  }

  /**
   * The arrays `stepTokens` reads, looked up once per weights map: sampling calls it once per
   * character, and building the names and searching the map cost as much as a small cell step.
   * References, not copies: an optimiser updating the arrays in place is seen.
   */
  #stepWeights(weights: Map<string, Float32Array>): StepWeights {
    if (this.#stepCache?.weights === weights) return this.#stepCache.found
    const found: StepWeights = {
      layers: this.#layers.map((plan) => this.#rnnWeights(weights, plan.prefixes[0])),
      headKernel: need(weights, 'head/kernel'),
      headBias: need(weights, 'head/bias')
    }
    this.#stepCache = { weights, found }
    return found
  }

  #rnnWeights(weights: Map<string, Float32Array>, prefix: string): RnnWeights {
    return {
      kernel: need(weights, `${prefix}/kernel`),
      recurrentKernel: need(weights, `${prefix}/recurrent_kernel`),
      bias: need(weights, `${prefix}/bias`)
    }
  }

  #workspaceFor(N: number, T: number): Workspace {
    if (this.#workspace && this.#workspace.N === N && this.#workspace.T === T) {
      return this.#workspace
    }
    const L = this.#layers.length
    const rowsOf = (l: number) => (l === L - 1 && !this.#perStep ? N : T * N)
    const outputs = this.#layers.map((plan, l) => new Float32Array(rowsOf(l) * plan.outputSize))
    const headRows = this.#perStep ? T * N : N
    this.#workspace = {
      N,
      T,
      inputs: [new Float32Array(T * N * this.#inputWidth), ...outputs.slice(0, L - 1)],
      outputs,
      masks: outputs.map((o) => new Float32Array(o.length)),
      dOutputs: outputs.map((o) => new Float32Array(o.length)),
      // Only split merges need their own ∂y buffers (see lossAndGradients); a last-step top
      // splits even when T = 1 makes its rows as many as a whole sequence's.
      dy: this.#layers.map((plan, l) =>
        this.#directions === 1 && !(l === L - 1 && !this.#perStep)
          ? []
          : Array.from({ length: this.#directions }, () => new Float32Array(T * N * plan.units))
      ),
      logits: new Float32Array(headRows * this.#headSize),
      dLogits: new Float32Array(headRows * this.#headSize),
      ids: new Int32Array(T * N),
      ones: new Float32Array(headRows).fill(1),
      padding: this.#padded ? this.#paddingWork(N, T) : null
    }
    return this.#workspace
  }

  /**
   * ∂y of one direction at the original steps → at the kernel's compact steps. A last-step top
   * layer's ∂y is non-zero only where `#splitMerge` put the final step's gradient.
   */
  #compactGradient(
    padding: PaddingWork,
    dy: Float32Array,
    H: number,
    reverse: boolean,
    lastOnly: boolean
  ): Float32Array {
    const { steps } = padding
    if (!lastOnly) return steps.gatherGradients(dy, H, reverse, padding.dy)
    const at = reverse ? 0 : (steps.T - 1) * steps.N * H
    return steps.lastGradients(dy.subarray(at, at + steps.N * H), H, reverse, padding.dy)
  }

  #paddingWork(N: number, T: number): PaddingWork {
    const widest = Math.max(...this.#layers.map((plan) => plan.inputSize))
    const units = Math.max(...this.#layers.map((plan) => plan.units))
    return {
      steps: new StepMask(N, T),
      x: new Float32Array(T * N * widest),
      y: Array.from({ length: this.#directions }, () => new Float32Array(T * N * units)),
      dy: new Float32Array(T * N * units),
      dx: new Float32Array(T * N * this.#inputWidth)
    }
  }

  /** The first layer's input, time-major `[T, N, I]`. */
  #embed(weights: Map<string, Float32Array>, batch: FusedBatch, ws: Workspace): void {
    const { N, T } = ws
    const x0 = ws.inputs[0]
    const I = this.#inputWidth
    if (this.task.input.type === 'features') {
      // `[N, T, F]` → `[T, N, F]`
      for (let n = 0; n < N; n++) {
        for (let t = 0; t < T; t++) {
          const from = (n * T + t) * I
          const to = (t * N + n) * I
          for (let f = 0; f < I; f++) x0[to + f] = batch.x[from + f]
        }
      }
      return
    }
    const ids = ws.ids
    for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) ids[t * N + n] = batch.x[n * T + t]
    this.#embedIds(weights, ids, x0)
  }

  /** Rows of the embedding matrix (or one-hot rows) for ids, into `out` `[ids.length, I]`. */
  #embedIds(weights: Map<string, Float32Array>, ids: ArrayLike<number>, out: Float32Array): void {
    const I = this.#inputWidth
    const V = this.task.input.type === 'tokens' ? this.task.input.vocabSize : 0
    const embedding = this.spec.embeddingSize > 0 ? need(weights, 'embedding/kernel') : null
    if (!embedding) out.fill(0)
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]
      if (!(id >= 0 && id < V && Number.isInteger(id))) {
        throw new RangeError(`Token id ${id} is outside the vocabulary [0, ${V}).`)
      }
      // A plain loop: a subarray view per token would be garbage, thousands per step.
      if (embedding)
        for (let e = 0, from = id * I, to = i * I; e < I; e++) out[to + e] = embedding[from + e]
      else out[i * I + id] = 1
    }
  }

  /**
   * ∂E[id] = Σ over the positions reading id of ∂x there (the one-hot matmul's gradient).
   * @param ids the time-major ids `#embed` read, so `dx` `[T, N, E]` is walked in order
   */
  #embeddingGradient(ids: Int32Array, dx: Float32Array, first: boolean) {
    const E = this.#inputWidth
    const g = this.#grads.get('embedding/kernel')!
    if (first) g.fill(0)
    for (let i = 0; i < ids.length; i++) {
      const to = ids[i] * E
      const from = i * E
      for (let e = 0; e < E; e++) g[to + e] += dx[from + e]
    }
  }

  /** Merges the directions' outputs (`rows × H` each) into `out` (`rows × O`). */
  #merge(ys: Float32Array[], H: number, rows: number, out: Float32Array): void {
    if (ys.length === 1) {
      out.set(ys[0].subarray(0, rows * H))
      return
    }
    const [f, b] = ys
    switch (this.spec.merge) {
      case 'concat':
        for (let r = 0; r < rows; r++) {
          out.set(f.subarray(r * H, (r + 1) * H), r * 2 * H)
          out.set(b.subarray(r * H, (r + 1) * H), r * 2 * H + H)
        }
        break
      case 'sum':
        for (let i = 0; i < rows * H; i++) out[i] = f[i] + b[i]
        break
      case 'ave':
        for (let i = 0; i < rows * H; i++) out[i] = (f[i] + b[i]) / 2
        break
    }
  }

  /**
   * ∂merged → ∂y of each direction `[T, N, H]`. A last-step top layer only read the forward
   * direction's `y[T−1]` and the reverse direction's `y[0]`; every other step gets zero.
   */
  #splitMerge(
    dOut: Float32Array,
    H: number,
    lastOnly: boolean,
    N: number,
    T: number,
    dy: Float32Array[]
  ): void {
    const rows = lastOnly ? N : T * N
    const at = (d: number) => (lastOnly ? (d === 0 ? (T - 1) * N * H : 0) : 0)
    if (lastOnly) for (const buffer of dy) buffer.fill(0)
    if (dy.length === 1) {
      dy[0].set(dOut.subarray(0, rows * H), at(0))
      return
    }
    const [f, b] = dy
    const fAt = at(0)
    const bAt = at(1)
    switch (this.spec.merge) {
      case 'concat':
        for (let r = 0; r < rows; r++) {
          f.set(dOut.subarray(r * 2 * H, r * 2 * H + H), fAt + r * H)
          b.set(dOut.subarray(r * 2 * H + H, (r + 1) * 2 * H), bAt + r * H)
        }
        break
      case 'sum':
      case 'ave': {
        const scale = this.spec.merge === 'ave' ? 0.5 : 1
        for (let i = 0; i < rows * H; i++) {
          f[fAt + i] = dOut[i] * scale
          b[bAt + i] = dOut[i] * scale
        }
        break
      }
    }
  }

  /** The head's loss (as `headLoss` averages it) and ∂loss/∂logits into `ws.dLogits`. */
  #lossAndDLogits(batch: FusedBatch, ws: Workspace, N: number, T: number): number {
    const V = this.#headSize
    const { logits, dLogits } = ws
    if (this.task.head.type === 'regression') {
      const count = N * V
      let loss = 0
      for (let i = 0; i < count; i++) {
        const diff = logits[i] - batch.y[i]
        loss += diff * diff
        dLogits[i] = (2 * diff) / count
      }
      return loss / count
    }
    // Softmax cross-entropy; rows are time-major `t·N + n` for per-step heads, `n` for classes.
    const rows = this.#perStep ? T * N : N
    const mask = this.#perStep ? batch.yMask : undefined
    let total = rows
    if (mask) {
      total = 0
      for (let i = 0; i < N * T; i++) total += mask[i]
      // max(Σ mask, 1) as headLoss: a batch of pure padding would otherwise divide by zero.
      total = Math.max(total, 1)
    }
    let loss = 0
    for (let r = 0; r < rows; r++) {
      // Time-major row r = t·N + n of a per-step head reads the batch-major target y[n·T + t].
      const t = this.#perStep ? Math.floor(r / N) : 0
      const source = this.#perStep ? (r - t * N) * T + t : r
      const w = (mask ? mask[source] : 1) / total
      const base = r * V
      let max = -Infinity
      for (let v = 0; v < V; v++) if (logits[base + v] > max) max = logits[base + v]
      // One exp per logit: dLogits holds e^(z−max) until it is scaled into the softmax.
      let sum = 0
      for (let v = 0; v < V; v++) {
        const e = expNonPositive(logits[base + v] - max)
        dLogits[base + v] = e
        sum += e
      }
      const target = batch.y[source]
      loss += w * (Math.log(sum) + max - logits[base + target])
      const scale = w / sum
      for (let v = 0; v < V; v++) dLogits[base + v] *= scale
      dLogits[base + target] -= w
    }
    return loss
  }
}

// ln 2 in two parts (fdlibm's split): k·LN2_HI is exact for k < 2^11, so r keeps its digits.
const LN2_HI = 0.6931471803691238
const LN2_LO = 1.9082149292705877e-10
/** 2^−k for k = 0 … 1075 (2^−1075 is 0 in double). */
const POW2_NEG = Float64Array.from({ length: 1076 }, (_, k) => Math.pow(2, -k))

/**
 * e^x for x ≤ 0 (the softmax's `z − max`), to ~3e-10 relative: far below float32's rounding, and
 * about 30% faster than Math.exp, which V8 calls out of line. The softmax takes V·T·N of them a
 * step (133k for W1), the largest JS cost left around the kernels. Write x = −k·ln 2 + r with k a
 * whole number and |r| ≤ ln 2 / 2; then e^x = 2^−k · e^r, e^r by its Taylor series to r⁸ (error
 * ≤ r⁹/9! ≈ 2e-10) and 2^−k from a table. NaN stays NaN; below −745 the result is 0, as Math.exp's.
 */
export function expNonPositive(x: number): number {
  if (!(x > -745)) return x === x ? 0 : x
  const k = (-x * Math.LOG2E + 0.5) | 0 // round(−x / ln 2) ≥ 0
  const r = x + k * LN2_HI + k * LN2_LO
  let p = 1 / 5040 + r / 40320
  p = 1 / 720 + r * p
  p = 1 / 120 + r * p
  p = 1 / 24 + r * p
  p = 1 / 6 + r * p
  p = 1 / 2 + r * p
  p = 1 + r * p
  p = 1 + r * p
  return p * POW2_NEG[k]
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function need(weights: Map<string, Float32Array>, name: string): Float32Array {
  const w = weights.get(name)
  if (!w) throw new Error(`Missing weight ${name}.`)
  return w
}

/** Draws a seeded inverted-dropout mask into `mask` and applies it to `x` in place. */
function applyDropout(x: Float32Array, mask: Float32Array, rate: number, seed: number): void {
  const random = new Random(seed)
  const keep = 1 / (1 - rate)
  for (let i = 0; i < x.length; i++) {
    mask[i] = random.next() >= rate ? keep : 0
    x[i] *= mask[i]
  }
}

function multiplyInPlace(x: Float32Array, by: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= by[i]
}

function addInPlace(x: Float32Array, add: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] += add[i]
}

/** `rows` copies of `row` into `out`, by doubling: a few copyWithin calls instead of one set per row. */
function fillRows(out: Float32Array, row: Float32Array, rows: number): void {
  const total = rows * row.length
  out.set(row, 0)
  for (let filled = row.length; filled < total; filled *= 2) {
    out.copyWithin(filled, 0, Math.min(filled, total - filled))
  }
}
