/**
 * Sigstore bundles (v0.3, `application/vnd.dev.sigstore.bundle.v0.3+json`) for key-based
 * signatures: the portable form in which Sigstore clients (cosign 2.x `--bundle`, sigstore-js,
 * sigstore-python) exchange a signature with what it covers. Portcullis writes one from its own
 * signatures, so any Sigstore verifier can check them offline against the public key, and reads
 * `messageSignature` bundles made by others. Transparency-log entries are carried but not checked:
 * key-based trust here rests on the key alone.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { decodeBase64, type DsseEnvelope } from './dsse.ts';
import { decodeJsonObject, Issues, readObject, readString } from '../oci/index.ts';
import { keyIdOf } from './keys/index.ts';
import { matchKey } from './key-match.ts';
import type { Check } from './report.ts';
import type { TrustedKey } from './trust.ts';

export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const BUNDLE_MEDIA_TYPES = new Set(['application/vnd.dev.sigstore.bundle+json;version=0.1', 'application/vnd.dev.sigstore.bundle+json;version=0.2', BUNDLE_V03_MEDIA_TYPE]);

/** Sigstore's key hint: base64 of the SHA-256 of the SPKI DER (keyIdOf, re-encoded). */
export function keyHint(publicKey: KeyObject): string {
  return Buffer.from(keyIdOf(publicKey).slice('sha256:'.length), 'hex').toString('base64');
}

function verificationMaterial(publicKey: KeyObject) {
  return { publicKey: { hint: keyHint(publicKey) }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } };
}

/** A bundle for a signature over `message` (a simple-signing payload). */
export function messageSignatureBundle(message: Buffer, signature: Buffer, publicKey: KeyObject): Record<string, unknown> {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: verificationMaterial(publicKey),
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(message).digest('base64') },
      signature: signature.toString('base64'),
    },
  };
}

/** A bundle for a DSSE envelope (an attestation). */
export function dsseBundle(envelope: DsseEnvelope, publicKey: KeyObject): Record<string, unknown> {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: verificationMaterial(publicKey),
    dsseEnvelope: {
      payload: envelope.payload.toString('base64'),
      payloadType: envelope.payloadType,
      signatures: envelope.signatures.map((entry) => ({ sig: entry.sig.toString('base64'), keyid: entry.keyid })),
    },
  };
}

/**
 * Checks a key-based `messageSignature` bundle over `artifact`: the digest must be the artifact's
 * SHA-256 and a trusted key must have signed the artifact. Malformed bundles are reported, not thrown.
 */
export function verifyMessageSignatureBundle(bytes: Uint8Array, artifact: Buffer, keys: TrustedKey[], now = new Date()): Check {
  const fail = (reason: Check['reason'], message: string): Check => ({ valid: false, locations: ['bundle'], ...(reason !== undefined && { reason }), message });
  const issues = new Issues();
  let bundle;
  try {
    bundle = decodeJsonObject(bytes, 'Sigstore bundle');
  } catch (error) {
    return fail('malformed', (error as Error).message);
  }
  const mediaType = readString(bundle, 'mediaType', '', issues, true);
  const material = readObject(bundle.verificationMaterial, 'verificationMaterial', issues);
  const publicKey = material === undefined ? undefined : readObject(material.publicKey, 'verificationMaterial.publicKey', issues);
  const hint = publicKey === undefined ? undefined : readString(publicKey, 'hint', 'verificationMaterial.publicKey', issues, false);
  const messageSignature = readObject(bundle.messageSignature, 'messageSignature', issues);
  const messageDigest = messageSignature === undefined ? undefined : readObject(messageSignature.messageDigest, 'messageSignature.messageDigest', issues);
  const algorithm = messageDigest === undefined ? undefined : readString(messageDigest, 'algorithm', 'messageSignature.messageDigest', issues, true);
  const digestText = messageDigest === undefined ? undefined : readString(messageDigest, 'digest', 'messageSignature.messageDigest', issues, true);
  const signatureText = messageSignature === undefined ? undefined : readString(messageSignature, 'signature', 'messageSignature', issues, true);
  if (mediaType !== undefined && !BUNDLE_MEDIA_TYPES.has(mediaType)) issues.add('mediaType', `unknown bundle media type ${JSON.stringify(mediaType.slice(0, 100))}`);
  if (algorithm !== undefined && algorithm !== 'SHA2_256') issues.add('messageSignature.messageDigest.algorithm', `unsupported ${algorithm}`);
  try {
    issues.throwIfAny('Sigstore bundle');
  } catch (error) {
    return fail('malformed', (error as Error).message);
  }
  const digest = decodeBase64(digestText ?? '');
  const signature = decodeBase64(signatureText ?? '');
  if (digest === undefined || signature === undefined || signature.length === 0) return fail('malformed', 'digest or signature is not base64');
  if (!digest.equals(createHash('sha256').update(artifact).digest())) return fail('wrong-digest', 'the bundle signs another artifact');
  const hexHint = hint === undefined ? undefined : `sha256:${Buffer.from(hint, 'base64').toString('hex')}`;
  const match = matchKey(artifact, [{ signature, ...(hexHint !== undefined && { hint: hexHint }) }], keys, now);
  if ('reason' in match) return fail(match.reason, match.message);
  return { valid: true, locations: ['bundle'], message: `signed by ${match.key.name} (${match.key.keyId})`, keyName: match.key.name };
}
