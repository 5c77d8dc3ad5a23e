/**
 * The token signing key: an ES256 (P-256) key pair made on first start. The private half is stored
 * encrypted with AES-256-GCM under a key derived by scrypt from the server secret (a random value in
 * the data directory, or one the operator provides), with the key id as additional authenticated
 * data, so a copy of the database alone does not let anyone mint tokens.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scrypt, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { calculateJwkThumbprint } from 'jose';
import { PortcullisError } from '../core/index.ts';
import type { AuthStore } from './store.ts';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

interface EncryptedBlob {
  salt: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

const SECRET_MIN_LENGTH = 16;

function wrappingKey(serverSecret: string, salt: Buffer): Promise<Buffer> {
  if (serverSecret.length < SECRET_MIN_LENGTH) throw new PortcullisError('USAGE', `server secret must be at least ${SECRET_MIN_LENGTH} characters`);
  return new Promise((resolve, reject) => {
    scrypt(serverSecret, salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

async function encrypt(plaintext: string, serverSecret: string, kid: string): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await wrappingKey(serverSecret, salt), iv);
  cipher.setAAD(Buffer.from(kid));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const blob: EncryptedBlob = { salt: salt.toString('base64url'), iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), ciphertext: ciphertext.toString('base64url') };
  return JSON.stringify(blob);
}

async function decrypt(stored: string, serverSecret: string, kid: string): Promise<string> {
  const blob = JSON.parse(stored) as Partial<EncryptedBlob>;
  if (typeof blob.salt !== 'string' || typeof blob.iv !== 'string' || typeof blob.tag !== 'string' || typeof blob.ciphertext !== 'string') {
    throw new PortcullisError('INTERNAL', 'stored signing key is malformed');
  }
  const decipher = createDecipheriv('aes-256-gcm', await wrappingKey(serverSecret, Buffer.from(blob.salt, 'base64url')), Buffer.from(blob.iv, 'base64url'));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(Buffer.from(blob.tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(blob.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new PortcullisError('AUTH', 'cannot decrypt the token signing key: the server secret differs from the one it was stored with', { cause: error });
  }
}

/** Returns the stored signing key, generating and storing one on first start. */
export async function loadOrCreateSigningKey(store: AuthStore, serverSecret: string): Promise<SigningKey> {
  let stored = store.getSigningKey();
  if (stored === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicJwk = publicKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint(publicJwk as Parameters<typeof calculateJwkThumbprint>[0]);
    const encryptedPrivateKey = await encrypt(JSON.stringify(privateKey.export({ format: 'jwk' })), serverSecret, kid);
    store.insertSigningKey({ kid, createdAt: new Date().toISOString(), encryptedPrivateKey, publicJwk: JSON.stringify(publicJwk) });
    stored = store.getSigningKey();
    if (stored === undefined) throw new PortcullisError('INTERNAL', 'signing key vanished after it was stored');
  }
  const privateJwk = JSON.parse(await decrypt(stored.encryptedPrivateKey, serverSecret, stored.kid)) as JsonWebKey;
  return {
    kid: stored.kid,
    privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }),
    publicKey: createPublicKey({ key: JSON.parse(stored.publicJwk) as JsonWebKey, format: 'jwk' }),
  };
}

/** Reads the server secret file, creating it (32 random bytes, hex, mode 0600) on first start. */
export async function loadOrCreateServerSecret(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  try {
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(path, 'utf8')).trim();
    throw error;
  }
}
