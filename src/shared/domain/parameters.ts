/**
 * Trainable-parameter counts, computed the way Keras / tfjs-layers lay out the weights, so the
 * designer's table agrees with `model.summary()`. Pure arithmetic: no tfjs, runs anywhere.
 *
 * Shapes follow Keras storage order: a recurrent kernel is `[input, gates × units]`, a recurrent
 * kernel `[units, gates × units]`, a bias `[gates × units]` (GRU with `reset_after`: `[2, 3 × units]`,
 * an input bias and a recurrent bias).
 */
import type { CellType, MergeMode, NetworkSpec } from './network'

/** How the task feeds the first layer (the engine's `InputEncoding`, minus what does not cost weights). */
export type NetworkInput =
  /** Integer token ids in `[0, vocabSize)`: embedded, or one-hot when `embeddingSize` is 0. */
  | { type: 'tokens'; vocabSize: number }
  /** Real-valued feature vectors of this width. */
  | { type: 'features'; size: number }

/** What the head predicts (the engine's `OutputHead`): a dense layer either way. */
export type NetworkHead =
  | { type: 'tokens-per-step'; vocabSize: number }
  | { type: 'class'; classes: number }
  | { type: 'regression'; size: number }

export interface NetworkIo {
  input: NetworkInput
  head: NetworkHead
  /**
   * Encoder–decoder only: the target side. The decoder is taken to be a unidirectional stack with
   * the encoder's cell, one layer per encoder layer, each as wide as that encoder layer's output
   * (so the encoder's final state can start it), reading the target tokens through its own
   * embedding of `embeddingSize` (one-hot when 0); `head` then predicts target tokens.
   */
  decoder?: { vocabSize: number }
}

export interface CountOptions {
  /**
   * GRU bias layout. Keras 2.x/3 defaults to `reset_after` (two biases, `6 × units`); tfjs-layers
   * 4.x only has the original layout (`3 × units`) and throws when asked for `resetAfter`, so the
   * engine (engine/model/build-model.ts) trains that one and the designer passes `false`.
   * Default true: Keras' count, as the NetworkSpec documents.
   */
  gruResetAfter?: boolean
}

/** One row of a `model.summary()`-like table. */
export interface ParameterRow {
  name: string
  /** `embedding`, `rnn`, `lstm`, `gru` or `dense`. */
  kind: string
  /** Weight shapes, e.g. `kernel 32×512 · recurrent 128×512 · bias 512`. */
  shape: string
  params: number
}

export interface ParameterCount {
  layers: ParameterRow[]
  total: number
}

/** Gate blocks per cell: Elman 1 (h), LSTM 4 (i, f, c, o), GRU 3 (z, r, h). */
const GATES: Record<CellType, number> = { rnn: 1, lstm: 4, gru: 3 }

const CELL_NAMES: Record<CellType, string> = { rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' }

/**
 * Weights of ONE direction of one recurrent layer: `gates·units·(input + units)` kernels plus
 * `gates·units` biases (twice that for a GRU with `reset_after`).
 * SimpleRNN 128 on 32 inputs: 128·160 + 128 = 20,608.
 */
export function cellParameters(
  cell: CellType,
  inputSize: number,
  units: number,
  options: CountOptions = {}
): number {
  const gates = GATES[cell]
  const biases = cell === 'gru' && (options.gruResetAfter ?? true) ? 2 : 1
  return gates * units * (inputSize + units) + biases * gates * units
}

/** Width of a layer's output: `2·units` for a concatenated bidirectional layer, else `units`. */
export function recurrentOutputSize(
  units: number,
  bidirectional: boolean,
  merge: MergeMode
): number {
  return bidirectional && merge === 'concat' ? 2 * units : units
}

/**
 * Counts every trainable weight of `spec` wired for `io`: the embedding (`V·E`, a bias-free dense
 * on one-hot input; none when `embeddingSize` is 0), each recurrent layer (doubled when
 * bidirectional), the decoder for encoder–decoder tasks, and the dense head `(in + 1)·out`.
 * Dropout and one-hot inputs have no weights and no row.
 *
 * Example, vocab 65, embedding 32, LSTM 128, softmax 65: 2,080 + 82,432 + 8,385 = 92,897.
 */
export function countParameters(
  spec: NetworkSpec,
  io: NetworkIo,
  options: CountOptions = {}
): ParameterCount {
  const layers: ParameterRow[] = []
  let width = inputWidth(spec, io.input, 'Embedding', layers)

  const outputs: number[] = []
  spec.layers.forEach(({ units }, i) => {
    const directions = spec.bidirectional ? 2 : 1
    const one = cellParameters(spec.cell, width, units, options)
    const name = `${spec.bidirectional ? 'Bidirectional ' : ''}${CELL_NAMES[spec.cell]} ${i + 1}`
    const shape = recurrentShape(spec.cell, width, units, options)
    layers.push({
      name: io.decoder ? `Encoder ${name}` : name,
      kind: spec.cell,
      shape: directions === 2 ? `2 × (${shape})` : shape,
      params: directions * one
    })
    width = recurrentOutputSize(units, spec.bidirectional, spec.merge)
    outputs.push(width)
  })

  if (io.decoder) {
    const tokens: NetworkInput = { type: 'tokens', vocabSize: io.decoder.vocabSize }
    width = inputWidth(spec, tokens, 'Decoder embedding', layers)
    outputs.forEach((units, i) => {
      layers.push({
        name: `Decoder ${CELL_NAMES[spec.cell]} ${i + 1}`,
        kind: spec.cell,
        shape: recurrentShape(spec.cell, width, units, options),
        params: cellParameters(spec.cell, width, units, options)
      })
      width = units
    })
  }

  const out = headSize(io.head)
  layers.push({
    name: 'Dense head',
    kind: 'dense',
    shape: `kernel ${width}×${out} · bias ${out}`,
    params: (width + 1) * out
  })

  return { layers, total: layers.reduce((sum, row) => sum + row.params, 0) }
}

/** Width the first recurrent layer sees; pushes the embedding row when there is one. */
function inputWidth(
  spec: NetworkSpec,
  input: NetworkInput,
  name: string,
  layers: ParameterRow[]
): number {
  if (input.type === 'features') return input.size
  if (spec.embeddingSize === 0) return input.vocabSize // one-hot
  layers.push({
    name,
    kind: 'embedding',
    shape: `${input.vocabSize}×${spec.embeddingSize}`,
    params: input.vocabSize * spec.embeddingSize
  })
  return spec.embeddingSize
}

function recurrentShape(
  cell: CellType,
  inputSize: number,
  units: number,
  options: CountOptions
): string {
  const columns = GATES[cell] * units
  const bias = cell === 'gru' && (options.gruResetAfter ?? true) ? `2×${columns}` : `${columns}`
  return `kernel ${inputSize}×${columns} · recurrent ${units}×${columns} · bias ${bias}`
}

function headSize(head: NetworkHead): number {
  switch (head.type) {
    case 'tokens-per-step':
      return head.vocabSize
    case 'class':
      return head.classes
    case 'regression':
      return head.size
  }
}
