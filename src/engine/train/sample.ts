/**
 * Using a trained network: text generation (temperature, top-k, seeded), greedy decoding for
 * encoder–decoders, and predictions for the other heads.
 *
 * Generation keeps the recurrent state and feeds one token per step through the cells (the step
 * function the RNN layers loop over), so `length` tokens cost `length` cell steps. Bidirectional
 * networks cannot be stepped (the backward direction needs the future), so they re-run a sliding
 * window of the last `steps` tokens for every new token: `length × steps` cell steps. (A
 * bidirectional next-token model also sees the token it predicts while training; it is allowed
 * for tagging-style tasks, but it is no language model.)
 */
import * as tf from '@tensorflow/tfjs'
import type { RnnModel } from '../model/build-model'
import type { ModelInputs, StackState } from '../model/forward'
import {
  disposeInputs,
  encoderStates,
  forward,
  oneHotRows,
  stepStack,
  steppableLayers,
  toModelInputs,
  zeroStates
} from '../model/forward'
import { connectDecoderEmbedding, connectEmbedding, connectHead } from '../model/wiring'
import type { FusedKernels } from '../fused/kernels'
import { FusedNetwork, supportsFused } from '../fused/network'
import { Random } from '../tasks/random'
import { codePoints, foldAccents, wordTokens } from '../tasks/tokens'
import type { TaskMetadata } from '../tasks/types'

export interface SampleOptions {
  /** Text the network reads before it writes (its state warms up on it). */
  prime: string
  /** Tokens to generate (characters or words). */
  length: number
  /** `softmax(logits / T)`: below 1 is more conservative, above 1 more surprising; 0 takes the most likely token. */
  temperature: number
  /** Sample among the `topK` most likely tokens only; 0 = all. */
  topK: number
  seed: number
}

/**
 * Generates text after `prime`. Same network, options and seed → the same text.
 * @param kernels a fused engine to step the cells on (the tfjs cells otherwise); the text is the
 *   same up to float rounding, which can change a draw that falls on a boundary
 * @returns the generated continuation (without the prime)
 */
export function sampleText(
  net: RnnModel,
  metadata: TaskMetadata,
  options: SampleOptions,
  kernels: FusedKernels | null = null
): string {
  const input = net.task.input
  if (input.type !== 'tokens' || net.task.head.type !== 'tokens-per-step' || net.task.decoder) {
    throw new Error('Text can only be sampled from a next-token model over tokens.')
  }
  const vocabulary = metadata.vocabulary ?? []
  const random = new Random(options.seed)
  let ids = encodeText(options.prime, metadata)
  if (ids.length === 0) ids = [Math.max(0, vocabulary.indexOf('\n'))]
  const generated: number[] = []
  const layers = steppableLayers(net)
  if (layers && kernels && !net.spec.bidirectional && supportsFused(net.spec, net.task) === null) {
    // The same cells on a fused engine: one kernel call per layer and token instead of a few
    // dozen tfjs ops (tens of microseconds a character instead of close to a millisecond).
    const fused = new FusedNetwork(net.spec, net.task, kernels)
    const weights = new Map<string, Float32Array>()
    for (const w of net.model.weights)
      weights.set(w.originalName, w.read().dataSync() as Float32Array)
    const state = fused.zeroState(1)
    let logits: Float32Array = new Float32Array(0)
    const feed = (id: number): void => {
      logits = fused.stepTokens(weights, [id], state)
    }
    ids.forEach(feed)
    for (let i = 0; i < options.length; i++) {
      const id = pickToken(logits, options.temperature, options.topK, random)
      generated.push(id)
      if (i < options.length - 1) feed(id)
    }
  } else if (layers) {
    let states = zeroStates(layers, 1)
    let logits: Float32Array = new Float32Array(0)
    const feed = (id: number): void => {
      const next = stepTokens(net, layers, [id], states, input.vocabSize)
      tf.dispose(states.flat())
      states = next.states
      logits = next.logits
    }
    ids.forEach(feed)
    for (let i = 0; i < options.length; i++) {
      const id = pickToken(logits, options.temperature, options.topK, random)
      generated.push(id)
      if (i < options.length - 1) feed(id)
    }
    tf.dispose(states.flat())
  } else {
    const context = [...ids]
    for (let i = 0; i < options.length; i++) {
      const window = context.slice(-net.task.steps)
      const logits = lastStepLogits(net, window)
      const id = pickToken(logits, options.temperature, options.topK, random)
      generated.push(id)
      context.push(id)
    }
  }
  return decodeTokens(generated, vocabulary, tokenLevel(metadata))
}

/** One token per row through the embedding, the cells and the head: logits `[rows × V]`. */
function stepTokens(
  net: RnnModel,
  layers: tf.RNN[],
  ids: number[],
  states: StackState,
  vocabSize: number
): { logits: Float32Array; states: StackState } {
  const [logits, ...flat] = tf.tidy(() => {
    const x = tf.tensor2d(oneHotRows(ids, vocabSize, false), [ids.length, vocabSize])
    const step = stepStack(layers, connectEmbedding(net.parts, x), states)
    return [connectHead(net.parts, step.output), ...step.states.flat()]
  })
  const values = logits.dataSync() as Float32Array
  logits.dispose()
  let k = 0
  return {
    logits: values,
    states: states.map((layer) => layer.map(() => flat[k++] as tf.Tensor2D))
  }
}

/** Logits at the last position of a whole-sequence pass over `ids` (one row). */
function lastStepLogits(net: RnnModel, ids: number[]): Float32Array {
  const inputs = toModelInputs(net, { x: Int32Array.from(ids), xShape: [1, ids.length] })
  const last = tf.tidy(() => {
    const logits = forward(net, inputs, { dropoutSeed: null }).logits
    return logits.slice([0, ids.length - 1, 0], [1, 1, -1]).reshape([-1])
  })
  disposeInputs(inputs)
  const values = last.dataSync() as Float32Array
  last.dispose()
  return values
}

/**
 * Draws a token from `softmax(logits / temperature)` restricted to the `topK` largest logits.
 * Temperature 0 (or below) returns the argmax.
 */
export function pickToken(
  logits: ArrayLike<number>,
  temperature: number,
  topK: number,
  random: { next(): number }
): number {
  let best = 0
  for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v
  if (temperature <= 0) return best
  let threshold = -Infinity
  if (topK > 0 && topK < logits.length) {
    threshold = Array.from(logits)
      .sort((a, b) => b - a)
      .at(topK - 1) as number
  }
  const weights = new Float64Array(logits.length)
  let total = 0
  for (let v = 0; v < logits.length; v++) {
    if (logits[v] < threshold) continue
    // Shift by the max before exp: softmax is unchanged and nothing overflows.
    weights[v] = Math.exp((logits[v] - logits[best]) / temperature)
    total += weights[v]
  }
  let u = random.next() * total
  for (let v = 0; v < weights.length; v++) {
    u -= weights[v]
    if (u < 0 && weights[v] > 0) return v
  }
  return best
}

/**
 * Greedy decoding for encoder–decoders: encode once, then step the decoder from `<start>`,
 * feeding back its most likely token, for `steps` steps (rows that emit `<end>` early simply go
 * on; callers cut at `<end>`).
 * @returns `[rows, steps]` token ids, row-major
 */
export function greedyDecode(net: RnnModel, inputs: ModelInputs, steps: number): Int32Array {
  const decoder = net.task.decoder
  if (!decoder) throw new Error('Greedy decoding needs an encoder–decoder.')
  const rows = inputs.x.shape[0]
  let states = tf.tidy(() => encoderStates(net, inputs))
  const out = new Int32Array(rows * steps)
  let tokens: number[] = new Array<number>(rows).fill(decoder.startToken)
  for (let t = 0; t < steps; t++) {
    const [best, ...flat] = tf.tidy(() => {
      const x = tf.tensor2d(oneHotRows(tokens, decoder.vocabSize, false), [rows, decoder.vocabSize])
      const step = stepStack(net.parts.decoder, connectDecoderEmbedding(net.parts, x), states)
      return [tf.argMax(connectHead(net.parts, step.output), -1), ...step.states.flat()]
    })
    tokens = Array.from(best.dataSync())
    best.dispose()
    tokens.forEach((token, row) => (out[row * steps + t] = token))
    tf.dispose(states.flat())
    let k = 0
    states = states.map((layer) => layer.map(() => flat[k++] as tf.Tensor2D))
  }
  tf.dispose(states.flat())
  return out
}

/** What `predict` answers for each head. */
export type Prediction =
  /** Class head: every class with its probability, most likely first. */
  | { type: 'class'; classes: { name: string; probability: number }[] }
  /** Regression head: the outputs in the data's units where the task recorded its scale. */
  | { type: 'values'; values: number[] }
  /** Encoder–decoder: the greedy decoding. */
  | { type: 'sequence'; text: string; tokens: number[] }
  /** Next-token model: the distribution of the token after the input. */
  | { type: 'next-token'; tokens: { token: string; probability: number }[] }

/**
 * Runs the network on one input: a string for token inputs (tokenised as the task did), or a
 * window of feature rows `[steps][features]` in the data's units (normalised here with the
 * task's training statistics).
 */
export function predict(
  net: RnnModel,
  metadata: TaskMetadata,
  input: string | number[][]
): Prediction {
  const inputs = toModelInputs(net, encodeInput(net, metadata, input))
  try {
    const head = net.task.head
    if (net.task.decoder) {
      const decoder = net.task.decoder
      const ids = Array.from(greedyDecode(net, inputs, decoder.maxSteps))
      const end = ids.indexOf(decoder.endToken)
      const tokens = end >= 0 ? ids.slice(0, end) : ids
      const vocabulary = metadata.targetVocabulary ?? metadata.vocabulary ?? []
      return { type: 'sequence', text: decodeTokens(tokens, vocabulary, 'char'), tokens }
    }
    const output = tf.tidy(() => {
      const logits = forward(net, inputs, { dropoutSeed: null }).logits
      const steps = logits.shape[1] ?? 1
      const last = logits.rank === 3 ? logits.slice([0, steps - 1, 0], [1, 1, -1]) : logits
      return head.type === 'regression' ? last.reshape([-1]) : tf.softmax(last.reshape([-1]))
    })
    const values = Array.from(output.dataSync())
    output.dispose()
    switch (head.type) {
      case 'regression': {
        const scale = targetScale(metadata)
        return {
          type: 'values',
          values: values.map((v) => v * (scale?.std ?? 1) + (scale?.mean ?? 0))
        }
      }
      case 'class': {
        const names = metadata.classNames ?? values.map((_, i) => String(i))
        const classes = values.map((probability, i) => ({ name: names[i], probability }))
        return { type: 'class', classes: classes.sort((a, b) => b.probability - a.probability) }
      }
      case 'tokens-per-step': {
        const vocabulary = metadata.vocabulary ?? []
        const tokens = values.map((probability, i) => ({
          token: vocabulary[i] ?? String(i),
          probability
        }))
        return { type: 'next-token', tokens: tokens.sort((a, b) => b.probability - a.probability) }
      }
    }
  } finally {
    disposeInputs(inputs)
  }
}

function encodeInput(
  net: RnnModel,
  metadata: TaskMetadata,
  input: string | number[][]
): { x: Int32Array | Float32Array; xShape: number[] } {
  if (typeof input === 'string') {
    if (net.task.input.type !== 'tokens')
      throw new Error('This network reads feature rows, not text.')
    // Tasks keep the last `steps` tokens of longer inputs; shorter ones need no padding (padding
    // is masked, and time is not fixed).
    const ids = encodeText(input, metadata).slice(-net.task.steps)
    if (ids.length === 0) throw new Error('The input has no tokens the network knows.')
    return { x: Int32Array.from(ids), xShape: [1, ids.length] }
  }
  if (net.task.input.type !== 'features')
    throw new Error('This network reads text, not feature rows.')
  const size = net.task.input.size
  const stats = metadata.normalisation
  const x = new Float32Array(input.length * size)
  input.forEach((row, t) => {
    if (row.length !== size)
      throw new Error(`Row ${t} has ${row.length} values; the network reads ${size}.`)
    row.forEach((value, k) => {
      x[t * size + k] = stats?.[k] ? (value - stats[k].mean) / (stats[k].std || 1) : value
    })
  })
  return { x, xShape: [1, input.length] }
}

/**
 * The target's scale, to turn model units back into the data's: `metadata.targetScale`
 * (`{mean, std}`, what the forecast and synthetic tasks record), else the target's entry of
 * `metadata.normalisation` (at `targetIndex`); null when the task recorded neither.
 */
export function targetScale(metadata: TaskMetadata): { mean: number; std: number } | null {
  const scale = metadata.targetScale as { mean?: unknown; std?: unknown } | undefined
  if (scale && typeof scale.std === 'number') {
    return { mean: typeof scale.mean === 'number' ? scale.mean : 0, std: scale.std }
  }
  if (metadata.normalisation && metadata.targetIndex !== undefined) {
    const entry = metadata.normalisation[metadata.targetIndex]
    if (entry) return { mean: entry.mean, std: entry.std }
  }
  return null
}

/** `'word'` when the task tokenised words (`metadata.tokens`), else characters. */
export function tokenLevel(metadata: TaskMetadata): 'char' | 'word' {
  return metadata.tokens === 'word' ? 'word' : 'char'
}

/**
 * Text to token ids with the task's rules as recorded in its metadata: code points or words
 * (`tasks/tokens`), `lowercase` and `foldAccents` where set; tokens outside the vocabulary become
 * `metadata.unknownToken` when there is one, else are dropped.
 */
export function encodeText(text: string, metadata: TaskMetadata): number[] {
  let source = text
  if (metadata.foldAccents === true) source = foldAccents(source)
  if (metadata.lowercase === true) source = source.toLowerCase()
  const tokens = tokenLevel(metadata) === 'word' ? wordTokens(source) : codePoints(source)
  const index = new Map((metadata.vocabulary ?? []).map((token, id) => [token, id]))
  const unknown = typeof metadata.unknownToken === 'number' ? metadata.unknownToken : null
  const ids: number[] = []
  for (const token of tokens) {
    const id = index.get(token) ?? unknown
    if (id !== null) ids.push(id)
  }
  return ids
}

/**
 * Token ids back to text: characters join directly; words join with spaces, except around
 * newlines and before punctuation (which the word tokeniser splits off).
 */
export function decodeTokens(
  ids: number[],
  vocabulary: readonly string[],
  level: 'char' | 'word'
): string {
  const tokens = ids.map((id) => vocabulary[id] ?? '')
  if (level === 'char') return tokens.join('')
  let text = ''
  tokens.forEach((token, i) => {
    const glue = i === 0 || token === '\n' || text.endsWith('\n') || /^[^\p{L}\p{N}]$/u.test(token)
    text += (glue ? '' : ' ') + token
  })
  return text
}
