/**
 * Maven versions, ordered as Maven 3.8's ComparableVersion (the class Maven resolves ranges with).
 *
 * A version is split at `.` and `-` and at every switch between digits and non-digits into a tree
 * of items: numbers (int, long or big integer by digit count, a smaller kind always sorting
 * lower), qualifiers, and sub-lists opened by `-` or by a digit/letter switch. Qualifiers order
 * `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp`, then unknown
 * qualifiers alphabetically; `a1`, `b1`, `m1` mean alpha-1, beta-1, milestone-1. Trailing "null"
 * items (0, the release qualifier, empty lists) are dropped, so `1.0.0 = 1 = 1-ga`.
 *
 * Like Maven, this accepts every string (Java's Unicode digits included); `isValid` only rejects
 * what Maven's model validator rejects: empty strings, whitespace and control characters.
 */
import type { VersionComparator } from './types.ts';
import { ParseCache } from './cache.ts';
import { compareDigits, compareStrings } from './numeric.ts';

const INT = 3;
const LONG = 4;
const BIG = 0;
const STRING = 1;
const LIST = 2;

type NumberKind = typeof INT | typeof LONG | typeof BIG;
type Item =
  | { kind: NumberKind; digits: string }
  | { kind: typeof STRING; value: string }
  | { kind: typeof LIST; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));
const ZERO: Item = { kind: INT, digits: '0' };

/** Digit value + 1 of each BMP code unit Java's Character.isDigit accepts (0 = not a digit). */
let unicodeDigits: Uint8Array | null = null;

function digitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code < 128) return -1;
  if (unicodeDigits === null) {
    // Built once, on the first non-ASCII character: Unicode decimal digits come in runs of ten,
    // 0 to 9, so a digit's value is its offset in its run.
    unicodeDigits = new Uint8Array(0x10000);
    const nd = /\p{Nd}/u;
    let run = 0;
    for (let c = 128; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) {
        run = 0;
        continue;
      }
      if (nd.test(String.fromCharCode(c))) unicodeDigits[c] = (run++ % 10) + 1;
      else run = 0;
    }
  }
  return (unicodeDigits[code] as number) - 1;
}

function comparableQualifier(value: string): string {
  const i = QUALIFIERS.indexOf(value);
  return i === -1 ? `${QUALIFIERS.length}-${value}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  return { kind: STRING, value: ALIASES[value] ?? value };
}

function parseItem(isDigit: boolean, text: string): Item {
  if (!isDigit) return stringItem(text, false);
  // Maven strips ASCII zeros only, and keeps an all-zero run whole (its length picks the kind).
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === 48) start++;
  const stripped = start === text.length ? text : text.slice(start);
  let digits = '';
  for (let i = 0; i < stripped.length; i++) digits += String.fromCharCode(48 + digitValue(stripped.charCodeAt(i)));
  const kind = stripped.length <= 9 ? INT : stripped.length <= 18 ? LONG : BIG;
  return { kind, digits };
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case STRING:
      return comparableQualifier(item.value) === RELEASE_INDEX;
    case LIST:
      return item.items.length === 0;
    default:
      return compareDigits(item.digits, '0') === 0;
  }
}

/** Drops trailing null items, looking through non-null sub-lists. */
function normalize(items: Item[]): void {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (isNull(item)) items.splice(i, 1);
    else if (item.kind !== LIST) break;
  }
}

function parse(version: string): Item {
  const text = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const openList = (): void => {
    const next: Item[] = [];
    list.push({ kind: LIST, items: next });
    list = next;
    stack.push(next);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 || c === 45) {
      list.push(i === start ? ZERO : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (c === 45) openList();
    } else if (digitValue(c) >= 0) {
      if (!isDigit && i > start) {
        // A qualifier directly followed by digits: `.X1` is read as `-X1`.
        if (list.length > 0) openList();
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && list.length > 0) openList();
    list.push(parseItem(isDigit, text.slice(start)));
  }
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i] as Item[]);
  return { kind: LIST, items: root };
}

/** Item.compareTo(other), with `null` standing for "nothing left on the other side". */
function compareItem(item: Item, other: Item | null): number {
  switch (item.kind) {
    case STRING:
      if (other === null) return compareStrings(comparableQualifier(item.value), RELEASE_INDEX);
      if (other.kind === STRING) return compareStrings(comparableQualifier(item.value), comparableQualifier(other.value));
      return -1;
    case LIST:
      if (other === null) {
        for (const child of item.items) {
          const c = compareItem(child, null);
          if (c !== 0) return c;
        }
        return 0;
      }
      if (other.kind === LIST) {
        const n = Math.max(item.items.length, other.items.length);
        for (let i = 0; i < n; i++) {
          const left = item.items[i];
          const right = other.items[i] ?? null;
          const c = left === undefined ? (right === null ? 0 : -compareItem(right, null)) : compareItem(left, right);
          if (c !== 0) return c;
        }
        return 0;
      }
      return other.kind === STRING ? 1 : -1;
    default:
      if (other === null) return compareDigits(item.digits, '0') === 0 ? 0 : 1;
      if (other.kind === STRING || other.kind === LIST) return 1;
      if (other.kind === item.kind) return compareDigits(item.digits, other.digits);
      return numberKindRank(item.kind) < numberKindRank(other.kind) ? -1 : 1;
  }
}

/** int < long < big integer: a longer digit run is always the larger number. */
function numberKindRank(kind: NumberKind): number {
  return kind === INT ? 0 : kind === LONG ? 1 : 2;
}

const BLANK_OR_CONTROL = /[\s\p{Cc}]/u;

const cache = new ParseCache(parse);

export const mavenComparator: VersionComparator = {
  compare(a, b) {
    if (a === b) return 0;
    return Math.sign(compareItem(cache.get(a), cache.get(b)));
  },
  isValid(v) {
    return v.length > 0 && !BLANK_OR_CONTROL.test(v);
  },
};
