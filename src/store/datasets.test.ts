import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DatasetId } from '../shared/domain/ids'
import { DatasetSummary } from '../shared/domain/dataset'
import {
  deleteDataset,
  findDatasetByHash,
  getDataset,
  insertDataset,
  listDatasets
} from './datasets'
import { StoreError } from './errors'
import { createRun, getRun } from './runs'
import { TEXT_STATS, type TempStore, newDataset, tempStore } from './test-support'

describe('datasets', () => {
  let t: TempStore
  let db: Database.Database
  beforeEach(() => {
    t = tempStore()
    db = t.open()
  })
  afterEach(() => t.cleanup())

  it('round-trips every field, stats included, as a valid DatasetSummary', () => {
    const csvStats = {
      kind: 'csv' as const,
      rows: 3,
      columns: [
        { name: 'temp', type: 'numeric' as const, missing: 1, min: 1.5, max: 4, mean: 2.75 }
      ],
      dateGaps: ['2024-01-02'],
      preview: [1.5, null, 4]
    }
    const inserted = insertDataset(
      db,
      newDataset({
        name: 'weather',
        kind: 'csv',
        sourcePath: '/data/weather.csv',
        contentHash: 'sha256-weather',
        sizeBytes: 42,
        stats: csvStats,
        isSample: true,
        notice: 'CC-BY 4.0, Met Office'
      })
    )
    expect(inserted.id).toBe(1)
    expect(inserted.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(DatasetSummary.parse(inserted)).toEqual(inserted)
    expect(getDataset(db, inserted.id)).toEqual(inserted)
    expect(inserted).toMatchObject({
      name: 'weather',
      kind: 'csv',
      sourcePath: '/data/weather.csv',
      contentHash: 'sha256-weather',
      sizeBytes: 42,
      stats: csvStats,
      isSample: true,
      notice: 'CC-BY 4.0, Met Office'
    })
  })

  it('survives closing and reopening the file', () => {
    const { id } = insertDataset(db, newDataset())
    db.close()
    const reopened = t.open()
    expect(getDataset(reopened, id)?.stats).toEqual(TEXT_STATS)
  })

  it('lists samples first in registration order, then the newest', () => {
    insertDataset(db, newDataset({ name: 'user-old', contentHash: 'a' }))
    insertDataset(db, newDataset({ name: 'sample-1', contentHash: 'b', isSample: true }))
    insertDataset(db, newDataset({ name: 'user-new', contentHash: 'c' }))
    insertDataset(db, newDataset({ name: 'sample-2', contentHash: 'd', isSample: true }))
    expect(listDatasets(db).map((d) => d.name)).toEqual([
      'sample-1',
      'sample-2',
      'user-new',
      'user-old'
    ])
  })

  it('finds a dataset by content hash, and refuses to register the same content twice', () => {
    insertDataset(db, newDataset({ name: 'shakespeare', contentHash: 'h-123' }))
    expect(findDatasetByHash(db, 'h-123')?.name).toBe('shakespeare')
    expect(findDatasetByHash(db, 'h-999')).toBeUndefined()
    let error: unknown
    try {
      insertDataset(db, newDataset({ name: 'copy', contentHash: 'h-123' }))
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('DUPLICATE')
    expect((error as StoreError).message).toMatch(/already in the studio as "shakespeare"/)
    expect(listDatasets(db)).toHaveLength(1)
  })

  it('deletes a dataset, leaving its runs with no dataset', () => {
    const dataset = insertDataset(db, newDataset())
    const run = createRun(db, { name: 'r', task: 'char-lm', datasetId: dataset.id, config: {} })
    expect(deleteDataset(db, dataset.id)).toBe(true)
    expect(deleteDataset(db, dataset.id)).toBe(false)
    expect(getDataset(db, dataset.id)).toBeUndefined()
    expect(getRun(db, run.id)?.datasetId).toBeNull()
  })

  it('returns undefined for an id that does not exist', () => {
    expect(getDataset(db, 404 as DatasetId)).toBeUndefined()
  })
})
