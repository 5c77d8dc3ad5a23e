/**
 * The read budget of one image: a running count of uncompressed bytes and entries shared by all of
 * its layers, so that a decompression bomb or a billion-entry layer stops at the configured limit
 * instead of exhausting memory, disk or time.
 */
import { PortcullisError } from '../core/index.ts';
import type { ReadLimits } from './types.ts';

export interface ReadBudget {
  readonly limits: ReadLimits;
  /** Uncompressed bytes counted so far. */
  readonly bytes: number;
  /** Entries counted so far. */
  readonly entries: number;
  /** Counts bytes as they are produced; throws LIMIT once the total exceeds the limit. */
  addBytes(count: number): void;
  /** Counts one entry; throws LIMIT once the total exceeds the limit. */
  addEntry(): void;
}

export function createReadBudget(limits: ReadLimits): ReadBudget {
  let bytes = 0;
  let entries = 0;
  return {
    limits,
    get bytes() {
      return bytes;
    },
    get entries() {
      return entries;
    },
    addBytes(count: number): void {
      bytes += count;
      if (bytes > limits.maxUncompressedBytes) {
        throw new PortcullisError(
          'LIMIT',
          `image exceeds the limit of ${limits.maxUncompressedBytes} uncompressed bytes (--max-image-bytes)`,
        );
      }
    },
    addEntry(): void {
      entries += 1;
      if (entries > limits.maxEntries) {
        throw new PortcullisError('LIMIT', `image exceeds the limit of ${limits.maxEntries} entries (--max-entries)`);
      }
    },
  };
}
