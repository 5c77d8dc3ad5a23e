/**
 * MetadataStore on SQLite through node:sqlite (no native add-on). WAL journal with synchronous=FULL:
 * a push the registry acknowledged survives a crash of the process or the machine. node:sqlite is
 * synchronous; every call is short (indexed lookups, small rows), so the event loop barely notices.
 */
import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import type { ManifestRecord, MetadataStore, Page } from './metadata-store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS repositories (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blob_links (
  repository TEXT NOT NULL, digest TEXT NOT NULL, linked_at INTEGER NOT NULL,
  PRIMARY KEY (repository, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blob_links_by_digest ON blob_links (digest, linked_at);
CREATE TABLE IF NOT EXISTS manifests (
  repository TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL, artifact_type TEXT,
  subject TEXT, size INTEGER NOT NULL, content BLOB NOT NULL, annotations TEXT, created_at INTEGER NOT NULL,
  PRIMARY KEY (repository, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifests_by_subject ON manifests (repository, subject) WHERE subject IS NOT NULL;
CREATE TABLE IF NOT EXISTS manifest_refs (
  repository TEXT NOT NULL, digest TEXT NOT NULL, ref TEXT NOT NULL,
  PRIMARY KEY (repository, digest, ref)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_refs_by_ref ON manifest_refs (ref);
CREATE TABLE IF NOT EXISTS tags (
  repository TEXT NOT NULL, name TEXT NOT NULL, digest TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (repository, name)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_by_digest ON tags (repository, digest);
`;

type Row = Record<string, SQLOutputValue>;

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`metadata.db: column ${column} is not text`);
  return value;
}

function optionalText(row: Row, column: string): string | undefined {
  const value = row[column];
  return typeof value === 'string' ? value : undefined;
}

function integer(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new Error(`metadata.db: column ${column} is not a number`);
  return Number(value);
}

function toRecord(row: Row): ManifestRecord {
  const content = row.content;
  const artifactType = optionalText(row, 'artifact_type');
  const subject = optionalText(row, 'subject');
  const annotations = optionalText(row, 'annotations');
  return {
    repository: text(row, 'repository'),
    digest: text(row, 'digest'),
    mediaType: text(row, 'media_type'),
    ...(artifactType !== undefined && { artifactType }),
    ...(subject !== undefined && { subject }),
    size: integer(row, 'size'),
    content: content instanceof Uint8Array ? content : new Uint8Array(),
    ...(annotations !== undefined && { annotations: JSON.parse(annotations) as Record<string, string> }),
    createdAt: integer(row, 'created_at'),
  };
}

/** SQL fragment and parameters for lexical pagination over `column`. */
function pageClause(column: string, page: Page): { where: string; limit: string; params: Array<string | number> } {
  const params: Array<string | number> = [];
  let where = '';
  if (page.last !== undefined) {
    where = ` AND ${column} > ?`;
    params.push(page.last);
  }
  let limit = '';
  if (page.n !== undefined) {
    limit = ' LIMIT ?';
    params.push(page.n);
  }
  return { where, limit, params };
}

export class SqliteMetadataStore implements MetadataStore {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  /** Prepared once per SQL text: preparing costs more than running these small queries. */
  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Opens (creating when needed) the database at `path`; `:memory:` for a throwaway one. */
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    this.#db.exec(SCHEMA);
  }

  async linkBlob(repository: string, digest: string, at: number): Promise<void> {
    this.#transaction(() => {
      this.#ensureRepository(repository, at);
      this.#statement('INSERT INTO blob_links (repository, digest, linked_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET linked_at = excluded.linked_at')
        .run(repository, digest, at);
    });
  }

  async isBlobLinked(repository: string, digest: string): Promise<boolean> {
    return this.#statement('SELECT 1 FROM blob_links WHERE repository = ? AND digest = ?').get(repository, digest) !== undefined;
  }

  async unlinkBlob(repository: string, digest: string): Promise<boolean> {
    return Number(this.#statement('DELETE FROM blob_links WHERE repository = ? AND digest = ?').run(repository, digest).changes) > 0;
  }

  async putManifest(record: ManifestRecord, references: string[], tag?: string): Promise<void> {
    this.#transaction(() => {
      this.#ensureRepository(record.repository, record.createdAt);
      const inserted = this.#statement(
          `INSERT INTO manifests (repository, digest, media_type, artifact_type, subject, size, content, annotations, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(
          record.repository,
          record.digest,
          record.mediaType,
          record.artifactType ?? null,
          record.subject ?? null,
          record.size,
          record.content,
          record.annotations === undefined ? null : JSON.stringify(record.annotations),
          record.createdAt,
        );
      if (Number(inserted.changes) > 0) {
        const addRef = this.#statement('INSERT INTO manifest_refs (repository, digest, ref) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
        for (const ref of references) addRef.run(record.repository, record.digest, ref);
      }
      if (tag !== undefined) {
        this.#db
          .prepare('INSERT INTO tags (repository, name, digest, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at')
          .run(record.repository, tag, record.digest, record.createdAt);
      }
    });
  }

  async getManifest(repository: string, digest: string): Promise<ManifestRecord | undefined> {
    const row = this.#statement('SELECT * FROM manifests WHERE repository = ? AND digest = ?').get(repository, digest);
    return row === undefined ? undefined : toRecord(row);
  }

  async resolveTag(repository: string, tag: string): Promise<string | undefined> {
    const row = this.#statement('SELECT digest FROM tags WHERE repository = ? AND name = ?').get(repository, tag);
    return row === undefined ? undefined : text(row, 'digest');
  }

  async listTags(repository: string, page: Page): Promise<string[]> {
    const { where, limit, params } = pageClause('name', page);
    const rows = this.#statement(`SELECT name FROM tags WHERE repository = ?${where} ORDER BY name${limit}`).all(repository, ...params);
    return rows.map((row) => text(row, 'name'));
  }

  async repositoryExists(repository: string): Promise<boolean> {
    return this.#statement('SELECT 1 FROM repositories WHERE name = ?').get(repository) !== undefined;
  }

  async listRepositories(page: Page): Promise<string[]> {
    const { where, limit, params } = pageClause('name', page);
    const rows = this.#statement(`SELECT name FROM repositories WHERE 1 = 1${where} ORDER BY name${limit}`).all(...params);
    return rows.map((row) => text(row, 'name'));
  }

  async deleteTag(repository: string, tag: string): Promise<boolean> {
    return Number(this.#statement('DELETE FROM tags WHERE repository = ? AND name = ?').run(repository, tag).changes) > 0;
  }

  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    return this.#transaction(() => {
      const deleted = this.#statement('DELETE FROM manifests WHERE repository = ? AND digest = ?').run(repository, digest);
      this.#statement('DELETE FROM tags WHERE repository = ? AND digest = ?').run(repository, digest);
      this.#statement('DELETE FROM manifest_refs WHERE repository = ? AND digest = ?').run(repository, digest);
      return Number(deleted.changes) > 0;
    });
  }

  async listManifests(repository: string, page: Page): Promise<ManifestRecord[]> {
    const { where, limit, params } = pageClause('digest', page);
    const rows = this.#statement(
        `SELECT repository, digest, media_type, artifact_type, subject, size, X'' AS content, annotations, created_at
         FROM manifests WHERE repository = ?${where} ORDER BY digest${limit}`,
      )
      .all(repository, ...params);
    return rows.map(toRecord);
  }

  async tagsOf(repository: string, digest: string): Promise<string[]> {
    return this.#statement('SELECT name FROM tags WHERE repository = ? AND digest = ? ORDER BY name').all(repository, digest).map((row) => text(row, 'name'));
  }

  async deleteRepository(repository: string): Promise<boolean> {
    return this.#transaction(() => {
      for (const table of ['tags', 'manifest_refs', 'manifests', 'blob_links']) this.#statement(`DELETE FROM ${table} WHERE repository = ?`).run(repository);
      return Number(this.#statement('DELETE FROM repositories WHERE name = ?').run(repository).changes) > 0;
    });
  }

  async listReferrers(repository: string, subject: string): Promise<ManifestRecord[]> {
    const rows = this.#statement(
        `SELECT repository, digest, media_type, artifact_type, subject, size, X'' AS content, annotations, created_at
         FROM manifests WHERE repository = ? AND subject = ? ORDER BY created_at, digest`,
      )
      .all(repository, subject);
    return rows.map(toRecord);
  }

  async digestsInUse(since: number): Promise<Set<string>> {
    const rows = this.#statement('SELECT ref AS digest FROM manifest_refs UNION SELECT digest FROM blob_links WHERE linked_at >= ?')
      .all(since);
    return new Set(rows.map((row) => text(row, 'digest')));
  }

  async isDigestInUse(digest: string, since: number): Promise<boolean> {
    const referenced = this.#statement('SELECT 1 FROM manifest_refs WHERE ref = ? LIMIT 1').get(digest);
    if (referenced !== undefined) return true;
    return this.#statement('SELECT 1 FROM blob_links WHERE digest = ? AND linked_at >= ? LIMIT 1').get(digest, since) !== undefined;
  }

  async forgetBlob(digest: string): Promise<void> {
    this.#statement('DELETE FROM blob_links WHERE digest = ?').run(digest);
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  #ensureRepository(name: string, at: number): void {
    this.#statement('INSERT INTO repositories (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(name, at);
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}
