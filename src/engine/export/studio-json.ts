/**
 * `studio.json`, written beside every exported model: everything a program needs to use the
 * model without the studio — how to turn text or rows into its inputs (the tokeniser's rules and
 * vocabulary, or the normalisation statistics), how to read its outputs (class names, the
 * target's scale, the target vocabulary and the start/end tokens), which file holds what, and the
 * run's config and metrics.
 */
import type { NetworkSpec } from '../../shared/domain/network'
import type { TaskSpec } from '../../shared/domain/task'
import type { TrainConfig } from '../../shared/domain/train-config'
import type { TaskShape } from '../model/build-model'
import type { TaskMetadata } from '../tasks/types'
import { targetScale, tokenLevel } from '../train/sample'
import type { CheckpointData } from '../train/types'
import type { TensorDescription } from './onnx-export'

/**
 * The word tokeniser's pattern (tasks/tokens.ts `WORD_TOKEN`, flags `gu`): words with inner
 * apostrophes, each newline, every other visible character. A test keeps the two equal.
 */
export const WORD_PATTERN = "[\\p{L}\\p{N}]+(?:['’][\\p{L}\\p{N}]+)*|\\n|[^\\s]"

/** How text or rows become the model's input. */
export type Preprocessing =
  | {
      type: 'tokens'
      /** Code points (`Array.from(text)`) or words (`text.match(new RegExp(wordPattern, 'gu'))`). */
      level: 'char' | 'word'
      /** Applied first: NFD, drop combining marks (`\p{M}`), NFC. */
      foldAccents: boolean
      /** Applied after folding. */
      lowercase: boolean
      /** Word level only. */
      wordPattern: string | null
      /** Token → id is the index in this list. */
      vocabulary: string[]
      /** Id of tokens outside the vocabulary; null: such tokens are dropped. */
      unknownId: number | null
      /** Padding id for batching rows of different lengths, or null when the model is not masked. */
      padId: number | null
      /** Where padding goes (`start`: the last step is always a real token). */
      padding: 'start' | null
      /** Sequence length the model was trained on; longer inputs keep their last `steps` tokens. */
      steps: number
    }
  | {
      type: 'features'
      /** One name per value of a row. */
      names: string[]
      /** Per value: `(x − mean) / std` (std 0 counts as 1); null: rows are fed as they are. */
      normalisation: { name: string; mean: number; std: number }[] | null
      /** Synthetic problems that scale their inputs themselves (sequence-sum: `(a + t) · inputScale`). */
      inputScale: number | null
      /** Window length the model was trained on (any length runs). */
      steps: number
    }

/** How to read the model's output. */
export type Postprocessing =
  | { type: 'class'; classNames: string[] }
  | {
      type: 'regression'
      /** `y · std + mean` turns model units into the data's; null: the output is in the data's units. */
      targetScale: { mean: number; std: number } | null
      targetName: string | null
    }
  | { type: 'next-token'; vocabulary: string[]; level: 'char' | 'word' }
  | {
      type: 'sequence'
      /** Target token → id is the index in this list; decoded tokens are joined directly. */
      targetVocabulary: string[]
      startId: number
      endId: number
      /** Decoding steps the studio runs. */
      maxSteps: number
    }

/** One exported graph file and its tensors. */
export interface ModelFileEntry {
  /** `model` (one graph), or `encoder` / `decoder` (an encoder–decoder's two ONNX graphs). */
  role: 'model' | 'encoder' | 'decoder'
  /** Relative to the export folder. */
  file: string
  inputs: TensorDescription[]
  outputs: TensorDescription[]
}

export interface StudioJson {
  format: 'rnn-studio-export'
  formatVersion: 1
  exportedAt: string
  studioVersion: string | null
  run: {
    id: number | null
    name: string | null
    step: number
    epoch: number
    isBest: boolean
    valLoss: number | null
  }
  task: TaskSpec
  network: NetworkSpec
  training: TrainConfig
  /** The network's input encoding, head, sequence length and (encoder–decoders) decoder. */
  shape: TaskShape
  preprocessing: Preprocessing
  postprocessing: Postprocessing
  /** Training metrics at the checkpoint (NaN and infinities as null). */
  metrics: Record<string, number | null>
  /** The task's own record, as the studio keeps it in the checkpoint. */
  metadata: TaskMetadata
  files: {
    tfjs?: ModelFileEntry & { weights: string[] }
    onnx?: { opset: number; models: ModelFileEntry[] }
  }
}

export interface StudioJsonOptions {
  run?: { id: number; name: string }
  studioVersion?: string
  metrics?: Record<string, number>
  exportedAt: Date
  files: StudioJson['files']
}

export function buildStudioJson(
  checkpoint: CheckpointData,
  options: StudioJsonOptions
): StudioJson {
  const { config, task: metadata, taskShape } = checkpoint.meta
  return {
    format: 'rnn-studio-export',
    formatVersion: 1,
    exportedAt: options.exportedAt.toISOString(),
    studioVersion: options.studioVersion ?? null,
    run: {
      id: options.run?.id ?? null,
      name: options.run?.name ?? config.name ?? null,
      step: checkpoint.step,
      epoch: checkpoint.epoch,
      isBest: checkpoint.isBest,
      valLoss: finiteOrNull(checkpoint.valLoss)
    },
    task: config.task,
    network: config.network,
    training: config.training,
    shape: taskShape,
    preprocessing: preprocessing(config.task, taskShape, metadata),
    postprocessing: postprocessing(taskShape, metadata),
    metrics: Object.fromEntries(
      Object.entries(options.metrics ?? {}).map(([name, value]) => [name, finiteOrNull(value)])
    ),
    metadata,
    files: options.files
  }
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null
}

/** The rules `encodeText` (train/sample.ts) applies, as data. */
function preprocessing(task: TaskSpec, shape: TaskShape, metadata: TaskMetadata): Preprocessing {
  const input = shape.input
  if (input.type === 'tokens') {
    const level = tokenLevel(metadata)
    return {
      type: 'tokens',
      level,
      foldAccents: metadata.foldAccents === true,
      lowercase: metadata.lowercase === true,
      wordPattern: level === 'word' ? WORD_PATTERN : null,
      vocabulary: metadata.vocabulary ?? [],
      unknownId: typeof metadata.unknownToken === 'number' ? metadata.unknownToken : null,
      padId: input.padded ? 0 : null,
      padding: input.padded ? 'start' : null,
      steps: shape.steps
    }
  }
  const normalisation =
    metadata.normalisation && metadata.normalisation.length === input.size
      ? metadata.normalisation
      : null
  return {
    type: 'features',
    names: featureNames(task, metadata, input.size),
    normalisation,
    inputScale: typeof metadata.inputScale === 'number' ? metadata.inputScale : null,
    steps: shape.steps
  }
}

function postprocessing(shape: TaskShape, metadata: TaskMetadata): Postprocessing {
  if (shape.decoder) {
    return {
      type: 'sequence',
      targetVocabulary: metadata.targetVocabulary ?? metadata.vocabulary ?? [],
      startId: shape.decoder.startToken,
      endId: shape.decoder.endToken,
      maxSteps: shape.decoder.maxSteps
    }
  }
  switch (shape.head.type) {
    case 'class':
      return {
        type: 'class',
        classNames:
          metadata.classNames ?? Array.from({ length: shape.head.classes }, (_, i) => String(i))
      }
    case 'regression':
      return {
        type: 'regression',
        targetScale: targetScale(metadata),
        targetName: typeof metadata.targetName === 'string' ? metadata.targetName : null
      }
    case 'tokens-per-step':
      return {
        type: 'next-token',
        vocabulary: metadata.vocabulary ?? [],
        level: tokenLevel(metadata)
      }
  }
}

/** One name per input value: the normalisation's names, else the synthetic problem's. */
function featureNames(task: TaskSpec, metadata: TaskMetadata, size: number): string[] {
  const named = metadata.normalisation?.map((n) => n.name)
  if (named !== undefined && named.length === size) return named
  if (task.kind === 'synthetic' && task.problem === 'adding') return ['value', 'marker']
  return Array.from({ length: size }, (_, i) => (size === 1 ? 'value' : `feature ${i + 1}`))
}
