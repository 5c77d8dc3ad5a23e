/**
 * Projects and notes in grafeas.db. Notes are updated in place (their history is not evidence, the
 * occurrences' is); a deleted note leaves a tombstone row, so a note name is never silently reused
 * by a different meaning while occurrences still point at it.
 */
import type { DatabaseSync } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';
import { type Row, storedObject, text } from './database.ts';
import { transaction } from '../storage/index.ts';
import { type FilterFields, matchesFilter, parseFilter } from './filter.ts';
import { AlreadyExistsError, type ListOptions, type Note, type Page, type Project } from './model.ts';
import { noteName, parseNoteId, parseProjectId } from './names.ts';
import type { PageTokens } from './page-token.ts';
import { pageSizeOf, readPage } from './paging.ts';
import { applyUpdateMask } from './update-mask.ts';
import { type NoteInput, parseNoteInput } from './validate.ts';

export const NOTE_FILTER_FIELDS: FilterFields = { names: ['name', 'kind', 'noteId'], times: ['createTime', 'updateTime'], prefixes: [] };

export class NoteStore {
  readonly #db: DatabaseSync;
  readonly #tokens: PageTokens;
  readonly #now: () => number;

  constructor(db: DatabaseSync, tokens: PageTokens, now: () => number) {
    this.#db = db;
    this.#tokens = tokens;
    this.#now = now;
  }

  /** Creates the project if it is new; returns it either way. */
  ensureProject(project: string): Project {
    parseProjectId(project);
    this.#db.prepare('INSERT OR IGNORE INTO projects (name, create_time) VALUES (?, ?)').run(project, new Date(this.#now()).toISOString());
    return { name: `projects/${project}` };
  }

  createProject(project: string): Project {
    parseProjectId(project);
    if (this.hasProject(project)) throw new AlreadyExistsError(`project projects/${project} already exists`);
    return this.ensureProject(project);
  }

  hasProject(project: string): boolean {
    return this.#db.prepare('SELECT 1 FROM projects WHERE name = ?').get(project) !== undefined;
  }

  listProjects(): Project[] {
    return (this.#db.prepare('SELECT name FROM projects ORDER BY name').all() as Row[]).map((row) => ({ name: `projects/${text(row, 'name')}` }));
  }

  /** Deletes an empty project; a project that still holds notes or occurrences is refused. */
  deleteProject(project: string): void {
    if (!this.hasProject(project)) throw new PortcullisError('NOT_FOUND', `no project projects/${project}`);
    const used = this.#db.prepare('SELECT 1 FROM notes WHERE project = ? AND deleted = 0 UNION ALL SELECT 1 FROM occurrences WHERE project = ? AND deleted = 0 LIMIT 1').get(project, project);
    if (used !== undefined) throw new PortcullisError('INPUT', `project projects/${project} still holds notes or occurrences`);
    this.#db.prepare('DELETE FROM projects WHERE name = ?').run(project);
  }

  create(project: string, noteId: string, body: unknown): Note {
    parseNoteId(noteId);
    const input = parseNoteInput(body);
    return transaction(this.#db, () => this.#insert(project, noteId, input));
  }

  /** Creates many at once: all are validated first, then written in one transaction (all or none). */
  createMany(project: string, notes: ReadonlyArray<readonly [string, unknown]>): Note[] {
    const inputs = notes.map(([noteId, body]) => {
      try {
        return [parseNoteId(noteId), parseNoteInput(body)] as const;
      } catch (error) {
        throw new PortcullisError('INPUT', `notes[${JSON.stringify(noteId.slice(0, 128))}]: ${(error as Error).message}`);
      }
    });
    return transaction(this.#db, () => inputs.map(([noteId, input]) => this.#insert(project, noteId, input)));
  }

  #insert(project: string, noteId: string, input: NoteInput): Note {
    const existing = this.#db.prepare('SELECT deleted FROM notes WHERE project = ? AND note_id = ?').get(project, noteId) as Row | undefined;
    if (existing !== undefined && existing.deleted === 0) throw new AlreadyExistsError(`note ${noteName(project, noteId)} already exists`);
    this.ensureProject(project);
    const now = new Date(this.#now()).toISOString();
    const note = { name: noteName(project, noteId), ...input, createTime: now, updateTime: now } as Note;
    this.#db
      .prepare('INSERT OR REPLACE INTO notes (project, note_id, kind, body, create_time, update_time, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)')
      .run(project, noteId, note.kind, JSON.stringify(note), now, now);
    return note;
  }

  /** The note, or undefined when it does not exist or was deleted. */
  find(project: string, noteId: string): Note | undefined {
    const row = this.#db.prepare('SELECT body FROM notes WHERE project = ? AND note_id = ? AND deleted = 0').get(project, noteId) as Row | undefined;
    return row === undefined ? undefined : storedObject<Note>(row, 'body');
  }

  /** Every live note of one kind in a project. */
  ofKind(project: string, kind: string): Note[] {
    const rows = this.#db.prepare('SELECT body FROM notes WHERE project = ? AND kind = ? AND deleted = 0 ORDER BY note_id').all(project, kind) as Row[];
    return rows.map((row) => storedObject<Note>(row, 'body'));
  }

  get(project: string, noteId: string): Note {
    const note = this.find(project, noteId);
    if (note === undefined) throw new PortcullisError('NOT_FOUND', `no note ${noteName(project, noteId)}`);
    return note;
  }

  /** Applies a PATCH: the fields named by the mask (or every field sent) replace the stored ones. */
  update(project: string, noteId: string, patch: unknown, updateMask: string | undefined): Note {
    return transaction(this.#db, () => {
      const current = this.get(project, noteId);
      const merged = applyUpdateMask(current, patch, updateMask);
      const input = parseNoteInput(merged);
      const now = new Date(this.#now()).toISOString();
      const note = { name: current.name, ...input, createTime: current.createTime, updateTime: now } as Note;
      this.#db.prepare('UPDATE notes SET kind = ?, body = ?, update_time = ? WHERE project = ? AND note_id = ?').run(note.kind, JSON.stringify(note), now, project, noteId);
      return note;
    });
  }

  delete(project: string, noteId: string): void {
    this.get(project, noteId);
    this.#db.prepare('UPDATE notes SET deleted = 1, update_time = ? WHERE project = ? AND note_id = ?').run(new Date(this.#now()).toISOString(), project, noteId);
  }

  list(project: string, options: ListOptions): Page<Note> {
    const filter = parseFilter(options.filter, NOTE_FILTER_FIELDS);
    const list = `notes\u0000${project}\u0000${options.filter ?? ''}`;
    const start = this.#tokens.cursor(list, options.pageToken);
    const statement = this.#db.prepare('SELECT note_id, body FROM notes WHERE project = ? AND deleted = 0 AND note_id > ? ORDER BY note_id LIMIT ?');
    const page = readPage(
      {
        rows: (cursor, limit) => statement.all(project, cursor ?? '', limit) as Row[],
        cursorOf: (row) => text(row, 'note_id'),
        item: (row) => storedObject<Note>(row, 'body'),
      },
      (note) => matchesFilter(filter, (field) => noteField(note, field)),
      pageSizeOf(options.pageSize),
      start,
    );
    return { items: page.items, ...(page.next !== undefined && { nextPageToken: this.#tokens.issue(list, page.next) }) };
  }
}

function noteField(note: Note, field: string): string | undefined {
  switch (field) {
    case 'noteId':
      return note.name.slice(note.name.lastIndexOf('/') + 1);
    case 'name':
    case 'kind':
    case 'createTime':
    case 'updateTime':
      return note[field];
    default:
      return undefined;
  }
}
