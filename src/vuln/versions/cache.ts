/**
 * A small bounded memo for parsed versions. The matcher compares the same installed version against
 * many advisory bounds, so parsing each string once pays; the bound keeps hostile input (millions
 * of distinct strings) from growing memory without limit.
 */
export class ParseCache<T> {
  readonly #entries = new Map<string, T>();
  readonly #capacity: number;
  readonly #parse: (value: string) => T;

  constructor(parse: (value: string) => T, capacity = 4096) {
    this.#parse = parse;
    this.#capacity = capacity;
  }

  /** Number of parsed values held (never more than the capacity). */
  get size(): number {
    return this.#entries.size;
  }

  get(value: string): T {
    const hit = this.#entries.get(value);
    if (hit !== undefined) return hit;
    const parsed = this.#parse(value);
    if (this.#entries.size >= this.#capacity) {
      // Evict the oldest insertion: Map iterates in insertion order.
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(value, parsed);
    return parsed;
  }
}
