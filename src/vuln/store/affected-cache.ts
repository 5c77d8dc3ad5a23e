/**
 * Parsed `affected()` results by package, least recently used evicted first. Parsing the stored
 * JSON costs more than the query for packages with many advisories (Go's stdlib, Django), and the
 * same packages recur across images; cached records are frozen so no caller can change another's.
 */
import type { AffectedPackage } from '../model.ts';

function freezeRecord(record: AffectedPackage): AffectedPackage {
  for (const range of record.ranges) {
    for (const event of range.events) Object.freeze(event);
    Object.freeze(range.events);
    Object.freeze(range);
  }
  Object.freeze(record.ranges);
  Object.freeze(record.versions);
  return Object.freeze(record);
}

export class AffectedCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, readonly AffectedPackage[]>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The cached records (a fresh array of frozen records), or undefined. */
  get(key: string): AffectedPackage[] | undefined {
    const found = this.#entries.get(key);
    if (found === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, found);
    return found.slice();
  }

  set(key: string, records: AffectedPackage[]): AffectedPackage[] {
    const frozen = Object.freeze(records.map(freezeRecord));
    this.#entries.set(key, frozen);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return frozen.slice();
  }

  clear(): void {
    this.#entries.clear();
  }
}
