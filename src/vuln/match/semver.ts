/**
 * The order of OSV `SEMVER` ranges: SemVer 2.0 precedence (section 11), build metadata ignored.
 * OSV forbids a leading "v" but feeds and installed versions carry one often enough that it is
 * tolerated on both sides. Strings that are not SemVer sort below every valid version (and equal
 * among themselves), so a garbage bound can never make a valid version look fixed.
 */
import type { VersionComparator } from '../versions/index.ts';
import { ParseCache } from '../versions/cache.ts';
import { comparePrecedence, parseStrictSemVer } from '../versions/semver-core.ts';

const cache = new ParseCache((version: string) => parseStrictSemVer(version.startsWith('v') ? version.slice(1) : version));

export const semverComparator: VersionComparator = {
  compare(a, b) {
    if (a === b) return 0;
    const x = cache.get(a);
    const y = cache.get(b);
    if (x === null || y === null) return x === null ? (y === null ? 0 : -1) : 1;
    return comparePrecedence(x, y);
  },
  isValid(v) {
    return cache.get(v) !== null;
  },
};
