/**
 * crates.io versions, ordered as Cargo orders them through the `semver` crate: strict SemVer 2.0
 * (`MAJOR.MINOR.PATCH`, no leading zeros, no `v`), precedence by major, minor, patch and
 * pre-release. Where SemVer leaves two versions that differ only in build metadata tied, the
 * crate still orders them (so that its `Version` is a total order): build identifiers compared
 * one by one, numbers numerically (with fewer leading zeros first on a tie) and below
 * alphanumerics, which compare as ASCII; a prefix sorts first.
 *
 * The crate rejects anything else (and numbers beyond 64 bits); such strings sort below every
 * valid version and among themselves by plain string order. `isValid` is the crate's parser.
 */
import type { VersionComparator } from './types.ts';
import { compareDigits, compareStrings, isDigitString } from './numeric.ts';
import { comparePrecedence, parseStrictSemVer, type SemVer } from './semver-core.ts';
import { invalidLowestComparator } from './invalid-lowest.ts';

const U64_MAX = '18446744073709551615';

function parseCargoVersion(version: string): SemVer | null {
  const parsed = parseStrictSemVer(version);
  if (parsed === null) return null;
  for (const n of [parsed.major, parsed.minor, parsed.patch]) if (compareDigits(n, U64_MAX) > 0) return null;
  return parsed;
}

function compareBuildIdentifier(a: string, b: string): number {
  const an = isDigitString(a);
  const bn = isDigitString(b);
  if (an && bn) return compareDigits(a, b) || Math.sign(a.length - b.length);
  if (an !== bn) return an ? -1 : 1;
  return compareStrings(a, b);
}

function compareBuild(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareBuildIdentifier(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

export const cargoComparator: VersionComparator = invalidLowestComparator(parseCargoVersion, (x, y) => comparePrecedence(x, y) || compareBuild(x.build, y.build));
