import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type Database from 'better-sqlite3'
import { inspectDataset, readDatasetSource, DataError } from '../engine/data'
import type { DatasetFiles } from '../engine/data'
import { ApiError } from '../shared/api/errors'
import type { DatasetKind, DatasetSummary } from '../shared/domain/dataset'
import { findDatasetByHash, insertDataset } from '../store'

export interface RegisterOptions {
  name?: string
  kind?: DatasetKind
  isSample?: boolean
  notice?: string
  /**
   * For files the studio owns (uploads): called once the data has passed every check, just before
   * the insert, to move the files to their permanent place; returns the path to record. Never
   * called for refused data or for content already registered. Absent: the path is recorded as is.
   */
  adopt?: (contentHash: string) => Promise<string>
}

/** sha256 over each file's name and bytes, in order: renaming a class file changes the dataset. */
export function hashDatasetFiles(source: DatasetFiles): string {
  const hash = createHash('sha256')
  for (const file of source.files) {
    hash.update(file.name).update('\0').update(String(file.bytes.byteLength)).update('\0')
    hash.update(file.bytes)
  }
  return hash.digest('hex')
}

/**
 * Reads, checks and registers a dataset file or folder. Everything is validated before the single
 * insert, so a refused file leaves the store untouched. Registering the same content twice returns
 * the existing row.
 */
export async function registerDatasetFromPath(
  db: Database.Database,
  path: string,
  options: RegisterOptions = {}
): Promise<{ dataset: DatasetSummary; created: boolean }> {
  let source: DatasetFiles
  let inspected: ReturnType<typeof inspectDataset>
  let contentHash: string
  try {
    source = await readDatasetSource(path)
    // Hash before inspecting: re-registering known content (every start, for the samples) stays cheap.
    contentHash = hashDatasetFiles(source)
    const existing = findDatasetByHash(db, contentHash)
    if (existing) return { dataset: existing, created: false }
    inspected = inspectDataset(source, options.kind)
  } catch (error) {
    if (error instanceof DataError) {
      throw new ApiError(error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'UNSUPPORTED', error.message, {
        reason: error.code
      })
    }
    throw error
  }
  const sourcePath = options.adopt ? await options.adopt(contentHash) : path
  const dataset = insertDataset(db, {
    name: options.name ?? source.name ?? basename(path),
    kind: inspected.kind,
    sourcePath,
    contentHash,
    sizeBytes: source.files.reduce((sum, f) => sum + f.bytes.byteLength, 0),
    stats: inspected.stats,
    isSample: options.isSample ?? false,
    notice: options.notice ?? ''
  })
  return { dataset, created: true }
}
