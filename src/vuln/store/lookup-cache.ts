/**
 * What the matcher reads from the store, parsed and remembered across scans: affected records by
 * package, advisories by id and alias groups by id, each least recently used evicted first. Parsing
 * the stored JSON and walking alias links cost more than the queries, and the same packages and
 * advisories recur across images. Cached values are deeply frozen so no caller can change another's;
 * an import clears everything.
 */
import type { Advisory, AffectedPackage } from '../model.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

class Lru<V> {
  readonly #capacity: number;
  readonly #entries = new Map<string, V>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: string): V | undefined {
    const found = this.#entries.get(key);
    if (found === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, found);
    return found;
  }

  set(key: string, value: V): V {
    const frozen = deepFreeze(value);
    this.#entries.set(key, frozen);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return frozen;
  }

  clear(): void {
    this.#entries.clear();
  }
}

export class LookupCache {
  readonly affected: Lru<readonly AffectedPackage[]>;
  /** `null` remembers that an id has no advisory. */
  readonly advisories: Lru<Advisory | null>;
  readonly aliasGroups: Lru<readonly string[]>;

  constructor(capacity: number) {
    this.affected = new Lru(capacity);
    this.advisories = new Lru(capacity * 4);
    this.aliasGroups = new Lru(capacity * 4);
  }

  clear(): void {
    this.affected.clear();
    this.advisories.clear();
    this.aliasGroups.clear();
  }
}
