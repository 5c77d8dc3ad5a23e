/**
 * PHP's version_compare(), which Composer applies to normalised versions. Written out by hand
 * because no library reproduces PHP's exact rules: the string is canonicalised (`-`, `_`, `+` and
 * every other non-alphanumeric become `.`, and a `.` is inserted at each digit/non-digit switch),
 * then compared part by part: numbers numerically (saturating at 2^63-1 like C's strtol), words
 * by the first "special form" they start with (`dev < alpha = a < beta = b < RC = rc < number <
 * pl = p`, anything else below `dev`), a word against a number as that word against `#`.
 */
import { compareDigits } from './numeric.ts';

const LONG_MAX = '9223372036854775807';
const SPECIAL_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];
const NUMBER_FORM = '#N#';

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAlnum(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** php_canonicalize_version. The first character is kept as it is, as PHP does. */
export function canonicalizePhpVersion(version: string): string {
  if (version.length === 0) return '';
  let out = version[0] as string;
  let last = out.charCodeAt(0);
  for (let i = 1; i < version.length; i++) {
    const c = version.charCodeAt(i);
    const previousIsDot = out.charCodeAt(out.length - 1) === 46;
    const switchesKind = (last !== 46 && isDigit(last) !== isDigit(c) && c !== 46);
    if (c === 45 || c === 95 || c === 43) {
      if (!previousIsDot) out += '.';
    } else if (switchesKind) {
      if (!previousIsDot) out += '.';
      out += version[i];
    } else if (!isAlnum(c)) {
      if (!previousIsDot) out += '.';
    } else {
      out += version[i];
    }
    last = c;
  }
  return out;
}

function specialForm(part: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (part.startsWith(name)) return order;
  return -1;
}

/** strtol on a part that starts with digits: its leading digits, saturated at LONG_MAX. */
function compareNumbers(a: string, b: string): number {
  const x = clampToLong(leadingDigits(a));
  const y = clampToLong(leadingDigits(b));
  return compareDigits(x, y);
}

function leadingDigits(part: string): string {
  let end = 0;
  while (end < part.length && isDigit(part.charCodeAt(end))) end++;
  return part.slice(0, end);
}

function clampToLong(digits: string): string {
  return compareDigits(digits, LONG_MAX) > 0 ? LONG_MAX : digits;
}

function comparePart(a: string, b: string): number {
  const ad = a.length > 0 && isDigit(a.charCodeAt(0));
  const bd = b.length > 0 && isDigit(b.charCodeAt(0));
  if (ad && bd) return compareNumbers(a, b);
  if (!ad && !bd) return Math.sign(specialForm(a) - specialForm(b));
  return ad ? Math.sign(specialForm(NUMBER_FORM) - specialForm(b)) : Math.sign(specialForm(a) - specialForm(NUMBER_FORM));
}

/** php_version_compare: -1, 0 or 1. */
export function phpVersionCompare(v1: string, v2: string): number {
  if (v1.length === 0 || v2.length === 0) return v1.length === 0 ? (v2.length === 0 ? 0 : -1) : 1;
  return compareCanonicalPhpVersions(canonicalForm(v1), canonicalForm(v2));
}

/** What php_version_compare compares: the canonical form, except for strings starting with '#'. */
export function canonicalForm(version: string): string {
  return version.startsWith('#') ? version : canonicalizePhpVersion(version);
}

/**
 * The part-by-part comparison of php_version_compare on two non-empty canonical forms, for
 * callers that cache canonical forms.
 */
export function compareCanonicalPhpVersions(s1: string, s2: string): number {
  let p1 = 0;
  let p2 = 0;
  let n1 = 0;
  let n2 = 0;
  let result = 0;
  while (p1 < s1.length && p2 < s2.length && n1 !== -1 && n2 !== -1) {
    n1 = s1.indexOf('.', p1);
    n2 = s2.indexOf('.', p2);
    result = comparePart(s1.slice(p1, n1 === -1 ? s1.length : n1), s2.slice(p2, n2 === -1 ? s2.length : n2));
    if (result !== 0) break;
    if (n1 !== -1) p1 = n1 + 1;
    if (n2 !== -1) p2 = n2 + 1;
  }
  if (result !== 0) return result;
  // One side has parts left: a number there wins, a word is weighed against a number.
  if (n1 !== -1) return isDigit(s1.charCodeAt(p1)) ? 1 : phpVersionCompare(s1.slice(p1), NUMBER_FORM);
  if (n2 !== -1) return isDigit(s2.charCodeAt(p2)) ? -1 : phpVersionCompare(NUMBER_FORM, s2.slice(p2));
  return 0;
}
