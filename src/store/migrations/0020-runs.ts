import type Database from 'better-sqlite3'

/**
 * Training runs. A run outlives its dataset (ON DELETE SET NULL): its metrics and checkpoints stay
 * useful after the data is removed. The status list is RunStatus in src/shared/domain/run.ts.
 *
 * Indexes: `created_at` serves "newest first" listing; `status` serves "which runs are running"
 * (at start-up, to mark crashed runs interrupted) and status filters.
 */
export default function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE runs (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      task TEXT NOT NULL,
      dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
      config_json TEXT NOT NULL CHECK (json_valid(config_json)),
      status TEXT NOT NULL CHECK (
        status IN ('queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'interrupted')
      ),
      backend TEXT,
      created_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT,
      error TEXT
    ) STRICT;

    CREATE INDEX runs_created_at ON runs (created_at);
    CREATE INDEX runs_status ON runs (status);
    -- SQLite does not index foreign keys itself; without this, deleting a dataset scans all runs.
    CREATE INDEX runs_dataset_id ON runs (dataset_id);
  `)
}
