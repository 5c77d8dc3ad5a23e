/**
 * NuGet versions, parsed and ordered as NuGet.Versioning's NuGetVersion and its default
 * VersionComparer: `MAJOR[.MINOR[.PATCH[.REVISION]]][-label(.label)*][+metadata]`, missing parts
 * 0 (so `1.0 = 1.0.0 = 1.0.0.0`), leading zeros allowed in the numeric parts, each a 32-bit
 * integer. A release sorts above its pre-releases; labels compare one by one, labels that parse
 * as 32-bit integers numerically and below the others, the others case-insensitively (ordinal
 * on upper case); more labels sort later. Build metadata is ignored.
 *
 * Strings NuGet's TryParse rejects sort below every valid version and among themselves by plain
 * string order; `isValid` is TryParse.
 */
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { compareStrings } from './numeric.ts';

interface NuGetVersion {
  /** Major, minor, patch, revision. */
  parts: [number, number, number, number];
  labels: string[];
}

const INT32_MAX = 2147483647;
const SHAPE = /^([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([^+]*))?(?:\+(.*))?$/;
const PART = /^[0-9A-Za-z-]+$/;
const NUMERIC_LABEL = /^-?[0-9]+$/;

function validParts(text: string, allowLeadingZeros: boolean): boolean {
  for (const part of text.split('.')) {
    if (!PART.test(part)) return false;
    if (!allowLeadingZeros && part.length > 1 && part.charCodeAt(0) === 48 && /^[0-9]+$/.test(part)) return false;
  }
  return true;
}

function toInt32(digits: string | undefined): number {
  if (digits === undefined) return 0;
  const n = Number(digits);
  return n <= INT32_MAX ? n : -1;
}

function parseNuGetVersion(version: string): NuGetVersion | null {
  const m = SHAPE.exec(version.trim());
  if (m === null) return null;
  const parts: [number, number, number, number] = [toInt32(m[1]), toInt32(m[2]), toInt32(m[3]), toInt32(m[4])];
  if (parts.some((p) => p < 0)) return null;
  if (m[5] !== undefined && !validParts(m[5], false)) return null;
  if (m[6] !== undefined && !validParts(m[6], true)) return null;
  return { parts, labels: m[5] === undefined ? [] : m[5].split('.') };
}

/** Int32.TryParse on a label: the number, or null when the label is not a 32-bit integer. */
function labelNumber(label: string): number | null {
  if (!NUMERIC_LABEL.test(label)) return null;
  const n = Number(label);
  return n >= -INT32_MAX - 1 && n <= INT32_MAX ? n : null;
}

function compareLabel(a: string, b: string): number {
  const an = labelNumber(a);
  const bn = labelNumber(b);
  if (an !== null && bn !== null) return Math.sign(an - bn);
  if (an !== null || bn !== null) return an !== null ? -1 : 1;
  return compareStrings(a.toUpperCase(), b.toUpperCase());
}

function compareParsed(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const diff = a.parts[i]! - b.parts[i]!;
    if (diff !== 0) return Math.sign(diff);
  }
  if (a.labels.length === 0 || b.labels.length === 0) return Math.sign(b.labels.length - a.labels.length);
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const c = compareLabel(a.labels[i] as string, b.labels[i] as string);
    if (c !== 0) return c;
  }
  return Math.sign(a.labels.length - b.labels.length);
}

const cache = new ParseCache(parseNuGetVersion);

export const nugetComparator: VersionComparator = {
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
  isValid(v) {
    return cache.get(v) !== null;
  },
};
