/**
 * The comparator shape shared by ecosystems whose tools reject versions they cannot parse (PyPI,
 * crates.io, NuGet, Packagist): valid versions compare by their parsed form; invalid ones sort below
 * every valid version, among themselves as plain strings, so the order stays total and deterministic
 * whatever an advisory or an image contains.
 */
import { ParseCache } from './cache.ts';
import { compareStrings } from './numeric.ts';
import type { VersionComparator } from './types.ts';

export function invalidLowestComparator<T>(parse: (version: string) => T | null, compareParsed: (a: T, b: T) => number): VersionComparator {
  const cache = new ParseCache(parse);
  return {
    compare(a, b) {
      if (a === b) return 0;
      const x = cache.get(a);
      const y = cache.get(b);
      if (x === null || y === null) {
        if (x !== null) return 1;
        if (y !== null) return -1;
        return compareStrings(a, b);
      }
      return compareParsed(x, y);
    },
    isValid(version) {
      return cache.get(version) !== null;
    },
  };
}
