/**
 * JWT access tokens in the shape the distribution token spec defines: ES256, `iss` the token
 * service, `aud` the registry's service name, `sub` the principal's login name ("" for anonymous),
 * `access` a list of {type, name, actions}. Verification checks signature, algorithm, issuer,
 * audience, expiry and not-before with 60 s of clock skew, then validates `access` field by field.
 */
import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { PortcullisError } from '../core/index.ts';
import type { SigningKey } from './keys.ts';
import type { AccessEntry } from './types.ts';

export const CLOCK_SKEW_SECONDS = 60;
export const DEFAULT_TOKEN_SECONDS = 300;
/** Bearer tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 16384;
const MAX_ACCESS_ENTRIES = 64;

export interface TokenSettings {
  /** `iss`: who issued the token, e.g. the token endpoint's URL or a configured name. */
  issuer: string;
  /** `aud`: the service name sent in challenges; tokens for another service are refused. */
  service: string;
  ttlSeconds?: number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: Date;
}

export async function issueToken(key: SigningKey, settings: TokenSettings, subject: string, access: AccessEntry[], now: Date = new Date()): Promise<IssuedToken> {
  const expiresIn = settings.ttlSeconds ?? DEFAULT_TOKEN_SECONDS;
  const iat = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ access })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
    .setIssuer(settings.issuer)
    .setSubject(subject)
    .setAudience(settings.service)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + expiresIn)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(key.privateKey);
  return { token, expiresIn, issuedAt: new Date(iat * 1000) };
}

function parseAccess(value: unknown): AccessEntry[] {
  const bad = (reason: string) => new PortcullisError('AUTH', `token has a malformed access claim: ${reason}`);
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad('not a list');
  if (value.length > MAX_ACCESS_ENTRIES) throw bad(`more than ${MAX_ACCESS_ENTRIES} entries`);
  return value.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) throw bad(`entry ${index} is not an object`);
    const { type, name, actions } = entry as Record<string, unknown>;
    if (typeof type !== 'string') throw bad(`entry ${index} has no type`);
    if (typeof name !== 'string') throw bad(`entry ${index} has no name`);
    if (!Array.isArray(actions) || !actions.every((action) => typeof action === 'string')) throw bad(`entry ${index} has no list of actions`);
    return { type, name, actions: actions as string[] };
  });
}

export interface VerifiedToken {
  subject: string;
  access: AccessEntry[];
}

/** Verifies a bearer token; every failure is an AUTH error that says why, never a crash. */
export async function verifyToken(token: string, key: SigningKey, settings: TokenSettings, now: Date = new Date()): Promise<VerifiedToken> {
  if (token.length > MAX_TOKEN_LENGTH) throw new PortcullisError('AUTH', `bearer token is longer than ${MAX_TOKEN_LENGTH} characters`);
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['ES256'],
      issuer: settings.issuer,
      audience: settings.service,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
      requiredClaims: ['exp', 'sub'],
    });
    if (typeof payload.sub !== 'string') throw new PortcullisError('AUTH', 'token has no subject');
    return { subject: payload.sub, access: parseAccess(payload.access) };
  } catch (error) {
    if (error instanceof PortcullisError) throw error;
    if (error instanceof joseErrors.JOSEError) throw new PortcullisError('AUTH', `invalid bearer token (${error.code}): ${error.message}`, { cause: error });
    throw new PortcullisError('AUTH', 'invalid bearer token', { cause: error });
  }
}
