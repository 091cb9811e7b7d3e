/**
 * Channel names used by the Electron transport. Plain constants with no imports, so the sandboxed
 * preload can bundle them without pulling in zod.
 */
export const IPC_INVOKE_PREFIX = 'studio:invoke:'
export const IPC_EVENT_CHANNEL = 'studio:event'

/** Mirrors `API_METHODS` from contract.ts; a test keeps the two equal. */
export const API_METHOD_NAMES = [
  'getStudioInfo',
  'listDatasets',
  'getDataset',
  'beginImport',
  'uploadChunk',
  'finishImport',
  'cancelImport',
  'listRuns',
  'startRun',
  'pauseRun',
  'resumeRun',
  'stopRun',
  'getRun',
  'listMetrics',
  'listSamples',
  'deleteRun',
  'renameRun',
  'listRunStats',
  'listPresets',
  'describeModel',
  'sampleText',
  'predict',
  'forecast',
  'exportRun',
  'exportCurves'
] as const

/** Mirrors `EVENT_NAMES` from contract.ts; a test keeps the two equal. */
export const EVENT_NAME_LIST = [
  'datasetsChanged',
  'runStatusChanged',
  'runMetricsAppended',
  'runSampleAdded',
  'runCheckpointSaved',
  'runRenamed',
  'runDeleted'
] as const
