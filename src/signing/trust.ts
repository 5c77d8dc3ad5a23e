/**
 * The trust file: which public keys may sign, and since and until when. A small YAML document:
 *
 *     keys:
 *       - name: release-2026
 *         publicKey: release-2026.pub     # a PEM file beside the trust file, or the PEM inline
 *         notBefore: 2026-01-01T00:00:00Z # optional
 *         notAfter: 2027-01-01T00:00:00Z  # optional: expired after this instant
 *         revoked: false                  # optional: true withdraws the key at once
 *
 * Key-based signatures carry no trusted time, so the windows are checked against the time of
 * verification: a key past notAfter no longer vouches for anything, whatever it signed earlier.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { PortcullisError, inputError } from '../core/index.ts';
import { Issues, describeValue, joinPath as join, readArray, readObject, readString } from '../oci/index.ts';
import { keyIdOf } from './keys/index.ts';

export interface TrustedKey {
  name: string;
  publicKey: KeyObject;
  keyId: string;
  notBefore?: Date;
  notAfter?: Date;
  revoked?: boolean;
}

const MAX_TRUST_FILE_BYTES = 1024 * 1024;

/** A key given on the command line: trusted without a window. */
export function trustedKey(name: string, publicKey: KeyObject): TrustedKey {
  return { name, publicKey, keyId: keyIdOf(publicKey) };
}

export async function loadTrustFile(path: string): Promise<TrustedKey[]> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new PortcullisError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'INPUT', `cannot read trust file ${path}: ${error.message}`);
  });
  if (bytes.length > MAX_TRUST_FILE_BYTES) throw new PortcullisError('LIMIT', `trust file ${path} is larger than ${MAX_TRUST_FILE_BYTES} bytes`);
  let document: unknown;
  try {
    document = parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes), { maxAliasCount: 0 });
  } catch (error) {
    throw inputError(`trust file ${path} is not valid UTF-8 YAML: ${(error as Error).message}`, error);
  }
  return parseTrust(document, dirname(path), path);
}

export async function parseTrust(document: unknown, baseDir: string, what: string): Promise<TrustedKey[]> {
  const issues = new Issues();
  const root = readObject(document, '', issues);
  const entries = root === undefined ? [] : (readArray(root, 'keys', '', issues, true) ?? []);
  const keys: TrustedKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const path = join('keys', index);
    const object = readObject(entry, path, issues);
    if (object === undefined) continue;
    const name = readString(object, 'name', path, issues, true);
    const source = readString(object, 'publicKey', path, issues, true);
    const notBefore = readDate(object.notBefore, join(path, 'notBefore'), issues);
    const notAfter = readDate(object.notAfter, join(path, 'notAfter'), issues);
    const revoked = object.revoked;
    if (revoked !== undefined && typeof revoked !== 'boolean') issues.add(join(path, 'revoked'), `must be true or false, got ${describeValue(revoked)}`);
    if (name === undefined || source === undefined) continue;
    const publicKey = await loadPublicKey(source, baseDir, join(path, 'publicKey'), issues);
    if (publicKey === undefined) continue;
    keys.push({ name, publicKey, keyId: keyIdOf(publicKey), ...(notBefore && { notBefore }), ...(notAfter && { notAfter }), ...(revoked === true && { revoked }) });
  }
  issues.throwIfAny(`trust file ${what}`);
  return keys;
}

/** YAML turns unquoted timestamps into strings or Dates depending on schema; both are accepted. */
function readDate(value: unknown, path: string, issues: Issues): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    issues.add(path, 'must be an RFC 3339 timestamp');
    return undefined;
  }
  return date;
}

async function loadPublicKey(source: string, baseDir: string, path: string, issues: Issues): Promise<KeyObject | undefined> {
  let pem = source;
  if (!source.includes('-----BEGIN')) {
    try {
      pem = await readFile(resolve(baseDir, source), 'utf8');
    } catch (error) {
      issues.add(path, `cannot read ${source}: ${(error as Error).message}`);
      return undefined;
    }
  }
  try {
    return createPublicKey(pem);
  } catch {
    issues.add(path, 'is not a PEM public key');
    return undefined;
  }
}
