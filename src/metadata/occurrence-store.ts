/**
 * Occurrences in grafeas.db, append-only: every create, update and delete writes a revision, and
 * the head row holds the latest one for listing. A delete writes a tombstone revision; earlier
 * revisions stay readable (`?revision=N`, `:history`) as evidence of what was known when.
 *
 * The server's own writers name their occurrences by a `writer key` (e.g. one finding of one image)
 * so a rescan updates the occurrence it wrote before instead of adding a second one.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { DatabaseSync } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';
import { type Row, integer, storedObject, text } from './database.ts';
import { transaction } from '../storage/index.ts';
import { type FieldReader, type FilterFields, type FilterNode, matchesFilter, parseFilter } from './filter.ts';
import type { ListOptions, Occurrence, OccurrenceRevision, Page } from './model.ts';
import { occurrenceName, parseNoteName } from './names.ts';
import type { NoteStore } from './note-store.ts';
import type { PageTokens } from './page-token.ts';
import { pageSizeOf, readPage } from './paging.ts';
import { applyUpdateMask } from './update-mask.ts';
import { type OccurrenceInput, parseOccurrenceInput } from './validate.ts';

export const OCCURRENCE_FILTER_FIELDS: FilterFields = {
  names: ['name', 'resourceUri', 'kind', 'noteName', 'noteProjectId', 'noteId'],
  times: ['createTime', 'updateTime'],
  prefixes: ['labels.'],
  aliases: { resourceUrl: 'resourceUri' },
};

/** Lifecycle labels of the image a resourceUri names (undefined for other resources). */
export type LabelReader = (resourceUri: string) => Record<string, string> | undefined;

/** Which occurrences a listing covers: one project, or those of one note in the projects a caller may read. */
export type OccurrenceScope = { project: string } | { noteName: string; visible: (project: string) => boolean };

const COLUMN_OF: Readonly<Record<string, string>> = { kind: 'kind', resourceUri: 'resource_uri', noteName: 'note_name' };

/** Equality terms at the top of a filter that SQL can apply before the in-memory filter. */
function sqlPrefilter(node: FilterNode | undefined): Array<[string, string]> {
  const terms = node === undefined ? [] : node.op === 'and' ? node.terms : [node];
  const conditions: Array<[string, string]> = [];
  for (const term of terms) {
    const column = term.op === 'compare' && term.comparator === '=' ? COLUMN_OF[term.field] : undefined;
    if (column !== undefined && term.op === 'compare') conditions.push([column, term.value]);
  }
  return conditions;
}

export class OccurrenceStore {
  readonly #db: DatabaseSync;
  readonly #notes: NoteStore;
  readonly #tokens: PageTokens;
  readonly #now: () => number;
  readonly #labels: LabelReader | undefined;

  constructor(db: DatabaseSync, notes: NoteStore, tokens: PageTokens, now: () => number, labels?: LabelReader) {
    this.#db = db;
    this.#notes = notes;
    this.#tokens = tokens;
    this.#now = now;
    this.#labels = labels;
  }

  #checkNote(input: OccurrenceInput): void {
    const { project, noteId } = parseNoteName(input.noteName);
    const note = this.#notes.find(project, noteId);
    if (note === undefined) throw new PortcullisError('INPUT', `note ${input.noteName} does not exist`);
    if (note.kind !== input.kind) throw new PortcullisError('INPUT', `occurrence kind ${input.kind} does not match the kind ${note.kind} of note ${input.noteName}`);
  }

  #writeRevision(project: string, id: string, revision: number, occurrence: Occurrence, author: string, deleted: boolean): void {
    this.#db
      .prepare('INSERT INTO occurrence_revisions (project, id, revision, body, update_time, author, deleted) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(project, id, revision, JSON.stringify(occurrence), occurrence.updateTime, author, deleted ? 1 : 0);
  }

  create(project: string, body: unknown, author: string, writerKey?: string): Occurrence {
    const input = parseOccurrenceInput(body);
    return transaction(this.#db, () => this.#insert(project, input, author, writerKey));
  }

  /** Creates many at once: all are validated first, then written in one transaction (all or none). */
  createMany(project: string, bodies: readonly unknown[], author: string): Occurrence[] {
    const inputs = bodies.map((body, index) => {
      try {
        return parseOccurrenceInput(body);
      } catch (error) {
        throw new PortcullisError('INPUT', `occurrences[${index}]: ${(error as Error).message}`);
      }
    });
    return transaction(this.#db, () => inputs.map((input) => this.#insert(project, input, author)));
  }

  #insert(project: string, input: OccurrenceInput, author: string, writerKey?: string): Occurrence {
    this.#checkNote(input);
    this.#notes.ensureProject(project);
    const id = randomUUID();
    const now = new Date(this.#now()).toISOString();
    const occurrence = { name: occurrenceName(project, id), ...input, createTime: now, updateTime: now } as Occurrence;
    this.#db
      .prepare('INSERT INTO occurrences (project, id, revision, resource_uri, kind, note_name, body, writer_key) VALUES (?, ?, 1, ?, ?, ?, ?, ?)')
      .run(project, id, occurrence.resourceUri, occurrence.kind, occurrence.noteName, JSON.stringify(occurrence), writerKey ?? null);
    this.#writeRevision(project, id, 1, occurrence, author, false);
    return occurrence;
  }

  #head(project: string, id: string): Row | undefined {
    return this.#db.prepare('SELECT * FROM occurrences WHERE project = ? AND id = ?').get(project, id) as Row | undefined;
  }

  /** The latest revision, or revision N (tombstones included when asked by number). */
  get(project: string, id: string, revision?: number): Occurrence {
    const name = occurrenceName(project, id);
    if (revision !== undefined) {
      const row = this.#db.prepare('SELECT body FROM occurrence_revisions WHERE project = ? AND id = ? AND revision = ?').get(project, id, revision) as Row | undefined;
      if (row === undefined) throw new PortcullisError('NOT_FOUND', `no revision ${revision} of occurrence ${name}`);
      return storedObject<Occurrence>(row, 'body');
    }
    const head = this.#head(project, id);
    if (head === undefined || integer(head, 'deleted') !== 0) throw new PortcullisError('NOT_FOUND', `no occurrence ${name}`);
    return storedObject<Occurrence>(head, 'body');
  }

  history(project: string, id: string): OccurrenceRevision[] {
    const rows = this.#db.prepare('SELECT * FROM occurrence_revisions WHERE project = ? AND id = ? ORDER BY revision').all(project, id) as Row[];
    if (rows.length === 0) throw new PortcullisError('NOT_FOUND', `no occurrence ${occurrenceName(project, id)}`);
    return rows.map((row) => ({
      revision: integer(row, 'revision'),
      updateTime: text(row, 'update_time'),
      author: text(row, 'author'),
      deleted: integer(row, 'deleted') !== 0,
      occurrence: storedObject<Occurrence>(row, 'body'),
    }));
  }

  /** Who wrote the latest revision. */
  latestAuthor(project: string, id: string): string | undefined {
    const row = this.#db.prepare('SELECT author FROM occurrence_revisions WHERE project = ? AND id = ? ORDER BY revision DESC LIMIT 1').get(project, id) as Row | undefined;
    return row === undefined ? undefined : text(row, 'author');
  }

  update(project: string, id: string, patch: unknown, updateMask: string | undefined, author: string): Occurrence {
    return transaction(this.#db, () => {
      const current = this.get(project, id);
      return this.#revise(project, id, parseOccurrenceInput(applyUpdateMask(current, patch, updateMask)), current, author);
    });
  }

  #revise(project: string, id: string, input: OccurrenceInput, current: Occurrence, author: string): Occurrence {
    this.#checkNote(input);
    const head = this.#head(project, id);
    const revision = (head === undefined ? 0 : integer(head, 'revision')) + 1;
    const now = new Date(Math.max(this.#now(), Date.parse(current.updateTime))).toISOString();
    const occurrence = { name: current.name, ...input, createTime: current.createTime, updateTime: now } as Occurrence;
    this.#db
      .prepare('UPDATE occurrences SET revision = ?, resource_uri = ?, kind = ?, note_name = ?, body = ? WHERE project = ? AND id = ?')
      .run(revision, occurrence.resourceUri, occurrence.kind, occurrence.noteName, JSON.stringify(occurrence), project, id);
    this.#writeRevision(project, id, revision, occurrence, author, false);
    return occurrence;
  }

  /** Deletes: a tombstone revision; the history stays. */
  delete(project: string, id: string, author: string): void {
    transaction(this.#db, () => {
      const current = this.get(project, id);
      const head = this.#head(project, id);
      const revision = (head === undefined ? 0 : integer(head, 'revision')) + 1;
      const tombstone = { ...current, updateTime: new Date(this.#now()).toISOString() };
      this.#db.prepare('UPDATE occurrences SET revision = ?, deleted = 1, writer_key = NULL WHERE project = ? AND id = ?').run(revision, project, id);
      this.#writeRevision(project, id, revision, tombstone, author, true);
    });
  }

  /**
   * The server's writers: creates the occurrence known by `writerKey`, or writes a new revision of it
   * when its content changed (timestamps aside). `changed` is false when nothing was written.
   */
  upsert(project: string, writerKey: string, body: unknown, author: string): { occurrence: Occurrence; changed: boolean } {
    const input = parseOccurrenceInput(body);
    return transaction(this.#db, () => {
      const row = this.#db.prepare('SELECT id, body FROM occurrences WHERE writer_key = ?').get(writerKey) as Row | undefined;
      if (row === undefined) return { occurrence: this.#insert(project, input, author, writerKey), changed: true };
      const current = storedObject<Occurrence>(row, 'body');
      const { name: _name, createTime: _created, updateTime: _updated, ...stored } = current;
      if (isDeepStrictEqual(stored, input)) return { occurrence: current, changed: false };
      return { occurrence: this.#revise(project, text(row, 'id'), input, current, author), changed: true };
    });
  }

  /** Live occurrences whose writer key starts with `prefix`, with their keys. */
  byWriterPrefix(prefix: string): Array<{ key: string; occurrence: Occurrence }> {
    const rows = this.#db.prepare('SELECT writer_key, body FROM occurrences WHERE writer_key >= ? AND writer_key < ? AND deleted = 0').all(prefix, `${prefix}\uffff`) as Row[];
    return rows.map((row) => ({ key: text(row, 'writer_key'), occurrence: storedObject<Occurrence>(row, 'body') }));
  }

  /** Live occurrences of a resource, of the given kinds. */
  ofResource(resourceUri: string, kinds: readonly string[]): Occurrence[] {
    const rows = this.#db.prepare(`SELECT body FROM occurrences WHERE resource_uri = ? AND deleted = 0 AND kind IN (${kinds.map(() => '?').join(',')}) ORDER BY seq`).all(resourceUri, ...kinds) as Row[];
    return rows.map((row) => storedObject<Occurrence>(row, 'body'));
  }

  /** A field reader for filters, with lifecycle labels looked up once per resource. */
  #reader(occurrence: Occurrence, labelCache: Map<string, Record<string, string> | undefined>): FieldReader {
    return (field) => {
      if (field.startsWith('labels.')) {
        if (!labelCache.has(occurrence.resourceUri)) labelCache.set(occurrence.resourceUri, this.#labels?.(occurrence.resourceUri));
        return labelCache.get(occurrence.resourceUri)?.[field.slice('labels.'.length)];
      }
      switch (field) {
        case 'noteProjectId':
          return parseNoteName(occurrence.noteName).project;
        case 'noteId':
          return parseNoteName(occurrence.noteName).noteId;
        case 'name':
        case 'resourceUri':
        case 'kind':
        case 'noteName':
        case 'createTime':
        case 'updateTime':
          return occurrence[field];
        default:
          return undefined;
      }
    };
  }

  /** Every live occurrence of the scope that matches the filter, in creation order, a page at a time. */
  list(scope: OccurrenceScope, options: ListOptions): Page<Occurrence> {
    const filter = parseFilter(options.filter, OCCURRENCE_FILTER_FIELDS);
    const [scopeColumn, scopeValue] = 'project' in scope ? ['project', scope.project] : ['note_name', scope.noteName];
    const list = `occurrences\u0000${scopeColumn}\u0000${scopeValue}\u0000${options.filter ?? ''}`;
    const start = this.#tokens.cursor(list, options.pageToken);
    const conditions = sqlPrefilter(filter);
    const where = [`${scopeColumn} = ?`, 'deleted = 0', 'seq > ?', ...conditions.map(([column]) => `${column} = ?`)].join(' AND ');
    const statement = this.#db.prepare(`SELECT seq, project, body FROM occurrences WHERE ${where} ORDER BY seq LIMIT ?`);
    const visible = 'visible' in scope ? scope.visible : () => true;
    const labelCache = new Map<string, Record<string, string> | undefined>();
    const page = readPage(
      {
        rows: (cursor, limit) => statement.all(scopeValue, Number(cursor ?? 0), ...conditions.map(([, value]) => value), limit) as Row[],
        cursorOf: (row) => String(integer(row, 'seq')),
        item: (row) => ({ project: text(row, 'project'), occurrence: storedObject<Occurrence>(row, 'body') }),
      },
      (item) => visible(item.project) && matchesFilter(filter, this.#reader(item.occurrence, labelCache)),
      pageSizeOf(options.pageSize),
      start,
    );
    const items = page.items.map((item) => item.occurrence);
    return { items, ...(page.next !== undefined && { nextPageToken: this.#tokens.issue(list, page.next) }) };
  }

  /** Every live occurrence of one kind in a project that matches the filter (for summaries). */
  *all(project: string, kind: string, filterText: string | undefined): Generator<Occurrence> {
    const filter = parseFilter(filterText, OCCURRENCE_FILTER_FIELDS);
    const labelCache = new Map<string, Record<string, string> | undefined>();
    const rows = this.#db.prepare('SELECT body FROM occurrences WHERE project = ? AND kind = ? AND deleted = 0 ORDER BY seq').iterate(project, kind) as Iterable<Row>;
    for (const row of rows) {
      const occurrence = storedObject<Occurrence>(row, 'body');
      if (matchesFilter(filter, this.#reader(occurrence, labelCache))) yield occurrence;
    }
  }
}
