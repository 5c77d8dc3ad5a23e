/**
 * Test support: Signers over freshly generated in-memory keys, so signing and verification tests
 * need no key files or tokens. The signatures are real; only where the private key lives differs.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signerFromPrivateKey } from './keys/index.ts';
import type { Signer } from './keys/index.ts';
import { trustedKey, type TrustedKey } from './trust.ts';

export interface TestKey {
  signer: Signer;
  trusted: TrustedKey;
  privateKey: KeyObject;
}

export function testKey(name: string, type: 'ec' | 'ed25519' | 'rsa' = 'ec'): TestKey {
  const { privateKey, publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 3072 })
        : generateKeyPairSync('ed25519');
  return { signer: signerFromPrivateKey(privateKey, name), trusted: trustedKey(name, publicKey), privateKey };
}
