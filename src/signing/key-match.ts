/**
 * Which trusted key made a signature, and if none did, the most specific reason why: the signature
 * is malformed, it hints at another key, it hints at a trusted key (so the content changed after
 * signing), or nothing tells the two apart. Then the key's trust window and revocation.
 */
import { algorithmOf, verifySignature, type SignatureAlgorithm } from './keys/index.ts';
import type { TrustedKey } from './trust.ts';
import type { FailureReason } from './report.ts';

export interface SignatureToCheck {
  signature: Buffer;
  /** A key id the signer wrote beside the signature (untrusted: used only to explain a failure). */
  hint?: string;
}

export type KeyMatch = { key: TrustedKey } | { reason: FailureReason; message: string };

export function matchKey(data: Buffer, signatures: SignatureToCheck[], keys: TrustedKey[], now: Date): KeyMatch {
  const usable = keys.filter((key) => algorithmOf(key.publicKey) !== undefined);
  if (usable.length === 0) {
    const types = keys.map((key) => key.publicKey.asymmetricKeyType ?? 'unknown').join(', ');
    return { reason: 'unsupported-key', message: `no key Portcullis can verify with (key type ${types || 'none'}; supported: ECDSA P-256, Ed25519, RSA)` };
  }
  for (const { signature } of signatures) {
    const key = usable.find((candidate) => verifySignature(candidate.publicKey, data, signature));
    if (key !== undefined) return keyStatus(key, now);
  }
  const algorithms = new Set(usable.map((key) => algorithmOf(key.publicKey) as SignatureAlgorithm));
  if (signatures.every(({ signature }) => ![...algorithms].some((algorithm) => wellFormed(signature, algorithm)))) {
    return { reason: 'malformed', message: 'the signature is not a well-formed signature for any trusted key type' };
  }
  const hints = signatures.map((entry) => entry.hint).filter((hint): hint is string => hint !== undefined && hint !== '');
  const trustedHint = usable.find((key) => hints.includes(key.keyId));
  if (trustedHint !== undefined) {
    return { reason: 'tampered', message: `names key ${trustedHint.name} but does not verify with it: the signed content was changed after signing` };
  }
  if (hints.length > 0) return { reason: 'other-key', message: `signed by another key (${hints[0]?.slice(0, 80)}), not by ${usable.map((key) => key.name).join(', ')}` };
  return { reason: 'not-verified', message: `does not verify with ${usable.map((key) => key.name).join(', ')}: signed by another key, or the content was changed after signing` };
}

function keyStatus(key: TrustedKey, now: Date): KeyMatch {
  if (key.revoked === true) return { reason: 'key-revoked', message: `signed by ${key.name}, which the trust file revokes` };
  if (key.notBefore !== undefined && now < key.notBefore) return { reason: 'key-not-yet-valid', message: `signed by ${key.name}, which is trusted only from ${key.notBefore.toISOString()}` };
  if (key.notAfter !== undefined && now > key.notAfter) return { reason: 'key-expired', message: `signed by ${key.name}, which expired at ${key.notAfter.toISOString()}` };
  return { key };
}

/** The shape each algorithm's signatures have: DER SEQUENCE (ECDSA), 64 bytes (Ed25519), 256+ bytes (RSA). */
function wellFormed(signature: Buffer, algorithm: SignatureAlgorithm): boolean {
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
      return signature.length >= 8 && signature.length <= 72 && signature[0] === 0x30 && signature[1] === signature.length - 2;
    case 'ed25519':
      return signature.length === 64;
    case 'rsa-pkcs1v15-sha256':
      return signature.length >= 256 && signature.length <= 1024;
  }
}
