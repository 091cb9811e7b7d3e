/**
 * What a run's samples hold, read from the API's untyped `payload`. The shapes are
 * `SamplePayload` in src/shared/domain/samples.ts; each reader checks the fields it uses, so a
 * sample of an older format is skipped, not a crash.
 */
import type { Diagnostics, FinalEvaluation, PredictionRow } from '../../../../shared/domain/samples'

export type { Diagnostics, PredictionRow }

/** A sample as the detail view keeps it: from `listSamples`, `getRun` or a `runSampleAdded` event. */
export interface RunSample {
  step: number
  payload: Record<string, unknown>
}

export interface TextSample {
  step: number
  prime: string
  temperature: number
  text: string
}

/** The end-of-run evaluation, as the engine writes it. */
export type Evaluation = FinalEvaluation

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function sampleType(sample: RunSample): string | null {
  return typeof sample.payload.type === 'string' ? sample.payload.type : null
}

export function readText(sample: RunSample): TextSample | null {
  const { type, prime, temperature, text } = sample.payload
  if (type !== 'text' || typeof text !== 'string') return null
  return {
    step: sample.step,
    prime: typeof prime === 'string' ? prime : '',
    temperature: typeof temperature === 'number' ? temperature : 1,
    text
  }
}

export function readPredictions(sample: RunSample): PredictionRow[] | null {
  const { type, rows } = sample.payload
  if (type !== 'predictions' || !Array.isArray(rows)) return null
  return rows.filter(
    (r): r is PredictionRow =>
      isRecord(r) &&
      typeof r.input === 'string' &&
      typeof r.target === 'string' &&
      typeof r.predicted === 'string'
  )
}

export function readDiagnostics(sample: RunSample): Diagnostics | null {
  const { type, diagnostics } = sample.payload
  if (type !== 'diagnostics' || !isRecord(diagnostics)) return null
  const d = diagnostics as Partial<Diagnostics>
  if (!Array.isArray(d.inputGradientNorms) || !isRecord(d.hiddenPca) || !isRecord(d.weightNorms)) {
    return null
  }
  return { ...(d as Diagnostics), step: typeof d.step === 'number' ? d.step : sample.step }
}

export function readEvaluation(sample: RunSample): Evaluation | null {
  const { type, evaluation } = sample.payload
  if (type !== 'evaluation' || !isRecord(evaluation) || !isRecord(evaluation.metrics)) return null
  return evaluation as unknown as Evaluation
}
