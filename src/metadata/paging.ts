/**
 * One page of a filtered listing. Rows are read in key order in batches and the filter is applied
 * in memory (it may read facts outside SQL, such as lifecycle labels); at most MAX_SCANNED rows are
 * read per call, so a filter that matches little answers a short page with a nextPageToken instead
 * of walking the whole table in one request (AIP-158 allows pages shorter than pageSize).
 */
import { inputError } from '../core/index.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './model.ts';
import type { Row } from './database.ts';

const BATCH = 200;
const MAX_SCANNED = 20_000;

export interface PagedSource<T> {
  /** Rows strictly after `cursor` (all when undefined), in cursor order, at most `limit`. */
  rows(cursor: string | undefined, limit: number): Row[];
  cursorOf(row: Row): string;
  item(row: Row): T;
}

export function pageSizeOf(value: number | undefined): number {
  if (value === undefined || value === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 0) throw inputError('pageSize must be a positive whole number');
  return Math.min(value, MAX_PAGE_SIZE);
}

export function readPage<T>(source: PagedSource<T>, matches: (item: T) => boolean, pageSize: number, start: string | undefined): { items: T[]; next?: string } {
  const items: T[] = [];
  let cursor = start;
  let scanned = 0;
  for (;;) {
    const rows = source.rows(cursor, BATCH);
    for (const row of rows) {
      cursor = source.cursorOf(row);
      scanned++;
      const item = source.item(row);
      if (matches(item)) items.push(item);
      if (items.length === pageSize || scanned >= MAX_SCANNED) {
        const more = source.rows(cursor, 1).length > 0;
        return more && cursor !== undefined ? { items, next: cursor } : { items };
      }
    }
    if (rows.length < BATCH) return { items };
  }
}
