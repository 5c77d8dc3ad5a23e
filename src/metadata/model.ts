/**
 * Grafeas v1 resources as Portcullis serves them: the JSON (proto3 JSON mapping, lowerCamelCase)
 * of a Project, a Note and an Occurrence, plus Portcullis' revision records. Kind-specific details
 * stay plain JSON, checked against schema.ts on the way in.
 */
import { PortcullisError } from '../core/index.ts';
import type { NoteKind } from './schema.ts';

export interface Project {
  /** `projects/{project}` */
  name: string;
}

export type Note = Record<string, unknown> & {
  /** `projects/{project}/notes/{noteId}` */
  name: string;
  kind: NoteKind;
  createTime: string;
  updateTime: string;
};

export type Occurrence = Record<string, unknown> & {
  /** `projects/{project}/occurrences/{id}` */
  name: string;
  resourceUri: string;
  noteName: string;
  kind: NoteKind;
  createTime: string;
  updateTime: string;
};

/** One stored revision of an occurrence (revisions count from 1; a delete is a last tombstone revision). */
export interface OccurrenceRevision {
  revision: number;
  /** When this revision was written. */
  updateTime: string;
  /** Who wrote it: a user, `robot$name`, or `portcullis` for the server's own writers. */
  author: string;
  /** True for the tombstone a delete leaves. */
  deleted: boolean;
  occurrence: Occurrence;
}

export interface ListOptions {
  filter?: string;
  pageSize?: number;
  pageToken?: string;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Most notes or occurrences one batchCreate may carry. */
export const MAX_BATCH = 1000;

/** The author the server's own writers record. */
export const SYSTEM_AUTHOR = 'portcullis';

/** A note or project that already exists: the API answers 409 ALREADY_EXISTS. */
export class AlreadyExistsError extends PortcullisError {
  constructor(message: string) {
    super('INPUT', message);
    this.name = 'AlreadyExistsError';
  }
}
