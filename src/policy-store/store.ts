/**
 * StoredPolicies: the policy layers and attestors managed through the API, in `policies.db` under
 * the server's data directory. Every change bumps one counter, so a reader can tell in one lookup
 * whether anything it compiled is stale.
 *
 *   policies.db
 *     layers     (layer)   policy document bytes, content type, who changed it and when, revision
 *     attestors  (name)    public key (PEM), who changed it and when
 *     meta       (key)     "revision": the change counter
 */
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { PortcullisError, inputError } from '../core/index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS layers (
  layer TEXT PRIMARY KEY,
  document BLOB NOT NULL,
  content_type TEXT NOT NULL,
  revision INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attestors (
  name TEXT PRIMARY KEY,
  public_key_pem TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0);
`;

/** A layer's name: the organisation, one project's, or one Kubernetes namespace's. */
export type LayerName = 'organisation' | `project:${string}` | `namespace:${string}`;

/** Project and namespace names: what the registry and Kubernetes allow, bounded. */
const SCOPED_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/;
const ATTESTOR_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;
const MAX_PEM_LENGTH = 16 * 1024;

export function parseLayerName(value: string): LayerName {
  if (value === 'organisation') return value;
  const match = /^(project|namespace):(.*)$/.exec(value);
  if (match === null || !SCOPED_NAME.test(match[2] ?? '')) {
    throw inputError(`policy layer ${JSON.stringify(value.slice(0, 200))} is not organisation, project:NAME or namespace:NAME (lower-case letters, digits, . _ -)`);
  }
  return value as LayerName;
}

export function parseAttestorName(value: string): string {
  if (!ATTESTOR_NAME.test(value)) throw inputError(`attestor name ${JSON.stringify(value.slice(0, 200))} must be letters, digits, . _ - (at most 128)`);
  return value;
}

/** A PEM public key, checked by parsing it; private keys are refused (they never belong here). */
export function parsePublicKeyPem(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_PEM_LENGTH) throw inputError(`publicKeyPem must be a PEM public key of at most ${MAX_PEM_LENGTH} characters`);
  if (/PRIVATE KEY/.test(value)) throw inputError('publicKeyPem holds a private key; give the public key only');
  try {
    createPublicKey(value);
  } catch (error) {
    throw inputError(`publicKeyPem is not a public key: ${(error as Error).message}`, error);
  }
  return value;
}

export interface StoredLayer {
  layer: LayerName;
  document: Uint8Array;
  contentType: string;
  /** The store revision of the layer's last change. */
  revision: number;
  updatedAt: number;
  updatedBy: string;
}

export interface StoredAttestor {
  name: string;
  publicKeyPem: string;
  updatedAt: number;
  updatedBy: string;
}

type Row = Record<string, SQLOutputValue>;

function text(row: Row, name: string): string {
  const value = row[name];
  if (typeof value !== 'string') throw new PortcullisError('INTERNAL', `policies.db: column ${name} is not text`);
  return value;
}

function integer(row: Row, name: string): number {
  const value = row[name];
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new PortcullisError('INTERNAL', `policies.db: column ${name} is not a number`);
  return Number(value);
}

function layerOf(row: Row): StoredLayer {
  const document = row.document;
  if (!(document instanceof Uint8Array)) throw new PortcullisError('INTERNAL', 'policies.db: column document is not a blob');
  return { layer: parseLayerName(text(row, 'layer')), document, contentType: text(row, 'content_type'), revision: integer(row, 'revision'), updatedAt: integer(row, 'updated_at'), updatedBy: text(row, 'updated_by') };
}

function attestorOf(row: Row): StoredAttestor {
  return { name: text(row, 'name'), publicKeyPem: text(row, 'public_key_pem'), updatedAt: integer(row, 'updated_at'), updatedBy: text(row, 'updated_by') };
}

export class StoredPolicies {
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  constructor(file: string, now: () => number = Date.now) {
    this.#db = new DatabaseSync(file);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.#db.exec(SCHEMA);
    this.#now = now;
  }

  /** Counts every change ever made: equal numbers mean equal contents. */
  revision(): number {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'revision'").get();
    return row === undefined ? 0 : integer(row, 'value');
  }

  layers(): StoredLayer[] {
    return this.#db.prepare('SELECT * FROM layers ORDER BY layer').all().map(layerOf);
  }

  layer(name: LayerName): StoredLayer | undefined {
    const row = this.#db.prepare('SELECT * FROM layers WHERE layer = ?').get(name);
    return row === undefined ? undefined : layerOf(row);
  }

  /** Stores the document (already validated by the caller); returns the new store revision. */
  putLayer(name: LayerName, document: Uint8Array, contentType: string, actor: string): number {
    return this.#changed((revision) => {
      this.#db
        .prepare('INSERT OR REPLACE INTO layers (layer, document, content_type, revision, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)')
        .run(name, document, contentType, revision, this.#now(), actor);
    });
  }

  /** Removes the layer; undefined when there was none. */
  deleteLayer(name: LayerName): number | undefined {
    return this.#change(() => this.#db.prepare('DELETE FROM layers WHERE layer = ?').run(name).changes > 0);
  }

  attestors(): StoredAttestor[] {
    return this.#db.prepare('SELECT * FROM attestors ORDER BY name').all().map(attestorOf);
  }

  attestor(name: string): StoredAttestor | undefined {
    const row = this.#db.prepare('SELECT * FROM attestors WHERE name = ?').get(name);
    return row === undefined ? undefined : attestorOf(row);
  }

  putAttestor(name: string, publicKeyPem: string, actor: string): number {
    return this.#changed(() => {
      this.#db.prepare('INSERT OR REPLACE INTO attestors (name, public_key_pem, updated_at, updated_by) VALUES (?, ?, ?, ?)').run(name, publicKeyPem, this.#now(), actor);
    });
  }

  deleteAttestor(name: string): number | undefined {
    return this.#change(() => this.#db.prepare('DELETE FROM attestors WHERE name = ?').run(name).changes > 0);
  }

  close(): void {
    this.#db.close();
  }

  /** A change that always changes something: its new revision. */
  #changed(apply: (revision: number) => void): number {
    return this.#change((revision) => (apply(revision), true)) ?? this.revision();
  }

  /** Runs one change in a transaction with the revision bump; `apply` says whether anything changed. */
  #change(apply: (revision: number) => boolean): number | undefined {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const revision = this.revision() + 1;
      const changed = apply(revision);
      if (changed) this.#db.prepare("UPDATE meta SET value = ? WHERE key = 'revision'").run(revision);
      this.#db.exec('COMMIT');
      return changed ? revision : undefined;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

export function openStoredPolicies(dataDir: string): StoredPolicies {
  return new StoredPolicies(join(dataDir, 'policies.db'));
}
