import type Database from 'better-sqlite3'

/**
 * The process id of the studio (app, browser mode or CLI) that runs a run's trainer. Several studio
 * processes may share one home; at start-up each marks as interrupted only the runs whose owner is
 * gone, never a run another live process is training.
 */
export default function up(db: Database.Database): void {
  db.exec(`ALTER TABLE runs ADD COLUMN owner_pid INTEGER`)
}
