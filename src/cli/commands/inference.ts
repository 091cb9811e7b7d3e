/**
 * `rnn-studio sample RUN` and `rnn-studio predict RUN`: load a run's best checkpoint (its latest
 * when none is marked best) into this process and use the network. Loading tfjs takes a second or
 * two, which is fine for a one-off command. The checkpoint is chosen and read as the studio's
 * playground does (backend/inference.ts); the command only adds its flags and output.
 */
import { usableCheckpoint } from '../../backend/inference'
import type { Studio } from '../../backend/studio'
import { activateComputeBackend } from '../../engine/compute-backend'
import { loadKernels } from '../../engine/fused/load-kernels'
import { loadModelFromCheckpoint } from '../../engine/train/checkpoint'
import { predict, sampleText } from '../../engine/train/sample'
import { UsageError } from '../cli-error'
import type { Output } from '../output'
import { parseRunId } from './train'

export interface SampleFlags {
  prime?: string
  length?: string
  temperature?: string
  'top-k'?: string
  seed?: string
  backend?: string
}

function numberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number
): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}.`)
  }
  return value
}

/** `sample RUN`: generated text from a text-generation run. */
export async function sampleCommand(
  studio: Studio,
  args: string[],
  flags: SampleFlags,
  output: Output
): Promise<void> {
  const runId = parseRunId(args[0], 'sample')
  const options = {
    prime: flags.prime ?? '',
    length: Math.round(numberFlag('length', flags.length, 200, 1, 100_000)),
    temperature: numberFlag('temperature', flags.temperature, 0.8, 0, 10),
    topK: Math.round(numberFlag('top-k', flags['top-k'], 0, 0, 100_000)),
    seed: Math.round(numberFlag('seed', flags.seed, Date.now() % 2 ** 31, 0, 2 ** 31 - 1))
  }
  const checkpoint = usableCheckpoint(studio.db, runId)
  if (checkpoint.meta.config.task.kind !== 'text-generation') {
    throw new UsageError(
      `Run ${runId} is a ${checkpoint.meta.config.task.kind} run: use rnn-studio predict ${runId} --input "…".`
    )
  }
  const backend = await activateComputeBackend(flags.backend)
  const net = loadModelFromCheckpoint(checkpoint)
  // The fastest fused engine that loads steps the cells (the tfjs cells otherwise).
  const { kernels } = await loadKernels('auto')
  try {
    const text = sampleText(net, checkpoint.meta.task, options, kernels)
    if (output.json) {
      output.out(
        JSON.stringify(
          {
            runId,
            step: checkpoint.step,
            backend: backend.selected,
            engine: kernels ? `fused ${kernels.name}` : 'tfjs-layers',
            ...options,
            text
          },
          null,
          2
        )
      )
    } else output.out(options.prime + text)
  } finally {
    kernels?.dispose()
    net.model.dispose()
  }
}

/**
 * The `--input` of `predict`: text for networks that read tokens; for networks that read feature
 * rows, JSON (`[[1,2],[3,4]]`) or rows separated by `;` with values separated by `,`.
 */
export function parseFeatureRows(raw: string): number[][] {
  const trimmed = raw.trim()
  let rows: unknown
  if (trimmed.startsWith('[')) {
    try {
      rows = JSON.parse(trimmed)
    } catch {
      throw new UsageError('--input is not valid JSON: give rows like [[1.5,2],[3,4]].')
    }
  } else {
    rows = trimmed
      .split(';')
      .map((row) => row.split(',').map((v) => (v.trim() === '' ? NaN : Number(v))))
  }
  if (
    !Array.isArray(rows) ||
    rows.length === 0 ||
    !rows.every(
      (row) => Array.isArray(row) && row.every((v) => typeof v === 'number' && Number.isFinite(v))
    )
  ) {
    throw new UsageError('--input must be rows of numbers: "1,2;3,4" or [[1,2],[3,4]].')
  }
  return rows as number[][]
}

/** `predict RUN --input …`: the network's answer for one input. */
export async function predictCommand(
  studio: Studio,
  args: string[],
  flags: { input?: string; backend?: string },
  output: Output
): Promise<void> {
  const runId = parseRunId(args[0], 'predict')
  if (flags.input === undefined) throw new UsageError('predict needs --input "…".')
  const checkpoint = usableCheckpoint(studio.db, runId)
  const readsText = checkpoint.meta.taskShape.input.type === 'tokens'
  const input = readsText ? flags.input : parseFeatureRows(flags.input)
  await activateComputeBackend(flags.backend)
  const net = loadModelFromCheckpoint(checkpoint)
  try {
    let prediction
    try {
      prediction = predict(net, checkpoint.meta.task, input)
    } catch (error) {
      // The engine's refusals (wrong row width, no known token) are about the input.
      throw new UsageError(`--input: ${(error as Error).message}`)
    }
    if (output.json) {
      output.out(JSON.stringify({ runId, step: checkpoint.step, prediction }, null, 2))
      return
    }
    switch (prediction.type) {
      case 'class':
        output.out(
          prediction.classes
            .slice(0, 5)
            .map((c) => `${(c.probability * 100).toFixed(1).padStart(5)}%  ${c.name}`)
            .join('\n')
        )
        break
      case 'values':
        output.out(prediction.values.map((v) => String(Number(v.toPrecision(6)))).join(', '))
        break
      case 'sequence':
        output.out(prediction.text)
        break
      case 'next-token':
        output.out(
          prediction.tokens
            .slice(0, 5)
            .map(
              (t) => `${(t.probability * 100).toFixed(1).padStart(5)}%  ${JSON.stringify(t.token)}`
            )
            .join('\n')
        )
        break
    }
  } finally {
    net.model.dispose()
  }
}
