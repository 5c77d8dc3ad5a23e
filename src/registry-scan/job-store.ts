/**
 * The durable job table. A job is claimed (queued -> running) in one statement, so two workers never
 * take the same job; a job's key is unique, so a digest pushed twice is scanned once. Jobs found
 * `running` when the store opens belonged to a process that stopped mid-job and are queued again.
 */
import type { DatabaseSync } from 'node:sqlite';
import { type Row, integer, optionalText, text } from './database.ts';
import { transaction } from '../storage/index.ts';

export type JobKind = 'scan' | 'webhook';
export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface Job {
  id: number;
  kind: JobKind;
  /** Unique per job: `scan:<digest>`, `webhook:<delivery id>`. */
  key: string;
  /** JSON text; each kind validates its own payload. */
  payload: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  lastError?: string;
  /** Not claimed before this time (ms since the epoch): the backoff of a retry. */
  runAfter: number;
  createdAt: number;
  updatedAt: number;
}

export interface EnqueueOptions {
  maxAttempts: number;
  /** Default: now. */
  runAfter?: number;
  /** Also restart a job that is done (an explicit re-scan); a queued or running one is left alone. */
  restartFinished?: boolean;
}

const STATES: ReadonlySet<string> = new Set(['queued', 'running', 'done', 'failed']);
const KINDS: ReadonlySet<string> = new Set(['scan', 'webhook']);

function toJob(row: Row): Job {
  const kind = text(row, 'kind');
  const state = text(row, 'state');
  if (!KINDS.has(kind) || !STATES.has(state)) throw new Error(`jobs.db: job ${String(row.id)} has kind ${kind}, state ${state}`);
  const lastError = optionalText(row, 'last_error');
  return {
    id: integer(row, 'id'),
    kind: kind as JobKind,
    key: text(row, 'key'),
    payload: text(row, 'payload'),
    state: state as JobState,
    attempts: integer(row, 'attempts'),
    maxAttempts: integer(row, 'max_attempts'),
    ...(lastError !== undefined && { lastError }),
    runAfter: integer(row, 'run_after'),
    createdAt: integer(row, 'created_at'),
    updatedAt: integer(row, 'updated_at'),
  };
}

export class JobStore {
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  constructor(db: DatabaseSync, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#db.prepare("UPDATE jobs SET state = 'queued', updated_at = ? WHERE state = 'running'").run(now());
  }

  /**
   * Adds a job unless one with the same key exists; a failed one is given a fresh start (a re-push
   * after a fix), and so is a done one with `restartFinished`. True when a job was queued.
   */
  enqueue(kind: JobKind, key: string, payload: unknown, options: EnqueueOptions): boolean {
    const now = this.#now();
    const result = this.#db
      .prepare(
        `INSERT INTO jobs (kind, key, payload, state, attempts, max_attempts, run_after, created_at, updated_at)
         VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET state = 'queued', attempts = 0, last_error = NULL, payload = excluded.payload,
           run_after = excluded.run_after, updated_at = excluded.updated_at WHERE jobs.state IN (?, 'failed')`,
      )
      .run(kind, key, JSON.stringify(payload), options.maxAttempts, options.runAfter ?? now, now, now, options.restartFinished === true ? 'done' : 'failed');
    return Number(result.changes) > 0;
  }

  /** Takes the oldest ready job of `kind`: it becomes running with one more attempt. */
  claim(kind: JobKind): Job | undefined {
    const now = this.#now();
    return transaction(this.#db, () => {
      const row = this.#db
        .prepare("SELECT id FROM jobs WHERE kind = ? AND state = 'queued' AND run_after <= ? ORDER BY run_after, id LIMIT 1")
        .get(kind, now) as Row | undefined;
      if (row === undefined) return undefined;
      this.#db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?").run(now, row.id ?? null);
      return this.byId(integer(row, 'id'));
    });
  }

  complete(id: number): void {
    this.#db.prepare("UPDATE jobs SET state = 'done', last_error = NULL, updated_at = ? WHERE id = ?").run(this.#now(), id);
  }

  /** Records a failed attempt: queued again at `retryAt` while attempts remain, else failed for good. */
  fail(id: number, error: string, retryAt: number | undefined): JobState {
    const job = this.byId(id);
    const state: JobState = retryAt !== undefined && job !== undefined && job.attempts < job.maxAttempts ? 'queued' : 'failed';
    this.#db
      .prepare('UPDATE jobs SET state = ?, last_error = ?, run_after = ?, updated_at = ? WHERE id = ?')
      .run(state, error, retryAt ?? this.#now(), this.#now(), id);
    return state;
  }

  byId(id: number): Job | undefined {
    const row = this.#db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : toJob(row);
  }

  byKey(key: string): Job | undefined {
    const row = this.#db.prepare('SELECT * FROM jobs WHERE key = ?').get(key) as Row | undefined;
    return row === undefined ? undefined : toJob(row);
  }

  /** Jobs of a kind, newest first, optionally in one state. */
  list(kind: JobKind, state?: JobState, limit = 100): Job[] {
    const rows =
      state === undefined
        ? this.#db.prepare('SELECT * FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT ?').all(kind, limit)
        : this.#db.prepare('SELECT * FROM jobs WHERE kind = ? AND state = ? ORDER BY id DESC LIMIT ?').all(kind, state, limit);
    return (rows as Row[]).map(toJob);
  }

  /** How many jobs of `kind` are in each state. */
  countByState(kind: JobKind): Record<JobState, number> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    const rows = this.#db.prepare('SELECT state, COUNT(*) AS n FROM jobs WHERE kind = ? GROUP BY state').all(kind) as Row[];
    for (const row of rows) {
      const state = text(row, 'state');
      if (STATES.has(state)) counts[state as JobState] = integer(row, 'n');
    }
    return counts;
  }

  /** Deletes finished (done or failed) jobs of `kind` last updated before `before`; returns how many. */
  prune(kind: JobKind, before: number): number {
    const result = this.#db.prepare("DELETE FROM jobs WHERE kind = ? AND state IN ('done', 'failed') AND updated_at < ?").run(kind, before);
    return Number(result.changes);
  }

  /** When the next queued job of `kind` becomes ready, or undefined when none is queued. */
  nextRunAfter(kind: JobKind): number | undefined {
    const row = this.#db.prepare("SELECT MIN(run_after) AS next FROM jobs WHERE kind = ? AND state = 'queued'").get(kind) as Row | undefined;
    const next = row?.next;
    return typeof next === 'number' || typeof next === 'bigint' ? Number(next) : undefined;
  }
}
