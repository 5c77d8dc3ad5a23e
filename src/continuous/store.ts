/**
 * `continuous.db` under the registry's data directory: the running-image inventory. Kept apart from
 * grafeas.db (where every admission is also a DEPLOYMENT occurrence, the history) because this is
 * the present: which images run now and what the policy says of them today.
 *
 *   continuous.db
 *     running_images  one row per image of a workload: the admission facts as JSON, the current
 *                     decision as JSON, ended_at once the cluster watcher saw its pods gone
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { PortcullisError } from '../core/index.ts';
import type { CurrentDecision, RunningImage } from './model.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS running_images (
  id TEXT PRIMARY KEY,
  digest TEXT,
  facts TEXT NOT NULL,
  decision TEXT,
  ended_at TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS running_by_digest ON running_images (digest);
`;

type Facts = Omit<RunningImage, 'id' | 'decision' | 'endedAt'>;

export class RunningImageStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.#db.exec(SCHEMA);
  }

  static open(dataDir: string): RunningImageStore {
    return new RunningImageStore(join(dataDir, 'continuous.db'));
  }

  /** Records (or renews) an image as running: a new admission clears `ended_at`, keeps the last decision. */
  upsert(image: Omit<RunningImage, 'decision' | 'endedAt'>): void {
    const { id, ...facts } = image;
    this.#db
      .prepare('INSERT INTO running_images (id, digest, facts) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET digest = excluded.digest, facts = excluded.facts, ended_at = NULL')
      .run(id, image.digest ?? null, JSON.stringify(facts));
  }

  setDecision(id: string, decision: CurrentDecision): void {
    this.#db.prepare('UPDATE running_images SET decision = ? WHERE id = ?').run(JSON.stringify(decision), id);
  }

  markEnded(id: string, at: string): void {
    this.#db.prepare('UPDATE running_images SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(at, id);
  }

  get(id: string): RunningImage | undefined {
    const row = this.#db.prepare('SELECT * FROM running_images WHERE id = ?').get(id);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Images still running (or, with `ended`, every image ever recorded), oldest admission first. */
  list(options: { ended?: boolean } = {}): RunningImage[] {
    const rows = this.#db.prepare(`SELECT * FROM running_images ${options.ended === true ? '' : 'WHERE ended_at IS NULL'}`).all();
    return rows.map(fromRow).sort((a, b) => (a.admittedAt < b.admittedAt ? -1 : a.admittedAt > b.admittedAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** Running images of one manifest digest. */
  byDigest(digest: string): RunningImage[] {
    return this.#db.prepare('SELECT * FROM running_images WHERE digest = ? AND ended_at IS NULL').all(digest).map(fromRow);
  }

  close(): void {
    this.#db.close();
  }
}

function fromRow(row: Record<string, unknown>): RunningImage {
  const id = row.id;
  const facts = row.facts;
  if (typeof id !== 'string' || typeof facts !== 'string') throw new PortcullisError('INTERNAL', 'continuous.db: malformed running_images row');
  const decision = typeof row.decision === 'string' ? (JSON.parse(row.decision) as CurrentDecision) : undefined;
  return {
    id,
    ...(JSON.parse(facts) as Facts),
    ...(typeof row.ended_at === 'string' && { endedAt: row.ended_at }),
    ...(decision !== undefined && { decision }),
  };
}
