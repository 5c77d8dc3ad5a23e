/**
 * Key files as cosign writes them: a path to an encrypted private key (`cosign.key`) signs; a path
 * to either that or a `PUBLIC KEY` PEM (`cosign.pub`) gives the public key. Unencrypted private keys
 * are refused for signing, as cosign refuses them: `keys import` encrypts them first.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PortcullisError } from '../../core/index.ts';
import { decryptCosignKey, isEncryptedCosignKey } from './cosign-key-format.ts';
import { readKeyFile } from './key-files.ts';
import { signerFromPrivateKey } from './local-signer.ts';
import { publicKeyFromPem } from './pem.ts';
import type { KeyOptions, KeyProvider } from './types.ts';

/** `scheme:` or `scheme://` at the start of a reference: someone else's (pkcs11:, awskms://, ...). */
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

async function privateKeyFrom(path: string, text: string, options: KeyOptions): Promise<KeyObject> {
  if (!isEncryptedCosignKey(text)) {
    throw new PortcullisError('INPUT', `${path} is not an encrypted cosign private key: import it first with 'portcullis keys import'`);
  }
  if (!options.passphrase) throw new PortcullisError('AUTH', `${path} is encrypted: a passphrase is needed`);
  return decryptCosignKey(text, await options.passphrase(), path);
}

export function createFileKeyProvider(): KeyProvider {
  return {
    scheme: 'file',
    canOpen: (ref) => ref.length > 0 && !URI_SCHEME.test(ref),
    async signer(ref, options) {
      const text = await readKeyFile(ref);
      return signerFromPrivateKey(await privateKeyFrom(ref, text, options), ref);
    },
    async publicKey(ref, options) {
      const text = await readKeyFile(ref);
      if (text.includes('-----BEGIN PUBLIC KEY-----')) return publicKeyFromPem(text, ref);
      return createPublicKey(await privateKeyFrom(ref, text, options));
    },
  };
}
