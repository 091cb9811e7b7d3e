import type Database from 'better-sqlite3'

/**
 * Samples a run produced while training (generated text at step N, a forecast plot's points…),
 * kept as JSON so each task can shape its own payload.
 */
export default function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE samples (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX samples_run_step ON samples (run_id, step);
  `)
}
