/**
 * A seeded pseudo-random generator for the comparator tests, so that every generated version is
 * reproducible from the seed printed in a failure message. (mulberry32: tiny and good enough for
 * test data; not for anything security-related.)
 */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** `count` results of `make`, joined. */
  join(count: number, make: () => string, separator = ''): string {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(make());
    return parts.join(separator);
  }
}

/**
 * Pairs for comparison tests: half independent draws, half a version against a small mutation of
 * itself (the near misses where comparators go wrong).
 */
export function generatePairs(
  rng: Rng,
  count: number,
  generate: (rng: Rng) => string,
  mutate: (rng: Rng, version: string) => string,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < count; i++) {
    const a = generate(rng);
    pairs.push([a, rng.chance(0.5) ? generate(rng) : mutate(rng, a)]);
  }
  return pairs;
}
