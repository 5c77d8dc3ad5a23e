/**
 * Go module versions, ordered as golang.org/x/mod/semver orders them: SemVer 2.0 with a `v`
 * prefix, where `vMAJOR` and `vMAJOR.MINOR` are shorthands for `.0` (without pre-release or
 * build). Build metadata, including `+incompatible`, does not take part in the order, and
 * pseudo-versions (`v0.0.0-20240101120000-abcdef123456`, `v1.2.4-0.2024...`) are ordinary
 * pre-releases, so they sort just as the go command expects.
 *
 * Advisory feeds (OSV) write Go versions without the `v`; a missing `v` is added before parsing.
 * As in x/mod/semver, an invalid version sorts below every valid one and all invalid versions
 * compare equal; `isValid` is semver.IsValid after that prefixing.
 */
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { comparePrecedence, parseStrictSemVer, type SemVer } from './semver-core.ts';

const SHORTHAND = /^(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?$/;

export function parseGoVersion(version: string): SemVer | null {
  const body = version.startsWith('v') ? version.slice(1) : version;
  const short = SHORTHAND.exec(body);
  if (short !== null) {
    return { major: short[1] as string, minor: short[2] ?? '0', patch: '0', prerelease: [], build: [] };
  }
  return parseStrictSemVer(body);
}

const cache = new ParseCache(parseGoVersion);

export const goComparator: VersionComparator = {
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
