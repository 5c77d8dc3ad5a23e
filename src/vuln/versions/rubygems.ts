/**
 * RubyGems versions, ordered as Gem::Version#<=> (RubyGems 3.x). A version is a run of segments:
 * digit runs (numbers) and letter runs (strings), found by scanning the text, with `-` read as
 * `.pre.`. Any letter makes a pre-release, so `1.0.a < 1.0`. Trailing zeros are dropped from the
 * numeric head and from the part after the first string segment (`1.0.0 = 1`, `1.a.0 = 1.a`);
 * then segments compare pairwise (missing ones count as 0): numbers numerically, strings
 * byte-wise, a string below a number.
 *
 * Gem::Version.new rejects strings outside its pattern (`isValid` applies that pattern; a blank
 * string is "0" to RubyGems). `compare` still orders such strings by the same segment rules,
 * which is what RubyGems' own scan would do with them.
 */
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { compareDigits, compareStrings, isDigitString } from './numeric.ts';

const PATTERN = /^[ \t\r\n\f\v]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\f\v]*$/;
const SEGMENT = /[0-9]+|[a-z]+/gi;

/** Canonical segments: digit strings (numbers) and letter strings. */
function parseGemVersion(version: string): string[] {
  const text = version.trim().replaceAll('-', '.pre.');
  const segments = text.match(SEGMENT) ?? [];
  const firstString = segments.findIndex((s) => !isDigitString(s));
  const numeric = firstString === -1 ? segments : segments.slice(0, firstString);
  const strings = firstString === -1 ? [] : segments.slice(firstString);
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(strings)];
}

function dropTrailingZeros(segments: string[]): string[] {
  let end = segments.length;
  while (end > 0 && isZero(segments[end - 1] as string)) end--;
  return segments.slice(0, end);
}

function isZero(segment: string): boolean {
  return isDigitString(segment) && compareDigits(segment, '0') === 0;
}

function compareSegments(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '0';
    const y = b[i] ?? '0';
    const xNumber = isDigitString(x);
    const yNumber = isDigitString(y);
    if (xNumber && yNumber) {
      const c = compareDigits(x, y);
      if (c !== 0) return c;
    } else if (xNumber !== yNumber) {
      return xNumber ? 1 : -1;
    } else if (x !== y) {
      return compareStrings(x, y);
    }
  }
  return 0;
}

const cache = new ParseCache(parseGemVersion);

export const rubygemsComparator: VersionComparator = {
  compare(a, b) {
    if (a === b) return 0;
    return compareSegments(cache.get(a), cache.get(b));
  },
  isValid(v) {
    return PATTERN.test(v);
  },
};
