/**
 * The SemVer 2.0 pieces Go modules and Cargo share: the strict `MAJOR.MINOR.PATCH[-pre][+build]`
 * grammar and the pre-release precedence rule. npm uses the `semver` package itself and NuGet
 * has its own variant (nuget.ts).
 */
import { compareDigits, compareStrings, isDigitString } from './numeric.ts';

export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated pre-release identifiers; empty for a release. */
  prerelease: string[];
  /** Dot-separated build identifiers; empty when absent. */
  build: string[];
}

const NUMBER = '(0|[1-9][0-9]*)';
const IDENTIFIER = '[0-9A-Za-z-]+';
const PRE_IDENTIFIER = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const STRICT = new RegExp(
  `^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${PRE_IDENTIFIER}(?:\\.${PRE_IDENTIFIER})*))?(?:\\+(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?$`,
);

/** Parses `MAJOR.MINOR.PATCH[-pre][+build]` exactly as SemVer 2.0 writes it; null otherwise. */
export function parseStrictSemVer(version: string): SemVer | null {
  const m = STRICT.exec(version);
  if (m === null) return null;
  return {
    major: m[1] as string,
    minor: m[2] as string,
    patch: m[3] as string,
    prerelease: m[4] === undefined ? [] : m[4].split('.'),
    build: m[5] === undefined ? [] : m[5].split('.'),
  };
}

/** SemVer 2.0 §11 for one identifier: numbers numerically, numbers below alphanumerics, ASCII order. */
export function compareIdentifier(a: string, b: string): number {
  const an = isDigitString(a);
  const bn = isDigitString(b);
  if (an && bn) return compareDigits(a, b);
  if (an !== bn) return an ? -1 : 1;
  return compareStrings(a, b);
}

/** Release above any pre-release; then identifier by identifier; a prefix sorts first. */
export function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifier(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/** Major, minor, patch, pre-release: SemVer precedence (build metadata not looked at). */
export function comparePrecedence(a: SemVer, b: SemVer): number {
  return (
    compareDigits(a.major, b.major) ||
    compareDigits(a.minor, b.minor) ||
    compareDigits(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}
