/**
 * Password hashing with scrypt (node:crypto). Each hash carries its own parameters and salt,
 * `scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>`, so the cost can be raised later without
 * invalidating stored hashes. Verification compares with crypto.timingSafeEqual.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PortcullisError } from '../core/index.ts';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** 2^15 with r=8 costs ~32 MiB and tens of milliseconds: fine for logins, too slow for guessing. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 32768, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Upper bounds on stored parameters, so a corrupt row cannot make verification eat the machine. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;
/** Passwords longer than this are refused outright: scrypt's cost grows with the input. */
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const maxmem = 128 * params.N * params.r * params.p + 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (password.length === 0) throw new PortcullisError('INPUT', 'password is empty');
  if (password.length > MAX_PASSWORD_LENGTH) throw new PortcullisError('LIMIT', `password is longer than ${MAX_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash {
  const parts = stored.split('$');
  const bad = (reason: string) => new PortcullisError('INTERNAL', `stored password hash is malformed (${reason})`);
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw bad('expected scrypt$N$r$p$salt$hash');
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) throw bad('N must be a power of two');
  if (!Number.isInteger(r) || r < 1 || r > MAX_R) throw bad('r out of range');
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) throw bad('p out of range');
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length !== KEY_LENGTH) throw bad('salt or hash has the wrong length');
  return { params: { N, r, p }, salt, key };
}

/** True when `password` matches `stored`; the comparison takes the same time wherever they differ. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parseHash(stored);
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const candidate = await derive(password, salt, params);
  return timingSafeEqual(candidate, key);
}

/**
 * A valid hash of a random password, verified against when a login names an unknown user so that
 * "no such user" and "wrong password" take the same time.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(18).toString('base64url'));
  return decoy;
}

/** A strong random password for generated accounts: 24 random bytes, 32 URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}
