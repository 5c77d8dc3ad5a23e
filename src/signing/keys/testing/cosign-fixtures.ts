/**
 * The real cosign key files from shared/cosign-fixtures (beside the checkout, as CI lays it out),
 * with the passphrases and public keys their README documents. Tests fail with a clear message when
 * the fixtures are missing instead of skipping.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const COSIGN_KEY_FIXTURES = join(repositoryRoot, '..', 'shared', 'cosign-fixtures', 'keys');

export interface CosignKeyFixture {
  key: string;
  passphrase: string;
  /** SPKI PEM the key must yield, byte for byte */
  publicKey: string;
}

/** Keys cosign (and sigstore-rs, policy-controller) wrote, each with its documented passphrase. */
export const LOADABLE_COSIGN_KEYS: readonly CosignKeyFixture[] = [
  { key: 'cosign-keys_test-pemcosignkey.key', passphrase: 'hello', publicKey: 'cosign-keys_test-pemcosignkey.derived.pub' },
  { key: 'cosign-keys_test-pemsigstorekey.key', passphrase: 'hello', publicKey: 'cosign-keys_test-pemsigstorekey.derived.pub' },
  { key: 'policy-controller-cosign.key', passphrase: '', publicKey: 'policy-controller-cosign.pub' },
  { key: 'sigstore-rs-cosign_generated_encrypted_empty_private.key', passphrase: '', publicKey: 'sigstore-rs-cosign_generated_encrypted_empty_private.derived.pub' },
  { key: 'sigstore-rs-ecdsa_encrypted_private.key', passphrase: '123', publicKey: 'sigstore-rs-ecdsa_encrypted_private.derived.pub' },
];

/** Decrypts fine, but holds a SEC1 key that cosign's own loader rejects. */
export const SEC1_COSIGN_KEY = { key: 'cosign-keys_test-pemcosigneckey.key', passphrase: 'hello' } as const;

export function cosignKeyFixture(name: string): string {
  const path = join(COSIGN_KEY_FIXTURES, name);
  if (!existsSync(path)) {
    throw new Error(`cosign fixture ${path} is missing: the tests read ../shared/cosign-fixtures beside the repository checkout`);
  }
  return path;
}
