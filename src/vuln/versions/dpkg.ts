/**
 * Debian and Ubuntu versions (`[epoch:]upstream[-revision]`), ordered as apt's debVersioningSystem
 * and dpkg's verrevcmp order them: epoch first, then upstream, then revision; within each part,
 * runs of non-digits compare character by character (`~` before end of string, before letters,
 * before everything else) and runs of digits compare numerically.
 *
 * Parsing follows apt, which never rejects a string: the epoch is what precedes the first `:`
 * (all-zero or empty epochs are no epoch), the revision is what follows the last `-` (absent
 * means `0`). For every string dpkg accepts this is also dpkg's order. `isValid` applies dpkg's own
 * checks, counting its warnings (upstream not starting with a digit, characters outside the
 * allowed set) as invalid too, since dpkg refuses to build or install packages with such versions.
 */
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { isAlphaByte, isDigitByte, utf8Bytes } from './bytes.ts';

/** One parsed version: the bytes plus the [start, end) bounds of each part. */
interface DebianVersion {
  bytes: Uint8Array;
  epochStart: number;
  epochEnd: number;
  upstreamStart: number;
  upstreamEnd: number;
  /** The revision's bytes and bounds; an absent revision is "0", as apt compares it. */
  revisionBytes: Uint8Array;
  revisionStart: number;
  revisionEnd: number;
}

const ZERO = utf8Bytes('0');

function parse(version: string): DebianVersion {
  const bytes = utf8Bytes(version);
  const end = bytes.length;
  const colon = bytes.indexOf(58); // ':'
  // Leading zeros of the epoch are skipped, so an all-zero epoch is the same as none.
  let epochStart = 0;
  while (epochStart < colon && bytes[epochStart] === 48) epochStart++;
  const epochEnd = Math.max(colon, 0);
  const rest = colon + 1;
  let dash = bytes.lastIndexOf(45); // '-'
  if (dash < rest) dash = -1;
  return {
    bytes,
    epochStart,
    epochEnd,
    upstreamStart: rest,
    upstreamEnd: dash === -1 ? end : dash,
    revisionBytes: dash === -1 ? ZERO : bytes,
    revisionStart: dash === -1 ? 0 : dash + 1,
    revisionEnd: dash === -1 ? ZERO.length : end,
  };
}

/** apt's order(): digits 0, letters themselves, '~' below all, other bytes above letters. */
function order(c: number): number {
  if (isDigitByte(c)) return 0;
  if (isAlphaByte(c)) return c;
  if (c === 126) return -1;
  // C compares signed chars: bytes >= 0x80 are negative, so c + 256 lands them at 128..255.
  if (c >= 128) return c;
  return c === 0 ? 0 : c + 256;
}

/** The byte at `i`, or NUL past the fragment's end (where C would read the terminator). */
function at(buf: Uint8Array, i: number, limit: number): number {
  return i < limit ? (buf[i] as number) : 0;
}

/** apt's CmpFragment over a[as, ae) and b[bs, be). */
function compareFragment(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  let i = as;
  let j = bs;
  while (i !== ae && j !== be) {
    let firstDiff = 0;
    while (i !== ae && j !== be && (!isDigitByte(at(a, i, ae)) || !isDigitByte(at(b, j, be)))) {
      const vc = order(at(a, i, ae));
      const rc = order(at(b, j, be));
      if (vc !== rc) return vc - rc;
      i++;
      j++;
    }
    while (at(a, i, ae) === 48) i++;
    while (at(b, j, be) === 48) j++;
    while (isDigitByte(at(a, i, ae)) && isDigitByte(at(b, j, be))) {
      if (firstDiff === 0) firstDiff = at(a, i, ae) - at(b, j, be);
      i++;
      j++;
    }
    if (isDigitByte(at(a, i, ae))) return 1;
    if (isDigitByte(at(b, j, be))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  if (i === ae && j === be) return 0;
  if (i === ae) return at(b, j, be) === 126 ? 1 : -1;
  return at(a, i, ae) === 126 ? -1 : 1;
}

function compareParsed(x: DebianVersion, y: DebianVersion): number {
  let result = compareFragment(x.bytes, x.epochStart, x.epochEnd, y.bytes, y.epochStart, y.epochEnd);
  if (result !== 0) return result;
  result = compareFragment(x.bytes, x.upstreamStart, x.upstreamEnd, y.bytes, y.upstreamStart, y.upstreamEnd);
  if (result !== 0) return result;
  return compareFragment(x.revisionBytes, x.revisionStart, x.revisionEnd, y.revisionBytes, y.revisionStart, y.revisionEnd);
}

const UPSTREAM_EXTRA = new Set('.-+~:'.split('').map((c) => c.charCodeAt(0)));
const REVISION_EXTRA = new Set('.+~'.split('').map((c) => c.charCodeAt(0)));

function allowed(code: number, extra: ReadonlySet<number>): boolean {
  return isDigitByte(code) || isAlphaByte(code) || extra.has(code);
}

/** dpkg's parseversion checks (errors and warnings alike). Leading/trailing blanks are trimmed as dpkg does. */
export function isValidDebianVersion(version: string): boolean {
  const v = version.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
  if (v.length === 0) return false;
  const colon = v.indexOf(':');
  let upstream = v;
  if (colon !== -1) {
    const epoch = v.slice(0, colon);
    if (!/^[0-9]+$/.test(epoch) || Number(epoch) > 2147483647) return false;
    upstream = v.slice(colon + 1);
    if (upstream.length === 0) return false;
  }
  const dash = upstream.lastIndexOf('-');
  let revision = '';
  if (dash !== -1) {
    revision = upstream.slice(dash + 1);
    upstream = upstream.slice(0, dash);
    if (revision.length === 0) return false;
  }
  if (upstream.length === 0 || !isDigitByte(upstream.charCodeAt(0))) return false;
  for (let i = 0; i < upstream.length; i++) if (!allowed(upstream.charCodeAt(i), UPSTREAM_EXTRA)) return false;
  for (let i = 0; i < revision.length; i++) if (!allowed(revision.charCodeAt(i), REVISION_EXTRA)) return false;
  return true;
}

const cache = new ParseCache(parse);

export const dpkgComparator: VersionComparator = {
  compare(a, b) {
    if (a === b) return 0;
    return Math.sign(compareParsed(cache.get(a), cache.get(b)));
  },
  isValid: isValidDebianVersion,
};
