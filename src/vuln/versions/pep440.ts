/**
 * PyPI versions, parsed and ordered as PEP 440 and the `packaging` library (what pip uses) define:
 * `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spec's normalisations (case,
 * `alpha`/`beta`/`c`/`pre`/`preview` spellings, `-`/`_`/`.` separators, implicit numbers, `1.0-1`
 * as a post-release, surrounding whitespace, a leading `v`). Order: epoch, release (trailing
 * zeros ignored), then pre-release (a dev-only release sorts before all pre-releases), post,
 * dev, local (absent < present; numeric segments above alphanumeric ones).
 *
 * Strings that are not PEP 440 (the old setuptools "LegacyVersion" shapes) are no longer versions
 * to pip (packaging >= 22 rejects them). Portcullis keeps comparing them the way packaging's
 * LegacyVersion placed them, below every valid version, and orders them among themselves by plain
 * string order; `isValid` says false for them.
 *
 * The matcher is the PEP's own regular expression written out with explicit case classes, so
 * that it accepts exactly what Python's case-insensitive Unicode matching accepts (Python also
 * equates `ı`/`İ` with `i`, `ſ` with `s` and the Kelvin sign with `k`).
 */
import type { VersionComparator } from './types.ts';
import { compareDigits, compareStrings, isDigitString } from './numeric.ts';
import { invalidLowestComparator } from './invalid-lowest.ts';

const I = '[iIİı]';
const S = '[sSſ]';
const word = (w: string): string =>
  w
    .split('')
    .map((c) => (c === 'i' ? I : c === 's' ? S : `[${c}${c.toUpperCase()}]`))
    .join('');
const SEP = '[-_.]?';
const LOCAL_CHAR = '[a-zA-Z0-9İıſK]';
/** Python's str.isspace() set, which differs from JS `\s` (no U+FEFF; has U+001C-U+001F, U+0085). */
const WS = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';
const PRE_L = ['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview'].map(word).join('|');
const POST_L = ['post', 'rev', 'r'].map(word).join('|');

const PATTERN = new RegExp(
  `^${WS}${word('v')}?` +
    '(?:([0-9]+)!)?' + // 1 epoch
    '([0-9]+(?:\\.[0-9]+)*)' + // 2 release
    `(?:${SEP}(${PRE_L})${SEP}([0-9]+)?)?` + // 3 pre letter, 4 pre number
    `(?:-([0-9]+)|${SEP}(${POST_L})${SEP}([0-9]+)?)?` + // 5 implicit post, 6 post letter, 7 post number
    `(?:${SEP}(${word('dev')})${SEP}([0-9]+)?)?` + // 8 dev, 9 dev number
    `(?:\\+(${LOCAL_CHAR}+(?:[-_.]${LOCAL_CHAR}+)*))?` + // 10 local
    `${WS}$`,
);

/** A tagged number: the normalised letter ("a", "b", "rc", "post") and its digits. */
interface Tagged {
  letter: string;
  number: string;
}

interface Pep440Version {
  epoch: string;
  /** Release components with trailing zeros removed. */
  release: string[];
  pre: Tagged | null;
  post: Tagged | null;
  dev: string | null;
  /** Local segments: digit strings stay digits (compared as numbers), others are lower-cased. */
  local: string[] | null;
}

function letterVersion(letter: string, number: string | undefined): Tagged {
  let normal = letter.toLowerCase();
  if (normal === 'alpha') normal = 'a';
  else if (normal === 'beta') normal = 'b';
  else if (normal === 'c' || normal === 'pre' || normal === 'preview') normal = 'rc';
  else if (normal === 'rev' || normal === 'r') normal = 'post';
  return { letter: normal, number: number ?? '0' };
}

export function parsePep440(version: string): Pep440Version | null {
  const m = PATTERN.exec(version);
  if (m === null) return null;
  const release = (m[2] as string).split('.');
  while (release.length > 0 && /^0+$/.test(release[release.length - 1] as string)) release.pop();
  let post: Tagged | null = null;
  if (m[5] !== undefined) post = { letter: 'post', number: m[5] };
  else if (m[6] !== undefined) post = letterVersion(m[6], m[7]);
  return {
    epoch: m[1] ?? '0',
    release,
    pre: m[3] === undefined ? null : letterVersion(m[3], m[4]),
    post,
    dev: m[8] === undefined ? null : (m[9] ?? '0'),
    local: m[10] === undefined ? null : m[10].split(/[-_.]/).map((part) => (isDigitString(part) ? part : part.toLowerCase())),
  };
}

function compareReleases(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

function compareTagged(a: Tagged, b: Tagged): number {
  return compareStrings(a.letter, b.letter) || compareDigits(a.number, b.number);
}

/** packaging's pre-release key: dev-only releases below every pre-release, finals above. */
function preRank(v: Pep440Version): number {
  if (v.pre !== null) return 0;
  return v.post === null && v.dev !== null ? -1 : 1;
}

function compareLocal(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    const xNumeric = isDigitString(x);
    const yNumeric = isDigitString(y);
    let c: number;
    if (xNumeric && yNumeric) c = compareDigits(x, y);
    else if (xNumeric !== yNumeric) c = xNumeric ? 1 : -1;
    else c = compareStrings(x, y);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

function compareParsed(a: Pep440Version, b: Pep440Version): number {
  let c = compareDigits(a.epoch, b.epoch) || compareReleases(a.release, b.release);
  if (c !== 0) return c;
  const ra = preRank(a);
  const rb = preRank(b);
  if (ra !== rb) return Math.sign(ra - rb);
  if (a.pre !== null && b.pre !== null && (c = compareTagged(a.pre, b.pre)) !== 0) return c;
  if (a.post !== b.post) {
    if (a.post === null) return -1;
    if (b.post === null) return 1;
    if ((c = compareTagged(a.post, b.post)) !== 0) return c;
  }
  if (a.dev !== b.dev) {
    if (a.dev === null) return 1;
    if (b.dev === null) return -1;
    if ((c = compareDigits(a.dev, b.dev)) !== 0) return c;
  }
  if (a.local === null || b.local === null) return a.local === b.local ? 0 : a.local === null ? -1 : 1;
  return compareLocal(a.local, b.local);
}

export const pep440Comparator: VersionComparator = invalidLowestComparator(parsePep440, compareParsed);
