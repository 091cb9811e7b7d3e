import type Database from 'better-sqlite3'

/**
 * Scalar metrics a run logs (loss, val_loss, accuracy, lr…), one row per (run, name, step).
 *
 * WITHOUT ROWID with PRIMARY KEY (run_id, name, step): rows are stored in key order, so "all points
 * of metric X of run R ordered by step" is one range scan of the table itself, with no separate
 * index to keep in step and no sort. The key also means a step logged twice (a run resumed from an
 * earlier checkpoint) replaces the old point instead of duplicating it.
 *
 * `value` is nullable because SQLite has no NaN: binding NaN stores NULL. A diverged loss is worth
 * keeping, so NULL means "not a number" and reads back as NaN. ±Infinity are stored as themselves.
 * `time` is milliseconds since the Unix epoch (REAL, as Date.now() / performance timings give).
 */
export default function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE metrics (
      run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      step INTEGER NOT NULL,
      epoch REAL NOT NULL,
      value REAL,
      time REAL NOT NULL,
      PRIMARY KEY (run_id, name, step)
    ) STRICT, WITHOUT ROWID;
  `)
}
