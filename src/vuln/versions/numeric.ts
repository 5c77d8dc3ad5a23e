/**
 * Arbitrary-length comparison of decimal digit strings. Several package managers compare numeric
 * components of any length exactly (rpm, PEP 440, Maven's BigInteger items); converting to a JS
 * number would round past 2^53, and BigInt would allocate on the hot path.
 */

/** Compares `a[aStart, aEnd)` with `b[bStart, bEnd)`, both ASCII digits; leading zeros ignored. */
export function compareDigitRuns(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): number {
  while (aStart < aEnd && a.charCodeAt(aStart) === 48) aStart++;
  while (bStart < bEnd && b.charCodeAt(bStart) === 48) bStart++;
  const lengthDiff = aEnd - aStart - (bEnd - bStart);
  if (lengthDiff !== 0) return lengthDiff < 0 ? -1 : 1;
  for (; aStart < aEnd; aStart++, bStart++) {
    const diff = a.charCodeAt(aStart) - b.charCodeAt(bStart);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

/** Compares two whole digit strings by numeric value. */
export function compareDigits(a: string, b: string): number {
  return compareDigitRuns(a, 0, a.length, b, 0, b.length);
}

/** Plain code-unit order, as -1/0/1 (the fallback order for strings no rule can parse). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `s` is non-empty and made only of ASCII digits. */
export function isDigitString(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
