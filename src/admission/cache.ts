/**
 * Decision cache: a bounded LRU of per-image verdicts with a lifetime each (allows for minutes,
 * denials for seconds, so a newly pushed signature or fixed image is admitted soon). Entries are
 * keyed by the caller (digest, policy revision, deploy context) and remember their digest, so a new
 * scan result or signature for a digest drops exactly that digest's entries.
 */
export interface CacheOptions {
  /** Most entries kept; the least recently used goes first (default 10,000). */
  maxEntries?: number;
  /** Milliseconds since the epoch; tests move time through it. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  digest: string | undefined;
}

export class DecisionCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  hits = 0;
  misses = 0;

  constructor(options: CacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt <= this.#now()) {
      if (entry !== undefined) this.#entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number, digest: string | undefined): void {
    if (ttlMs <= 0 || this.#maxEntries <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs, digest });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Drops every entry about `digest`; returns how many went. */
  invalidateDigest(digest: string): number {
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.digest === digest) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.#entries.clear();
  }
}
