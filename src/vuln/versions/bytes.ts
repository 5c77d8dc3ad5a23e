/**
 * Versions as the byte strings C package managers (dpkg, apt, rpm, apk) compare. Those tools see
 * UTF-8 bytes, not UTF-16 code units, and classify each byte with C-locale ctype, so non-ASCII
 * text must be compared byte by byte to order exactly as they do. ASCII strings (nearly every
 * real version) are copied with no encoder call.
 */
const encoder = new TextEncoder();

export function utf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code > 0x7f) return encoder.encode(s);
    out[i] = code;
  }
  return out;
}

export function isDigitByte(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlphaByte(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
