/**
 * Content digests as the OCI image spec defines them (`algorithm:hex`). Only sha256 and sha512 are
 * accepted; anything else in untrusted input is an error, never silently skipped.
 */
import { createHash, type Hash } from 'node:crypto';
import { PortcullisError, inputError } from './errors.ts';

export type DigestAlgorithm = 'sha256' | 'sha512';

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

/** Validates an untrusted digest string and returns it unchanged. */
export function parseDigest(value: unknown, what = 'digest'): string {
  if (typeof value !== 'string' || !DIGEST_PATTERN.test(value)) {
    throw inputError(`invalid ${what}: ${JSON.stringify(value)?.slice(0, 100)}`);
  }
  return value;
}

export function digestAlgorithm(digest: string): DigestAlgorithm {
  return parseDigest(digest).startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function digestHex(digest: string): string {
  return parseDigest(digest).slice(digest.indexOf(':') + 1);
}

export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Hashes data as it streams past and checks it against the expected digest at the end.
 * `update` for every chunk, then `verify()` once; a mismatch throws DIGEST_MISMATCH.
 */
export class DigestVerifier {
  readonly expected: string;
  readonly #hash: Hash;
  readonly #algorithm: DigestAlgorithm;

  constructor(expected: string) {
    this.expected = parseDigest(expected);
    this.#algorithm = digestAlgorithm(expected);
    this.#hash = createHash(this.#algorithm);
  }

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
  }

  /** The digest of everything seen so far; may be called once. */
  actual(): string {
    return `${this.#algorithm}:${this.#hash.digest('hex')}`;
  }

  verify(what: string): void {
    const actual = this.actual();
    if (actual !== this.expected) {
      throw new PortcullisError('DIGEST_MISMATCH', `${what}: digest mismatch: expected ${this.expected}, got ${actual}`);
    }
  }
}
