/**
 * Which provider opens a key reference. The list is explicit and ordered: a `pkcs11:` URI goes to
 * the vault, a cloud KMS URI is recognised (and refused until its provider exists), anything else
 * is a file path. Adding a KMS provider means implementing KeyProvider and putting it in
 * defaultKeyProviders() ahead of the file provider (docs/keys-and-vaults.md).
 */
import type { KeyObject } from 'node:crypto';
import { PortcullisError } from '../../core/index.ts';
import { createFileKeyProvider } from './file-provider.ts';
import { createPkcs11KeyProvider } from './pkcs11-provider.ts';
import type { KeyOptions, KeyProvider, Signer } from './types.ts';

/** Key references cosign users have, served by KMS providers Portcullis does not ship yet. */
export const KMS_SCHEMES = ['awskms', 'gcpkms', 'azurekms', 'hashivault', 'ocivault'] as const;

export function defaultKeyProviders(): KeyProvider[] {
  return [createPkcs11KeyProvider(), createFileKeyProvider()];
}

export function keyProviderFor(ref: string, providers: readonly KeyProvider[] = defaultKeyProviders()): KeyProvider {
  const provider = providers.find((candidate) => candidate.canOpen(ref));
  if (provider) return provider;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(ref)?.[1]?.toLowerCase();
  if (scheme && (KMS_SCHEMES as readonly string[]).includes(scheme)) {
    throw new PortcullisError('UNSUPPORTED', `${scheme}:// keys (cloud KMS) are not supported yet: use a key file or a pkcs11: URI (see docs/keys-and-vaults.md)`);
  }
  throw new PortcullisError('USAGE', `no key provider for ${JSON.stringify(scheme ? `${scheme}:` : ref)}: give a key file path or a pkcs11: URI`);
}

/** The Signer for a key reference (file path or pkcs11: URI). */
export function openSigner(ref: string, options: KeyOptions, providers?: readonly KeyProvider[]): Promise<Signer> {
  return keyProviderFor(ref, providers).signer(ref, options);
}

/** The public key for a key reference (public key file, private key file or pkcs11: URI). */
export function openPublicKey(ref: string, options: KeyOptions, providers?: readonly KeyProvider[]): Promise<KeyObject> {
  return keyProviderFor(ref, providers).publicKey(ref, options);
}
