/**
 * Signing keys: the contracts (Signer, KeyProvider), cosign's key file format, key files on disk,
 * the PKCS#11 vault, and the provider registry that opens a key reference.
 */
export * from './types.ts';
export { KEY_TYPES, DEFAULT_KEY_TYPE, MIN_RSA_BITS, generateKeyPair, requireSupportedKey, privateKeyFromPkcs8, privateKeyFromPlainPem } from './key-material.ts';
export type { KeyType, KeyPair } from './key-material.ts';
export {
  SIGSTORE_PRIVATE_KEY_LABEL,
  LEGACY_COSIGN_PRIVATE_KEY_LABEL,
  COSIGN_SCRYPT_PARAMS,
  SCRYPT_LIMITS,
  decryptCosignKey,
  encryptCosignKey,
  isEncryptedCosignKey,
  parseEncryptedKeyEnvelope,
} from './cosign-key-format.ts';
export type { ScryptParams, EncryptedKeyEnvelope } from './cosign-key-format.ts';
export { publicKeyToPem, publicKeyFromPem, readPemBlock, writePemBlock } from './pem.ts';
export { readKeyFile, writeKeyPairFiles } from './key-files.ts';
export type { WrittenKeyPair } from './key-files.ts';
export { signerFromPrivateKey } from './local-signer.ts';
export { createFileKeyProvider } from './file-provider.ts';
export { createPkcs11KeyProvider } from './pkcs11-provider.ts';
export type { Pkcs11KeyProvider, TokenKey } from './pkcs11-provider.ts';
export { parsePkcs11Uri, formatPkcs11Uri, isPkcs11Uri } from './pkcs11-uri.ts';
export type { Pkcs11Uri, Pkcs11ObjectType } from './pkcs11-uri.ts';
export { KMS_SCHEMES, defaultKeyProviders, keyProviderFor, openSigner, openPublicKey } from './registry.ts';
export { passphraseSource, promptHidden } from './passphrase.ts';
export type { PassphraseOptions } from './passphrase.ts';
