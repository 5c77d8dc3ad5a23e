/**
 * Red Hat family versions (`[epoch:]version[-release]`), ordered as rpm 4.18's rpmverCmp: epoch
 * (absent = 0), then version, then release, each part with rpmvercmp. rpmvercmp splits a string into
 * runs of ASCII digits or ASCII letters, skipping every other byte as a separator; `~` sorts before
 * anything (even the end of the string), `^` after the end of the string but before any further
 * segment; numbers compare by value at any length, letters byte-wise, a number beats letters.
 * A version without a release sorts before the same version with any release.
 *
 * rpm orders every string, so `compare` needs no fallback. `isValid` applies the rules rpmbuild
 * enforces on Version and Release: epoch digits only, version and release non-empty, made of ASCII
 * letters, digits and `._+~^`.
 */
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { isAlphaByte, isDigitByte, utf8Bytes } from './bytes.ts';

const TILDE = 126;
const CARET = 94;

/** A byte range of a version string. */
interface Span {
  bytes: Uint8Array;
  start: number;
  end: number;
}

interface RpmVersion {
  epoch: Span;
  version: Span;
  /** null when the string has no `-`. */
  release: Span | null;
}

const ZERO_EPOCH: Span = { bytes: utf8Bytes('0'), start: 0, end: 1 };

/** rpm's parseEVR: leading digits followed by ':' are the epoch; the last '-' starts the release. */
function parse(evr: string): RpmVersion {
  const bytes = utf8Bytes(evr);
  let s = 0;
  while (s < bytes.length && isDigitByte(bytes[s] as number)) s++;
  let dash = bytes.lastIndexOf(45);
  if (dash < s) dash = -1;
  let epoch = ZERO_EPOCH;
  let versionStart = 0;
  if (bytes[s] === 58) {
    if (s > 0) epoch = { bytes, start: 0, end: s };
    versionStart = s + 1;
  }
  return {
    epoch,
    version: { bytes, start: versionStart, end: dash === -1 ? bytes.length : dash },
    release: dash === -1 ? null : { bytes, start: dash + 1, end: bytes.length },
  };
}

function isSegmentByte(c: number): boolean {
  return isDigitByte(c) || isAlphaByte(c) || c === TILDE || c === CARET;
}

function spansEqual(x: Span, y: Span): boolean {
  if (x.end - x.start !== y.end - y.start) return false;
  for (let i = x.start, j = y.start; i < x.end; i++, j++) if (x.bytes[i] !== y.bytes[j]) return false;
  return true;
}

/** rpmvercmp: -1, 0 or 1. */
export function rpmvercmp(x: Span, y: Span): number {
  if (spansEqual(x, y)) return 0;
  const a = x.bytes;
  const b = y.bytes;
  const ae = x.end;
  const be = y.end;
  let one = x.start;
  let two = y.start;
  while (one < ae || two < be) {
    while (one < ae && !isSegmentByte(a[one] as number)) one++;
    while (two < be && !isSegmentByte(b[two] as number)) two++;
    const c1 = one < ae ? (a[one] as number) : 0;
    const c2 = two < be ? (b[two] as number) : 0;
    if (c1 === TILDE || c2 === TILDE) {
      if (c1 !== TILDE) return 1;
      if (c2 !== TILDE) return -1;
      one++;
      two++;
      continue;
    }
    // '^' is like '~' except that the end of the string sorts before it.
    if (c1 === CARET || c2 === CARET) {
      if (one >= ae) return -1;
      if (two >= be) return 1;
      if (c1 !== CARET) return 1;
      if (c2 !== CARET) return -1;
      one++;
      two++;
      continue;
    }
    if (one >= ae || two >= be) break;
    let s1 = one;
    let s2 = two;
    const numeric = isDigitByte(c1);
    const inSegment = numeric ? isDigitByte : isAlphaByte;
    while (s1 < ae && inSegment(a[s1] as number)) s1++;
    while (s2 < be && inSegment(b[s2] as number)) s2++;
    // Segments of different kinds: a number is newer than letters.
    if (two === s2) return numeric ? 1 : -1;
    if (numeric) {
      while (one < s1 && a[one] === 48) one++;
      while (two < s2 && b[two] === 48) two++;
      const lengthDiff = s1 - one - (s2 - two);
      if (lengthDiff !== 0) return lengthDiff > 0 ? 1 : -1;
    }
    // Byte-wise like strcmp: equal-length digit runs, or letter runs where a prefix sorts first.
    for (; one < s1 && two < s2; one++, two++) {
      const diff = (a[one] as number) - (b[two] as number);
      if (diff !== 0) return diff < 0 ? -1 : 1;
    }
    if (one < s1) return 1;
    if (two < s2) return -1;
  }
  if (one >= ae && two >= be) return 0;
  return one >= ae ? -1 : 1;
}

function compareParsed(x: RpmVersion, y: RpmVersion): number {
  const byEpoch = rpmvercmp(x.epoch, y.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(x.version, y.version);
  if (byVersion !== 0) return byVersion;
  if (x.release !== null && y.release !== null) return rpmvercmp(x.release, y.release);
  if (x.release !== null) return 1;
  if (y.release !== null) return -1;
  return 0;
}

const VALID = /^(?:[0-9]+:)?[A-Za-z0-9._+~^]+(?:-[A-Za-z0-9._+~^]+)?$/;

const cache = new ParseCache(parse);

export const rpmComparator: VersionComparator = {
  compare(a, b) {
    if (a === b) return 0;
    return compareParsed(cache.get(a), cache.get(b));
  },
  isValid(v) {
    return VALID.test(v);
  },
};
