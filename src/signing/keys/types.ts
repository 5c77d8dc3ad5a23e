/**
 * The signing-key contracts every part of Portcullis signing relies on. A `KeyProvider` turns a key
 * reference (a file path, a `pkcs11:` URI, later a cloud KMS URI) into a `Signer`; the private key
 * stays wherever the provider keeps it (a PKCS#11 token never hands it out). Verification needs only
 * a public key, so it lives here as one pure function.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';

/** The signature schemes Portcullis produces and accepts, named as cosign and Sigstore name them. */
export type SignatureAlgorithm = 'ecdsa-p256-sha256' | 'ed25519' | 'rsa-pkcs1v15-sha256';

export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  /** Fingerprint of the public key: `sha256:` + hex of the SHA-256 of its SPKI DER (see keyIdOf). */
  readonly keyId: string;
  publicKey(): KeyObject;
  /**
   * Signs `data` (the whole message, hashed by the signer as its algorithm says).
   * DER-encoded for ECDSA (as cosign), raw for Ed25519, PKCS#1 v1.5 bytes for RSA.
   */
  sign(data: Buffer): Promise<Buffer>;
}

/** How a provider asks for secrets it needs; called only when the key really needs one. */
export interface KeyOptions {
  /** Passphrase of an encrypted key file. */
  passphrase?: () => Promise<string>;
  /** PIN of a PKCS#11 token, when neither the URI (`pin-value`) nor PORTCULLIS_PKCS11_PIN gives it. */
  pin?: () => Promise<string>;
}

export interface KeyProvider {
  /** e.g. 'file' or 'pkcs11' */
  readonly scheme: string;
  /** Cheap, syntax-only: does this reference belong to this provider? */
  canOpen(ref: string): boolean;
  signer(ref: string, options: KeyOptions): Promise<Signer>;
  /** The public half only; for a public-key file or token object no secret is asked for. */
  publicKey(ref: string, options: KeyOptions): Promise<KeyObject>;
}

/** Key ids by key object: a KeyObject never changes, and admission asks for the same keys per decision. */
const keyIds = new WeakMap<KeyObject, string>();

/** `sha256:<hex>` of the key's SPKI DER: stable across PEM layout, the same for a key wherever it lives. */
export function keyIdOf(publicKey: KeyObject): string {
  let id = keyIds.get(publicKey);
  if (id === undefined) {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    id = `sha256:${createHash('sha256').update(der).digest('hex')}`;
    keyIds.set(publicKey, id);
  }
  return id;
}

/** Which SignatureAlgorithm a public key signs with, or undefined for a key Portcullis does not use. */
export function algorithmOf(publicKey: KeyObject): SignatureAlgorithm | undefined {
  switch (publicKey.asymmetricKeyType) {
    case 'ec':
      return publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ecdsa-p256-sha256' : undefined;
    case 'ed25519':
      return 'ed25519';
    case 'rsa':
      return 'rsa-pkcs1v15-sha256';
    default:
      return undefined;
  }
}

/**
 * True when `signature` is a valid signature of `data` by `publicKey`, under the key's algorithm
 * (ECDSA P-256 with SHA-256 and a DER signature, Ed25519 over the raw message, RSA PKCS#1 v1.5 with
 * SHA-256). Never throws on malformed signatures or unsupported keys: it answers false.
 */
export function verifySignature(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  const algorithm = algorithmOf(publicKey);
  if (algorithm === undefined || publicKey.type !== 'public') return false;
  try {
    switch (algorithm) {
      case 'ecdsa-p256-sha256':
        return verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature);
      case 'ed25519':
        return verify(null, data, publicKey, signature);
      case 'rsa-pkcs1v15-sha256':
        return verify('sha256', data, publicKey, signature);
    }
  } catch {
    // A signature that does not even parse (bad DER, wrong length) is simply not valid.
    return false;
  }
}
