/**
 * Which private keys Portcullis signs with, and how they are made and read: ECDSA P-256 (the
 * default, as cosign), Ed25519 and RSA of at least 3072 bits. Everything else is refused with the
 * reason, so a weak or exotic key never ends up signing images.
 */
import { createPrivateKey, createPublicKey, generateKeyPair as generateNodeKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { PortcullisError, inputError } from '../../core/index.ts';
import { readPemBlock } from './pem.ts';
import { algorithmOf, type SignatureAlgorithm } from './types.ts';

/** The key types `keys generate` makes. */
export const KEY_TYPES = ['ecdsa-p256', 'ed25519', 'rsa-3072', 'rsa-4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const DEFAULT_KEY_TYPE: KeyType = 'ecdsa-p256';

/** NIST SP 800-57 puts RSA-3072 at the 128-bit level that P-256 and Ed25519 give. */
export const MIN_RSA_BITS = 3072;
/** Keeps signing time bounded for keys read from files. */
export const MAX_RSA_BITS = 8192;

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(generateNodeKeyPair);

export async function generateKeyPair(type: KeyType): Promise<KeyPair> {
  switch (type) {
    case 'ecdsa-p256':
      return generate('ec', { namedCurve: 'prime256v1' });
    case 'ed25519':
      return generate('ed25519', {});
    case 'rsa-3072':
      return generate('rsa', { modulusLength: 3072 });
    case 'rsa-4096':
      return generate('rsa', { modulusLength: 4096 });
  }
}

/** The algorithm a key signs with, or an UNSUPPORTED error saying why the key is refused. */
export function requireSupportedKey(key: KeyObject, source: string): SignatureAlgorithm {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const algorithm = algorithmOf(publicKey);
  if (algorithm === undefined) {
    const kind = publicKey.asymmetricKeyType ?? 'unknown';
    const curve = publicKey.asymmetricKeyDetails?.namedCurve;
    throw new PortcullisError(
      'UNSUPPORTED',
      `${source}: unsupported key type ${kind}${curve ? ` (${curve})` : ''}: Portcullis signs with ECDSA P-256, Ed25519 or RSA-${MIN_RSA_BITS}+`,
    );
  }
  if (algorithm === 'rsa-pkcs1v15-sha256') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
      throw new PortcullisError('UNSUPPORTED', `${source}: RSA key of ${bits} bits refused: use ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits`);
    }
  }
  return algorithm;
}

/**
 * A PKCS#8 DER private key, as cosign stores inside its encrypted files. A SEC1 ("EC PRIVATE KEY")
 * body is refused as cosign refuses it, so a key that loads here also loads in cosign.
 */
export function privateKeyFromPkcs8(der: Buffer, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    if (isSec1(der)) {
      throw inputError(`${source}: the key inside is SEC1 ("EC PRIVATE KEY"), which cosign does not load either: use PKCS#8`, error);
    }
    throw inputError(`${source}: the decrypted key is not a PKCS#8 private key`, error);
  }
  requireSupportedKey(key, source);
  return key;
}

function isSec1(der: Buffer): boolean {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'sec1' }).asymmetricKeyType === 'ec';
  } catch {
    return false;
  }
}

/** PEM labels of unencrypted private keys that `keys import` accepts (as cosign import-key-pair). */
const PLAIN_PRIVATE_KEY_LABELS = ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'] as const;

/** An unencrypted private key PEM (PKCS#8, SEC1 or PKCS#1), e.g. from `openssl genpkey`. */
export function privateKeyFromPlainPem(text: string, source: string): KeyObject {
  const block = readPemBlock(text, source);
  if (!(PLAIN_PRIVATE_KEY_LABELS as readonly string[]).includes(block.label)) {
    throw inputError(`${source}: expected an unencrypted private key (${PLAIN_PRIVATE_KEY_LABELS.join(', ')}), found "${block.label}"`);
  }
  const type = block.label === 'PRIVATE KEY' ? 'pkcs8' : block.label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs1';
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.body, format: 'der', type });
  } catch (error) {
    throw inputError(`${source}: the "${block.label}" block is not a valid private key`, error);
  }
  requireSupportedKey(key, source);
  return key;
}
