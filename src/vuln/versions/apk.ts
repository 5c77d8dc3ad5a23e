/**
 * Alpine versions, ordered as apk-tools 3 (Alpine 3.23 and later; its version.c) orders them.
 * The grammar: `digits{.digits}[letter]{_suffix[digits]}[~hash][-r digits]`, read as a stream of
 * tokens compared pairwise. Numbers compare by value, except that a dotted component with a
 * leading zero compares as text (`1.01 < 1.1`, the Gentoo rule); suffixes order
 * `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`; when one version runs
 * out first, it is the older one unless the other continues with a pre-release suffix; a
 * revision `-rN` is newer than no revision; a commit hash `~abc123` compares as text.
 *
 * apk never refuses to compare: at the first malformed token both strings stop being read and
 * the token kinds decide (a malformed tail sorts lowest). This module does the same, with apk's
 * unsigned 64-bit wrap for absurdly long numbers, so `compare` is total; `isValid` is apk's
 * own apk_version_validate.
 *
 * apk-tools 2 (Alpine up to 3.22) orders every version real Alpine packages use the same way,
 * but misorders a few shapes around components that start with 0 (it puts `1.0` below
 * `1.0_alpha`); Portcullis follows the corrected apk-tools 3 order for all releases.
 */
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { isDigitByte, utf8Bytes } from './bytes.ts';

const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

/** Suffix names by rank; rank 0 marks an unknown suffix and NONE the place of "no suffix". */
const NONE = 5;
const SUFFIX_NAMES: ReadonlyArray<readonly [Uint8Array, number]> = (
  [
    ['alpha', 1],
    ['beta', 2],
    ['pre', 3],
    ['rc', 4],
    ['cvs', 6],
    ['svn', 7],
    ['git', 8],
    ['hg', 9],
    ['p', 10],
  ] as const
).map(([name, rank]) => [utf8Bytes(name), rank] as const);

function isLowerByte(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isHexByte(c: number): boolean {
  return isDigitByte(c) || (c >= 97 && c <= 102);
}

/** A cursor over one version: the current token's kind, its text span and (for suffixes) rank. */
class Tokens {
  readonly bytes: Uint8Array;
  pos = 0;
  token = INITIAL_DIGIT;
  suffix = 0;
  start = 0;
  end = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.digits();
  }

  private digits(): void {
    this.start = this.pos;
    while (this.pos < this.bytes.length && isDigitByte(this.bytes[this.pos] as number)) this.pos++;
    this.end = this.pos;
    if (this.end === this.start) this.token = INVALID;
  }

  private span(accept: (c: number) => boolean): void {
    this.start = this.pos;
    while (this.pos < this.bytes.length && accept(this.bytes[this.pos] as number)) this.pos++;
    this.end = this.pos;
  }

  /** apk's token_next: reads the token at the cursor, checking it may follow the previous one. */
  next(): void {
    const bytes = this.bytes;
    if (this.pos >= bytes.length) {
      this.token = END;
      return;
    }
    const c = bytes[this.pos] as number;
    if (isLowerByte(c)) {
      if (this.token > DIGIT) return this.invalid();
      this.start = this.pos;
      this.end = ++this.pos;
      this.token = LETTER;
    } else if (c === 46 || isDigitByte(c)) {
      if (c === 46) {
        if (this.token > DIGIT) return this.invalid();
        this.pos++;
      }
      if (this.token === INITIAL_DIGIT || this.token === DIGIT) this.token = DIGIT;
      else if (this.token === SUFFIX) this.token = SUFFIX_NO;
      else return this.invalid();
      this.digits();
    } else if (c === 95) {
      if (this.token > SUFFIX_NO) return this.invalid();
      this.pos++;
      this.span(isLowerByte);
      this.suffix = this.suffixRank();
      if (this.suffix === 0) return this.invalid();
      this.token = SUFFIX;
    } else if (c === 126) {
      if (this.token >= COMMIT_HASH) return this.invalid();
      this.pos++;
      this.span(isHexByte);
      if (this.end === this.start) return this.invalid();
      this.token = COMMIT_HASH;
    } else if (c === 45) {
      if (this.token >= REVISION_NO || bytes[this.pos + 1] !== 114) return this.invalid();
      this.pos += 2;
      this.token = REVISION_NO;
      this.digits();
    } else {
      this.invalid();
    }
  }

  /** The rank of the suffix name just read, or 0 when apk does not know it. */
  private suffixRank(): number {
    const length = this.end - this.start;
    outer: for (const [name, rank] of SUFFIX_NAMES) {
      if (name.length !== length) continue;
      for (let i = 0; i < length; i++) if (name[i] !== this.bytes[this.start + i]) continue outer;
      return rank;
    }
    return 0;
  }

  private invalid(): void {
    this.token = INVALID;
  }
}

/** Byte-wise text order, shorter first on a common prefix (apk_blob_sort). */
function compareText(x: Tokens, y: Tokens): number {
  const n = Math.min(x.end - x.start, y.end - y.start);
  for (let i = 0; i < n; i++) {
    const diff = (x.bytes[x.start + i] as number) - (y.bytes[y.start + i] as number);
    if (diff !== 0) return Math.sign(diff);
  }
  return Math.sign(x.end - x.start - (y.end - y.start));
}

/** Numeric order of two digit spans as apk's uint64 values (which wrap past 2^64 - 1). */
function compareNumbers(x: Tokens, y: Tokens): number {
  // Up to 19 digits cannot wrap: compare the runs as numbers, allocation-free. Longer runs are
  // rare enough to pay for BigInt.
  if (x.end - x.start <= 19 && y.end - y.start <= 19) return compareDigitBytes(x, y);
  const a = BigInt.asUintN(64, BigInt(String.fromCharCode(...x.bytes.subarray(x.start, x.end))));
  const b = BigInt.asUintN(64, BigInt(String.fromCharCode(...y.bytes.subarray(y.start, y.end))));
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDigitBytes(x: Tokens, y: Tokens): number {
  let i = x.start;
  let j = y.start;
  while (i < x.end && x.bytes[i] === 48) i++;
  while (j < y.end && y.bytes[j] === 48) j++;
  if (x.end - i !== y.end - j) return x.end - i < y.end - j ? -1 : 1;
  for (; i < x.end; i++, j++) {
    const diff = (x.bytes[i] as number) - (y.bytes[j] as number);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** apk's token_cmp for two tokens of the same kind. */
function compareTokens(x: Tokens, y: Tokens): number {
  switch (x.token) {
    case DIGIT:
      if (x.bytes[x.start] === 48 || y.bytes[y.start] === 48) return compareText(x, y);
      return compareNumbers(x, y);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareNumbers(x, y);
    case LETTER:
      return Math.sign((x.bytes[x.start] as number) - (y.bytes[y.start] as number));
    case SUFFIX:
      return Math.sign(x.suffix - y.suffix);
    default:
      return compareText(x, y);
  }
}

function compareApk(a: Uint8Array, b: Uint8Array): number {
  const x = new Tokens(a);
  const y = new Tokens(b);
  for (; x.token === y.token && x.token < END; x.next(), y.next()) {
    const c = compareTokens(x, y);
    if (c !== 0) return c;
  }
  if (x.token === y.token) return 0;
  // Equal so far: the longer version is newer unless what follows is a pre-release suffix.
  if (x.token === SUFFIX && x.suffix < NONE) return -1;
  if (y.token === SUFFIX && y.suffix < NONE) return 1;
  return x.token > y.token ? -1 : 1;
}

const bytesOf = new ParseCache(utf8Bytes);

export const apkComparator: VersionComparator = {
  compare(a, b) {
    if (a === b) return 0;
    return compareApk(bytesOf.get(a), bytesOf.get(b));
  },
  isValid(v) {
    const t = new Tokens(bytesOf.get(v));
    while (t.token < END) t.next();
    return t.token === END;
  },
};
