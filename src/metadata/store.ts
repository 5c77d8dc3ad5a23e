/**
 * MetadataStore: the Grafeas projects, notes and occurrences of one registry, in `grafeas.db` under
 * its data directory (see database.ts for the layout).
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { openMetadataDatabase, pageTokenSecret } from './database.ts';
import { transaction } from '../storage/index.ts';
import { NoteStore } from './note-store.ts';
import { type LabelReader, OccurrenceStore } from './occurrence-store.ts';
import { PageTokens } from './page-token.ts';

export interface MetadataStoreOptions {
  /** Lifecycle labels of images, for `labels.KEY` in filters (PolicyStore.labels by digest). */
  labels?: LabelReader;
  now?: () => number;
}

export class MetadataStore {
  readonly notes: NoteStore;
  readonly occurrences: OccurrenceStore;
  readonly #db: DatabaseSync;
  readonly #labels: LabelReader | undefined;

  constructor(db: DatabaseSync, options: MetadataStoreOptions = {}) {
    this.#db = db;
    this.#labels = options.labels;
    const now = options.now ?? Date.now;
    const tokens = new PageTokens(pageTokenSecret(db));
    this.notes = new NoteStore(db, tokens, now);
    this.occurrences = new OccurrenceStore(db, this.notes, tokens, now, options.labels);
  }

  /** Lifecycle labels of the image a resourceUri names ({} when it has none or is no image). */
  labels(resourceUri: string): Record<string, string> {
    return this.#labels?.(resourceUri) ?? {};
  }

  /** Runs `work` as one write transaction (a scan's hundreds of occurrences commit once). */
  transaction<T>(work: () => T): T {
    return transaction(this.#db, work);
  }

  close(): void {
    this.#db.close();
  }
}

/** `grafeas.db` in the registry's data directory. */
export function metadataDbPath(dataDir: string): string {
  return join(dataDir, 'grafeas.db');
}

/** Opens (creating when missing) the metadata store of a data directory, or of a file path ending in .db. */
export function openMetadataStore(location: string, options: MetadataStoreOptions = {}): MetadataStore {
  const path = location.endsWith('.db') || location === ':memory:' ? location : metadataDbPath(location);
  return new MetadataStore(openMetadataDatabase(path), options);
}
