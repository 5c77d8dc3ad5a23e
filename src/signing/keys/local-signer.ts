/**
 * A Signer over a private key held in this process's memory (a decrypted key file). Used by the
 * file provider; the key object never leaves the closure.
 */
import { createPublicKey, sign as signCallback, type KeyObject } from 'node:crypto';
import { requireSupportedKey } from './key-material.ts';
import { keyIdOf, type Signer } from './types.ts';

export function signerFromPrivateKey(privateKey: KeyObject, source: string): Signer {
  const algorithm = requireSupportedKey(privateKey, source);
  const publicKey = createPublicKey(privateKey);
  // Ed25519 hashes internally (no digest name); ECDSA answers DER as cosign stores it.
  const digest = algorithm === 'ed25519' ? null : 'sha256';
  const key = algorithm === 'ecdsa-p256-sha256' ? { key: privateKey, dsaEncoding: 'der' as const } : privateKey;
  return {
    algorithm,
    keyId: keyIdOf(publicKey),
    publicKey: () => publicKey,
    sign: (data) =>
      new Promise((resolve, reject) => {
        signCallback(digest, data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
      }),
  };
}
