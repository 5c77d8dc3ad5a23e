/**
 * npm versions and ranges, through the `semver` package npm itself uses, so the order is npm's by
 * construction (SemVer 2.0: build metadata ignored; a pre-release below its release).
 *
 * Strings semver's strict parser rejects are retried with its loose parser (which npm applies
 * to package.json versions such as `v1.2.3` or `=1.2.3`). Strings neither accepts sort below every
 * valid version and among themselves by plain string order; `isValid` is the strict parser.
 */
import semver from 'semver';
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { compareStrings } from './numeric.ts';

function parseLenient(version: string): semver.SemVer | null {
  return semver.parse(version) ?? semver.parse(version, { loose: true });
}

const versions = new ParseCache(parseLenient);

export interface NpmRangeOptions {
  /**
   * Let pre-release versions satisfy ranges whose bounds are releases (`1.2.3-beta.1` in
   * `<1.2.3`). npm's install resolution leaves this off; vulnerability matching wants it on, since
   * a pre-release of a fixed version is still vulnerable.
   */
  includePrerelease?: boolean;
}

function rangeParser(includePrerelease: boolean): (range: string) => semver.Range | null {
  return (range) => {
    try {
      return new semver.Range(range, { includePrerelease });
    } catch {
      return null;
    }
  };
}

/** Parsed ranges, one cache per includePrerelease setting (semver bakes it into the Range). */
const releaseRanges = new ParseCache(rangeParser(false), 1024);
const prereleaseRanges = new ParseCache(rangeParser(true), 1024);

function rangeFor(range: string, options: NpmRangeOptions | undefined): semver.Range | null {
  return (options?.includePrerelease === true ? prereleaseRanges : releaseRanges).get(range);
}

/** True when `range` is an npm range expression semver can parse. */
export function isValidNpmRange(range: string): boolean {
  return rangeFor(range, undefined) !== null;
}

/** True when `version` satisfies `range`; false (never a throw) when either does not parse. */
export function npmSatisfies(version: string, range: string, options?: NpmRangeOptions): boolean {
  const parsed = versions.get(version);
  const parsedRange = rangeFor(range, options);
  if (parsed === null || parsedRange === null) return false;
  return parsedRange.test(parsed);
}

export const npmComparator: VersionComparator = {
  compare(a, b) {
    if (a === b) return 0;
    const x = versions.get(a);
    const y = versions.get(b);
    if (x === null || y === null) {
      if (x !== null) return 1;
      if (y !== null) return -1;
      return compareStrings(a, b);
    }
    return x.compare(y);
  },
  isValid(v) {
    return semver.valid(v) !== null;
  },
};
