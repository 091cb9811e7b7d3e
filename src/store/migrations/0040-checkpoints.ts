import type Database from 'better-sqlite3'

/**
 * Saved model states. `weights` and `optimizer_state` are opaque blobs the engine writes (tfjs
 * weight data); `meta_json` makes a checkpoint self-describing (config, model spec, step, best
 * val loss), so it can be resumed or exported without the run row.
 *
 * At most one checkpoint per run is the best: a partial UNIQUE index enforces it, and also serves
 * the "best checkpoint of run R" lookup. `(run_id, step)` serves "latest checkpoint of run R".
 */
export default function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE checkpoints (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      weights BLOB NOT NULL,
      optimizer_state BLOB,
      meta_json TEXT NOT NULL CHECK (json_valid(meta_json)),
      val_loss REAL,
      is_best INTEGER NOT NULL CHECK (is_best IN (0, 1)),
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX checkpoints_run_step ON checkpoints (run_id, step);
    CREATE UNIQUE INDEX checkpoints_one_best ON checkpoints (run_id) WHERE is_best = 1;
  `)
}
