/**
 * cosign's encrypted private key file, read and written so that key pairs move between cosign and
 * Portcullis unchanged. A PEM block `ENCRYPTED SIGSTORE PRIVATE KEY` (older cosign:
 * `ENCRYPTED COSIGN PRIVATE KEY`) holds base64 of JSON:
 *
 *   {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"<b64>"},
 *    "cipher":{"name":"nacl/secretbox","nonce":"<b64, 24 bytes>"},"ciphertext":"<b64>"}
 *
 * key = scrypt(passphrase, salt, N, r, p, 32); PKCS#8 DER = secretbox.open(ciphertext, nonce, key).
 * The file is untrusted: every field is checked, and scrypt parameters are bounded before any memory
 * is spent on them (a hostile N would otherwise ask for gigabytes).
 */
import { randomBytes, scrypt as scryptCallback, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { PortcullisError, inputError } from '../../core/index.ts';
import { privateKeyFromPkcs8, requireSupportedKey } from './key-material.ts';
import { decodeBase64Strict, readPemBlock, writePemBlock } from './pem.ts';

export const SIGSTORE_PRIVATE_KEY_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const LEGACY_COSIGN_PRIVATE_KEY_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';
const LABELS: readonly string[] = [SIGSTORE_PRIVATE_KEY_LABEL, LEGACY_COSIGN_PRIVATE_KEY_LABEL];

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** What cosign generate-key-pair writes today (older cosign used N=32768). */
export const COSIGN_SCRYPT_PARAMS: ScryptParams = { N: 65536, r: 8, p: 1 };

/** Bounds for parameters read from files: generous for any real key, refusing absurd memory or time. */
export const SCRYPT_LIMITS = { maxN: 2 ** 20, maxR: 32, maxP: 16, maxMemoryBytes: 256 * 1024 * 1024 } as const;

const SALT_BYTES = 32;
const MAX_SALT_BYTES = 1024;
const MAX_CIPHERTEXT_BYTES = 32 * 1024;

export interface EncryptedKeyEnvelope {
  scrypt: ScryptParams;
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
}

/** Does this PEM text look like a cosign encrypted private key (by its label)? */
export function isEncryptedCosignKey(text: string): boolean {
  return LABELS.some((label) => text.includes(`-----BEGIN ${label}-----`));
}

function scryptMemory(params: ScryptParams): number {
  return 128 * params.r * (params.N + params.p + 2);
}

function checkScryptParams(params: Record<string, unknown>, problems: string[]): ScryptParams | undefined {
  const { N, r, p } = params;
  const before = problems.length;
  if (!Number.isSafeInteger(N) || (N as number) < 2 || (N as number) > SCRYPT_LIMITS.maxN || ((N as number) & ((N as number) - 1)) !== 0) {
    problems.push(`kdf.params.N must be a power of two from 2 to ${SCRYPT_LIMITS.maxN}: got ${JSON.stringify(N)}`);
  }
  if (!Number.isSafeInteger(r) || (r as number) < 1 || (r as number) > SCRYPT_LIMITS.maxR) {
    problems.push(`kdf.params.r must be an integer from 1 to ${SCRYPT_LIMITS.maxR}: got ${JSON.stringify(r)}`);
  }
  if (!Number.isSafeInteger(p) || (p as number) < 1 || (p as number) > SCRYPT_LIMITS.maxP) {
    problems.push(`kdf.params.p must be an integer from 1 to ${SCRYPT_LIMITS.maxP}: got ${JSON.stringify(p)}`);
  }
  if (problems.length > before) return undefined;
  const checked = { N: N as number, r: r as number, p: p as number };
  if (scryptMemory(checked) > SCRYPT_LIMITS.maxMemoryBytes) {
    problems.push(`kdf.params N=${checked.N}, r=${checked.r} need more than ${SCRYPT_LIMITS.maxMemoryBytes / 1024 / 1024} MiB of memory`);
    return undefined;
  }
  return checked;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function base64Field(value: unknown, name: string, problems: string[]): Buffer | undefined {
  if (typeof value !== 'string') {
    problems.push(`${name} must be a base64 string: got ${value === null ? 'null' : typeof value}`);
    return undefined;
  }
  try {
    return decodeBase64Strict(value, name);
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
}

/** Validates the JSON inside the PEM block field by field, reporting every bad field at once. */
export function parseEncryptedKeyEnvelope(json: Buffer, source: string): EncryptedKeyEnvelope {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (error) {
    throw inputError(`${source}: the encrypted key is not UTF-8 JSON`, error);
  }
  if (!isRecord(document)) throw inputError(`${source}: the encrypted key must be a JSON object`);
  const problems: string[] = [];
  const kdf = isRecord(document.kdf) ? document.kdf : undefined;
  const cipher = isRecord(document.cipher) ? document.cipher : undefined;
  if (!kdf) problems.push('kdf must be an object');
  else if (kdf.name !== 'scrypt') problems.push(`kdf.name must be "scrypt": got ${JSON.stringify(kdf.name)}`);
  if (!cipher) problems.push('cipher must be an object');
  else if (cipher.name !== 'nacl/secretbox') problems.push(`cipher.name must be "nacl/secretbox": got ${JSON.stringify(cipher.name)}`);
  let params: ScryptParams | undefined;
  if (kdf && isRecord(kdf.params)) params = checkScryptParams(kdf.params, problems);
  else if (kdf) problems.push('kdf.params must be an object');
  const salt = kdf && base64Field(kdf.salt, 'kdf.salt', problems);
  if (salt && (salt.length === 0 || salt.length > MAX_SALT_BYTES)) problems.push(`kdf.salt must be 1 to ${MAX_SALT_BYTES} bytes: got ${salt.length}`);
  const nonce = cipher && base64Field(cipher.nonce, 'cipher.nonce', problems);
  if (nonce && nonce.length !== nacl.secretbox.nonceLength) {
    problems.push(`cipher.nonce must be ${nacl.secretbox.nonceLength} bytes: got ${nonce.length}`);
  }
  const ciphertext = base64Field(document.ciphertext, 'ciphertext', problems);
  if (ciphertext && (ciphertext.length <= nacl.secretbox.overheadLength || ciphertext.length > MAX_CIPHERTEXT_BYTES)) {
    problems.push(`ciphertext must be ${nacl.secretbox.overheadLength + 1} to ${MAX_CIPHERTEXT_BYTES} bytes: got ${ciphertext.length}`);
  }
  if (problems.length > 0 || !params || !salt || !nonce || !ciphertext) {
    throw inputError(`${source}: malformed cosign encrypted key: ${problems.join('; ')}`);
  }
  return { scrypt: params, salt, nonce, ciphertext };
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = scryptMemory(params) + 1024 * 1024;
    scryptCallback(passphrase, salt, nacl.secretbox.keyLength, { ...params, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Decrypts a cosign encrypted private key file; `source` names it in errors. */
export async function decryptCosignKey(text: string, passphrase: string, source: string): Promise<KeyObject> {
  const block = readPemBlock(text, source);
  if (!LABELS.includes(block.label)) {
    throw inputError(`${source}: expected "${SIGSTORE_PRIVATE_KEY_LABEL}" (or "${LEGACY_COSIGN_PRIVATE_KEY_LABEL}"), found "${block.label}"`);
  }
  const envelope = parseEncryptedKeyEnvelope(block.body, source);
  const key = await deriveKey(passphrase, envelope.salt, envelope.scrypt);
  const plaintext = nacl.secretbox.open(envelope.ciphertext, envelope.nonce, key);
  if (plaintext === null) {
    throw new PortcullisError('AUTH', `${source}: cannot decrypt the private key: wrong passphrase, or the file was altered`);
  }
  return privateKeyFromPkcs8(Buffer.from(plaintext), source);
}

/** Encrypts a private key as cosign generate-key-pair does (PKCS#8 inside, current cosign parameters). */
export async function encryptCosignKey(privateKey: KeyObject, passphrase: string, params: ScryptParams = COSIGN_SCRYPT_PARAMS): Promise<string> {
  requireSupportedKey(privateKey, 'the key to encrypt');
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = await deriveKey(passphrase, salt, params);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = Buffer.from(nacl.secretbox(pkcs8, nonce, key));
  const document = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: ciphertext.toString('base64'),
  };
  return writePemBlock(SIGSTORE_PRIVATE_KEY_LABEL, Buffer.from(JSON.stringify(document)));
}
