import type Database from 'better-sqlite3'
import type { DatasetStats, DatasetSummary } from '../shared/domain/dataset'
import type { DatasetId } from '../shared/domain/ids'
import { StoreError, isUniqueError } from './errors'
import { nowIso, prepared, runReturning } from './statements'

/** What the caller supplies to register a dataset; the store assigns `id` and `createdAt`. */
export type NewDataset = Omit<DatasetSummary, 'id' | 'createdAt'>

interface DatasetRow {
  id: number
  name: string
  kind: DatasetSummary['kind']
  source_path: string
  content_hash: string
  size_bytes: number
  stats_json: string
  is_sample: number
  notice: string
  created_at: string
}

function toSummary(row: DatasetRow): DatasetSummary {
  return {
    id: row.id as DatasetId,
    name: row.name,
    kind: row.kind,
    sourcePath: row.source_path,
    contentHash: row.content_hash,
    sizeBytes: row.size_bytes,
    stats: JSON.parse(row.stats_json) as DatasetStats,
    isSample: row.is_sample === 1,
    notice: row.notice,
    createdAt: row.created_at
  }
}

/**
 * Registers a dataset.
 *
 * @throws StoreError DUPLICATE when a dataset with the same `contentHash` exists (the message names it)
 */
export function insertDataset(db: Database.Database, row: NewDataset): DatasetSummary {
  try {
    const inserted = runReturning(
      prepared<unknown[], DatasetRow>(
        db,
        `INSERT INTO datasets
           (name, kind, source_path, content_hash, size_bytes, stats_json, is_sample, notice, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         RETURNING *`
      ),
      row.name,
      row.kind,
      row.sourcePath,
      row.contentHash,
      row.sizeBytes,
      JSON.stringify(row.stats),
      row.isSample ? 1 : 0,
      row.notice,
      nowIso()
    )
    return toSummary(inserted as DatasetRow)
  } catch (err) {
    if (!isUniqueError(err)) throw err
    const existing = findDatasetByHash(db, row.contentHash)
    throw new StoreError(
      'DUPLICATE',
      `This data is already in the studio as "${existing?.name ?? row.name}"; use that dataset ` +
        'instead of importing it again.'
    )
  }
}

/** Every dataset: the shipped samples first, in the order they were registered, then the user's, newest first. */
export function listDatasets(db: Database.Database): DatasetSummary[] {
  return prepared<[], DatasetRow>(
    db,
    'SELECT * FROM datasets ORDER BY is_sample DESC, CASE WHEN is_sample THEN id ELSE -id END'
  )
    .all()
    .map(toSummary)
}

/** The dataset with this id, or undefined. */
export function getDataset(db: Database.Database, id: DatasetId): DatasetSummary | undefined {
  const row = prepared<[number], DatasetRow>(db, 'SELECT * FROM datasets WHERE id = ?').get(id)
  return row === undefined ? undefined : toSummary(row)
}

/** The dataset whose files hash to `contentHash`, or undefined; checks for a re-import. */
export function findDatasetByHash(
  db: Database.Database,
  contentHash: string
): DatasetSummary | undefined {
  const row = prepared<[string], DatasetRow>(
    db,
    'SELECT * FROM datasets WHERE content_hash = ?'
  ).get(contentHash)
  return row === undefined ? undefined : toSummary(row)
}

/**
 * Removes a dataset. Runs trained on it stay, with `datasetId` set to null.
 *
 * @returns false when there was no such dataset
 */
export function deleteDataset(db: Database.Database, id: DatasetId): boolean {
  return prepared<[number]>(db, 'DELETE FROM datasets WHERE id = ?').run(id).changes > 0
}
