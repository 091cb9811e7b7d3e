/**
 * Task pipelines: a task spec and its dataset's files → encoded batches as plain typed arrays, the
 * input encoding and head a network needs, a baseline to beat and the metadata to use the model
 * later. No tfjs here, so all of it is testable in milliseconds.
 */
export type {
  Baseline,
  Batch,
  DecoderSpec,
  InputEncoding,
  OutputHead,
  PrepareOptions,
  PreparedTask,
  TaskMetadata
} from './types'
export { prepareTask } from './prepare'
export { Random, deriveSeed, shuffleWith } from './random'
export { PRESETS, findPreset, type Preset } from './presets'
export { prepareTextGeneration, UNKNOWN_TOKEN, MAX_VALIDATION_WINDOWS } from './text-generation'
export { prepareForecast, fillMissing, type ForecastColumn } from './forecast'
export { prepareClassification, PAD_TOKEN } from './classification'
export {
  prepareSeq2Seq,
  generateAdditions,
  generateDates,
  DATE_FORMATS,
  INPUT_SPECIALS,
  TARGET_SPECIALS,
  type Pair
} from './seq2seq'
export { prepareSynthetic, SEQUENCE_SUM_INPUT_SCALE, SEQUENCE_SUM_STARTS } from './synthetic'
export { codePoints, foldAccents, wordTokens } from './tokens'
