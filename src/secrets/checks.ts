/**
 * The structural tests rules name in `check` (checksums, decodable tokens) and Shannon entropy.
 * A pattern alone cannot tell a card number from a serial number: its checksum can.
 */
import type { RuleCheck } from './types.ts';

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** The Luhn (mod 10) checksum of payment card numbers; separators are ignored. */
export function luhnValid(value: string): boolean {
  const digits = value.replace(/[ -]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  // All-same digits (0000 0000 0000 0000) pass Luhn but are placeholders, not cards.
  return sum % 10 === 0 && !/^(\d)\1+$/.test(digits);
}

/** IBAN length per country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22,
  GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31,
  MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24,
  SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** Country length and the ISO 7064 mod-97 check digits. Spaces are ignored. */
export function ibanValid(value: string): boolean {
  const iban = value.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : char;
    for (const digit of digits) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/**
 * US Social Security numbers as the SSA issues them: area 001-899 except 666, group 01-99, serial
 * 0001-9999; and not the numbers the SSA has voided after they were printed in advertising.
 */
const VOIDED_SSNS = new Set(['078051120', '219099999', '457555462']);
export function usSsnValid(value: string): boolean {
  const match = /^(\d{3})[ -]?(\d{2})[ -]?(\d{4})$/.exec(value);
  if (!match) return false;
  const [, area, group, serial] = match.map(Number) as [number, number, number, number];
  const digits = match.slice(1).join('');
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
  return !VOIDED_SSNS.has(digits);
}

/**
 * Phone numbers, conservatively: international numbers have 10 to 15 digits (E.164) and NANP
 * numbers (+1 or the bare US form) a valid area and exchange code (first digit 2-9); runs of one
 * digit, counting sequences (version strings, counters) and coordinates are not numbers anyone dials.
 */
export function phoneValid(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 10 || digits.length > 15) return false;
  // ISO 6709 coordinates (`+611305-1495401`, tz database zone tables) look like numbers with a dash.
  if (/^[+-]\d{4,7}[+-]\d{5,8}$/.test(value)) return false;
  if (/^(\d)\1+$/.test(digits) || '01234567890123456789'.includes(digits) || '98765432109876543210'.includes(digits)) return false;
  const international = value.startsWith('+');
  const nanp = international ? (digits.startsWith('1') ? digits.slice(1) : undefined) : digits;
  if (nanp !== undefined) return /^[2-9]\d{2}[2-9]\d{6}$/.test(nanp);
  return true;
}

function base64UrlJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A JWT whose header decodes to a JSON object naming an `alg`, and whose payload is a JSON object. */
export function jwtValid(value: string): boolean {
  const [header, payload] = value.split('.');
  if (header === undefined || payload === undefined) return false;
  const decoded = base64UrlJson(header);
  const body = base64UrlJson(payload);
  return typeof decoded === 'object' && decoded !== null && 'alg' in decoded && typeof body === 'object' && body !== null;
}

/** A docker config `auth`: base64 of `user:password` with both parts present. */
export function dockerAuthValid(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && !/[\u0000-\u001f]/.test(decoded);
}

/**
 * A value that looks generated rather than written: at least two of lower case, upper case and
 * digits, and not an identifier, path, URL or version (`get_token_name`, `/run/secrets/db`, `1.2.3`).
 */
export function looksRandom(value: string): boolean {
  const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9]/.test(value));
  if (classes < 2) return false;
  if (/^(?:\.{0,2}\/|~\/|[a-z][a-z0-9+.-]{0,20}:\/\/)/.test(value)) return false;
  if (/^[A-Za-z]+(?:[_.-][A-Za-z]+)+\d*$/.test(value) || /^[a-z]+(?:[A-Z][a-z]+)+\d*$/.test(value)) return false;
  return !/^v?\d+(?:\.\d+)+/.test(value);
}

export function passesCheck(check: RuleCheck, value: string): boolean {
  switch (check) {
    case 'luhn':
      return luhnValid(value);
    case 'iban':
      return ibanValid(value);
    case 'us-ssn':
      return usSsnValid(value);
    case 'phone':
      return phoneValid(value);
    case 'jwt':
      return jwtValid(value);
    case 'base64-docker-auth':
      return dockerAuthValid(value);
    case 'random-looking':
      return looksRandom(value);
  }
}
