/**
 * The write transaction every SQLite store of Portcullis uses: IMMEDIATE, so the write lock is taken
 * at the start and a concurrent writer waits (busy_timeout) instead of failing half-way.
 */
import type { DatabaseSync } from 'node:sqlite';

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws; inside another it joins it. */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  if (db.isTransaction) return work();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
