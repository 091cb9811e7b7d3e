/**
 * Geometry of the unrolled-network picture: which boxes and arrows to draw, and where. Pure, so
 * the component only paints it. Rows run bottom-up (input, embedding, layer 1 … L, output) and
 * columns are time steps, with a "…" column standing for the steps left out.
 */
import type { TaskShape } from '../../state/task-io'

/** `x` with subscript `1` → x₁; the component sets the subscript as a tspan. */
export interface Symbol {
  base: string
  sub: string
}

export interface Box {
  x: number
  y: number
  w: number
  h: number
  label: Symbol | null
  half: 'encoder' | 'decoder' | 'single'
}

export interface Arrow {
  x1: number
  y1: number
  x2: number
  y2: number
  /** Crosses a "…" column: stands for many steps. */
  skips: boolean
}

export interface DiagramLayout {
  width: number
  height: number
  inputs: Box[]
  embeddings: Box[]
  /** Recurrent cells, `layers` per visible step. */
  cells: (Box & { layer: number })[]
  outputs: Box[]
  forward: Arrow[]
  backward: Arrow[]
  up: Arrow[]
  /** Encoder–decoder: the encoder's final state handed to the decoder, one per layer. */
  handover: Arrow[]
  ellipses: { x: number; y: number }[]
  /** Vertical centre of each row, for its label: `layer` rows are numbered from 1. */
  rows: { kind: 'input' | 'embedding' | 'layer' | 'output'; layer?: number; y: number }[]
  /** x where the encoder ends and the decoder starts; null for one half. */
  divider: number | null
}

export interface DiagramOptions {
  shape: TaskShape
  /** Time steps T per sequence; null when not known (generated or paired data). */
  steps: number | null
  layers: number
  bidirectional: boolean
  /** Draw an embedding row between the tokens and the first layer. */
  embedded: boolean
}

/** One column: a time step with its subscript, or the "…" gap. */
type Column = { step: string; index: number } | { gap: true }

export const LABEL_WIDTH = 140
const STEP_W = 78
const GAP_W = 38
const HALF_GAP = 44
const CELL_W = 58
const CELL_H = 34
const IO_H = 26
const ROW = 62
const PAD = 12

/**
 * The subscripts shown for T steps: all of them up to `lead + 1`, else 1 … `lead`, "…", T
 * (`end` names the last step: `T`, or `S` for an encoder's source).
 */
export function visibleSteps(steps: number | null, end = 'T', lead = 3): Column[] {
  if (steps !== null && steps <= lead + 1) {
    return Array.from({ length: steps }, (_, i) => ({ step: String(i + 1), index: i }))
  }
  const first = Array.from({ length: lead }, (_, i) => ({ step: String(i + 1), index: i }))
  return [...first, { gap: true }, { step: end, index: lead }]
}

export function layoutUnrolled(options: DiagramOptions): DiagramLayout {
  const { shape, layers, bidirectional, embedded } = options
  const halves: { half: Box['half']; columns: Column[] }[] =
    shape === 'encoder-decoder'
      ? [
          // Two halves side by side: first and last step each, so the text stays readable.
          { half: 'encoder', columns: visibleSteps(null, 'S', 1) },
          { half: 'decoder', columns: visibleSteps(null, 'T', 1) }
        ]
      : [{ half: 'single', columns: visibleSteps(options.steps) }]

  // Rows from the top: output, layers L…1, embedding, input.
  const outputY = PAD
  const layerY = (layer: number): number => PAD + IO_H + 24 + (layers - layer) * ROW
  const embeddingY = layerY(1) + CELL_H + 24
  const inputY = embeddingY + (embedded ? IO_H + 18 : 0)
  // An encoder–decoder names its halves under the inputs.
  const height = inputY + IO_H + PAD + (shape === 'encoder-decoder' ? 14 : 0)

  const layout: DiagramLayout = {
    width: 0,
    height,
    inputs: [],
    embeddings: [],
    cells: [],
    outputs: [],
    forward: [],
    backward: [],
    up: [],
    handover: [],
    ellipses: [],
    rows: [
      { kind: 'output' as const, y: outputY + IO_H / 2 },
      ...Array.from({ length: layers }, (_, i) => ({
        kind: 'layer' as const,
        layer: layers - i,
        y: layerY(layers - i) + CELL_H / 2
      })),
      ...(embedded ? [{ kind: 'embedding' as const, y: embeddingY + IO_H / 2 }] : []),
      { kind: 'input' as const, y: inputY + IO_H / 2 }
    ],
    divider: null
  }

  let x = LABEL_WIDTH
  const lastCells: { x: number; half: Box['half'] }[] = []
  halves.forEach(({ half, columns }, h) => {
    if (h > 0) {
      layout.divider = x + HALF_GAP / 2
      x += HALF_GAP
    }
    const centres: (number | null)[] = []
    const lastStep = columns.length - 1
    columns.forEach((column, c) => {
      if ('gap' in column) {
        // Layer rows show the gap as dashed arrows; the input row says it in words.
        const cx = x + GAP_W / 2
        layout.ellipses.push({ x: cx, y: inputY + IO_H / 2 })
        centres.push(null)
        x += GAP_W
        return
      }
      const cx = x + STEP_W / 2
      centres.push(cx)
      addColumn(layout, {
        cx,
        half,
        step: column.step,
        layers,
        embedded,
        // many-to-one: only the last step answers; an encoder only reads
        output:
          half === 'decoder' || (half === 'single' && (shape === 'many-to-many' || c === lastStep)),
        ys: { outputY, inputY, embeddingY, layerY }
      })
      x += STEP_W
    })
    addRecurrence(layout, centres, layers, layerY, bidirectional && half !== 'decoder')
    const last = centres.at(-1)
    if (last != null) lastCells.push({ x: last, half })
  })

  if (shape === 'encoder-decoder') {
    const [encoder] = lastCells
    const decoderFirst = layout.cells.find((cell) => cell.half === 'decoder')
    for (let l = 1; l <= layers && decoderFirst; l++) {
      const y = layerY(l) + CELL_H / 2
      layout.handover.push({
        x1: encoder.x + CELL_W / 2,
        y1: y,
        x2: decoderFirst.x,
        y2: y,
        skips: false
      })
    }
  }

  layout.width = x + PAD
  return layout
}

interface ColumnArgs {
  cx: number
  half: Box['half']
  step: string
  layers: number
  embedded: boolean
  output: boolean
  ys: {
    outputY: number
    inputY: number
    embeddingY: number
    layerY: (layer: number) => number
  }
}

/** One time step: its input (and embedding), a cell per layer, the arrows up, maybe an output. */
function addColumn(layout: DiagramLayout, args: ColumnArgs): void {
  const { cx, half, step, layers, embedded, ys } = args
  const box = (y: number, h: number, label: Symbol | null): Box => ({
    x: cx - CELL_W / 2,
    y,
    w: CELL_W,
    h,
    label,
    half
  })
  const input =
    half === 'decoder' ? { base: 'y', sub: decoderInputSub(step) } : { base: 'x', sub: step }
  layout.inputs.push(box(ys.inputY, IO_H, input))
  let below = ys.inputY
  if (embedded) {
    layout.embeddings.push(box(ys.embeddingY, IO_H, { base: 'e', sub: step }))
    layout.up.push(upArrow(cx, below, ys.embeddingY + IO_H))
    below = ys.embeddingY
  }
  for (let l = 1; l <= layers; l++) {
    const y = ys.layerY(l)
    layout.cells.push({ ...box(y, CELL_H, { base: 'h', sub: step }), layer: l })
    layout.up.push(upArrow(cx, below, y + CELL_H))
    below = y
  }
  if (args.output) {
    layout.outputs.push(box(ys.outputY, IO_H, { base: 'ŷ', sub: step }))
    layout.up.push(upArrow(cx, below, ys.outputY + IO_H))
  }
}

/** A decoder reads the previous target: y₀ (the start token) at step 1, y_{T−1} at step T. */
function decoderInputSub(step: string): string {
  const n = Number(step)
  return Number.isInteger(n) ? String(n - 1) : `${step}−1`
}

function upArrow(cx: number, from: number, to: number): Arrow {
  return { x1: cx, y1: from, x2: cx, y2: to, skips: false }
}

/** Horizontal h_{t−1} → h_t arrows per layer, and t+1 → t arrows for the backward direction. */
function addRecurrence(
  layout: DiagramLayout,
  centres: (number | null)[],
  layers: number,
  layerY: (layer: number) => number,
  backward: boolean
): void {
  const steps = centres.flatMap((c, i) =>
    c === null ? [] : [{ c, skips: centres[i - 1] === null }]
  )
  for (let l = 1; l <= layers; l++) {
    const mid = layerY(l) + CELL_H / 2
    const offset = backward ? 7 : 0
    for (let i = 1; i < steps.length; i++) {
      const from = steps[i - 1].c + CELL_W / 2
      const to = steps[i].c - CELL_W / 2
      const skips = steps[i].skips
      layout.forward.push({ x1: from, y1: mid - offset, x2: to, y2: mid - offset, skips })
      if (backward)
        layout.backward.push({ x1: to, y1: mid + offset, x2: from, y2: mid + offset, skips })
    }
  }
}
