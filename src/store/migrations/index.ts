import type { Migration } from '../migrate'
import datasets from './0010-datasets'
import runs from './0020-runs'
import metrics from './0030-metrics'
import checkpoints from './0040-checkpoints'
import samples from './0050-samples'
import runOwner from './0060-run-owner'
import metricsByStep from './0070-metrics-by-step'

/**
 * Every schema migration, oldest first. Append only: add a new file with the next number (step of
 * 10 leaves room for a fix-up between two released versions) and a test beside it.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'datasets', up: datasets },
  { version: 20, name: 'runs', up: runs },
  { version: 30, name: 'metrics', up: metrics },
  { version: 40, name: 'checkpoints', up: checkpoints },
  { version: 50, name: 'samples', up: samples },
  { version: 60, name: 'run owner', up: runOwner },
  { version: 70, name: 'metrics by step', up: metricsByStep }
]
