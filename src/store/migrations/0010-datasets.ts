import type Database from 'better-sqlite3'

/**
 * Datasets the studio knows: the samples it ships and the files a user imported.
 *
 * `content_hash` is UNIQUE so the same content is registered once; `stats_json` holds the
 * DatasetStats computed at import (they never change, the files are not re-read to list them).
 */
export default function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE datasets (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('text', 'csv', 'labelled', 'class-folder')),
      source_path TEXT NOT NULL,
      content_hash TEXT NOT NULL UNIQUE,
      size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
      stats_json TEXT NOT NULL CHECK (json_valid(stats_json)),
      is_sample INTEGER NOT NULL CHECK (is_sample IN (0, 1)),
      notice TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL
    ) STRICT;
  `)
}
