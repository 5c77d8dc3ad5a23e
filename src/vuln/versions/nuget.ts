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
import { compareStrings } from './numeric.ts';
import { invalidLowestComparator } from './invalid-lowest.ts';

interface NuGetVersion {
  /** Major, minor, patch, revision. */
  parts: [number, number, number, number];
  labels: string[];
}

const INT32_MAX = 2147483647;
/** What .NET's String.Trim() removes (Char.IsWhiteSpace); unlike JS trim(), not U+FEFF. */
const NET_TRIM = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
/** A System.Version component: int.TryParse allows blanks around the digits. */
const COMPONENT = /^[\t\n\v\f\r ]*([0-9]+)[\t\n\v\f\r ]*$/;
const PART = /^[0-9A-Za-z-]+$/;
const ALL_DIGITS = /^[0-9]+$/;
const NUMERIC_LABEL = /^-?[0-9]+$/;

interface Sections {
  version: string | null;
  labels: string[] | null;
  metadata: string | null;
}

/**
 * NuGet's ParseSections, quirks included: the version ends at the first `-` or `+`, the labels at
 * the next `+`; a separator that is the last character stays inside the part before it (so
 * `1.0.0-` and `1.0.0+` fail later, as in NuGet).
 */
function parseSections(value: string): Sections {
  const sections: Sections = { version: null, labels: null, metadata: null };
  let dash = -1;
  let plus = -1;
  for (let i = 0; i < value.length; i++) {
    const end = i === value.length - 1;
    const c = value[i];
    const cut = i + (end ? 1 : 0);
    if (dash < 0) {
      if (end || c === '-' || c === '+') {
        sections.version = value.slice(0, cut);
        dash = i;
        if (c === '+') plus = i;
      }
    } else if (plus < 0) {
      if (end || c === '+') {
        sections.labels = value.slice(dash + 1, cut).split('.');
        plus = i;
      }
    } else if (end) {
      sections.metadata = value.slice(plus + 1, cut);
    }
  }
  return sections;
}

/** NuGet's IsValidPart: non-empty, `[0-9A-Za-z-]`, and (for labels) no leading zero on a number. */
function isValidPart(part: string, allowLeadingZeros: boolean): boolean {
  if (!PART.test(part)) return false;
  return allowLeadingZeros || part.length === 1 || part.charCodeAt(0) !== 48 || !ALL_DIGITS.test(part);
}

/** System.Version.TryParse: two to four non-negative 32-bit components. */
function parseSystemVersion(text: string): [number, number, number, number] | null {
  const components = text.split('.');
  if (components.length < 2 || components.length > 4) return null;
  const parts: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < components.length; i++) {
    const digits = COMPONENT.exec(components[i] as string)?.[1];
    if (digits === undefined) return null;
    const n = Number(digits);
    if (n > INT32_MAX) return null;
    parts[i] = n;
  }
  return parts;
}

/** NuGetVersion.TryParse. */
function parseNuGetVersion(value: string): NuGetVersion | null {
  const sections = parseSections(value.replace(NET_TRIM, ''));
  if (sections.version === null || sections.version === '') return null;
  const parts = parseSystemVersion(sections.version.includes('.') ? sections.version : `${sections.version}.0`);
  if (parts === null) return null;
  if (sections.labels !== null && !sections.labels.every((label) => isValidPart(label, false))) return null;
  if (sections.metadata !== null && !sections.metadata.split('.').every((part) => isValidPart(part, true))) return null;
  return { parts, labels: sections.labels ?? [] };
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

export const nugetComparator: VersionComparator = invalidLowestComparator(parseNuGetVersion, compareParsed);
