/**
 * The store: the only code that holds SQL. Open the database with {@link openDatabase}, then call
 * the plain `(db, ...args)` functions below.
 */
export { StoreError, toStoreError } from './errors'
export type { StoreErrorCode } from './errors'
export type { Migration } from './migrate'
export { runMigrations, readUserVersion } from './migrate'
export { MIGRATIONS } from './migrations/index'
export { openDatabase, openMemoryDatabase, checkIntegrity } from './open-db'
export type { OpenOptions } from './open-db'
export {
  insertDataset,
  listDatasets,
  getDataset,
  findDatasetByHash,
  deleteDataset
} from './datasets'
export type { NewDataset } from './datasets'
export {
  createRun,
  getRun,
  listRuns,
  updateRun,
  markRunningRunsInterrupted,
  deleteRun
} from './runs'
export type { NewRun, RunPatch, ListRunsOptions } from './runs'
export {
  appendMetrics,
  listMetrics,
  metricNames,
  lastMetricStep,
  runMetricSummaries,
  deleteMetricsAfter
} from './metrics'
export type { ListMetricsOptions } from './metrics'
export {
  saveCheckpoint,
  latestCheckpoint,
  bestCheckpoint,
  checkpointAt,
  listCheckpoints
} from './checkpoints'
export type { NewCheckpoint, Checkpoint, CheckpointInfo } from './checkpoints'
export {
  addSample,
  listSamples,
  listRecentSamples,
  deleteSamplesAfter,
  deleteSamplesOfType
} from './samples'
export type { Sample, RecentSamplesOptions } from './samples'
