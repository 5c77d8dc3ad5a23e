/**
 * The signing operations behind `sign`, `attest`, `verify` and `verify-attestation`: build the
 * payload, have the Signer sign it, publish it in both layouts; or collect what is published and
 * verify it. Keys come in as a Signer or as TrustedKeys: how they are opened is the keys module's job.
 */
import { PortcullisError } from '../core/index.ts';
import { registryClientReader } from './attachment-reader.ts';
import { collectCandidates } from './collect.ts';
import { pae, serializeEnvelope } from './dsse.ts';
import { buildStatement } from './in-toto.ts';
import type { Signer } from './keys/index.ts';
import { IN_TOTO_PAYLOAD_TYPE, KEY_ID_ANNOTATION, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION } from './media-types.ts';
import { publishAttachment, type Attachment, type PublishedAttachment } from './publish.ts';
import type { VerificationReport } from './report.ts';
import { buildSimpleSigningPayload } from './simple-signing.ts';
import type { ImageTarget } from './target.ts';
import { verifyAttestationCandidates, verifySignatureCandidates, type VerifyOptions } from './verify.ts';

export interface SignedImage extends PublishedAttachment {
  digest: string;
  /** The payload or envelope that was signed and stored. */
  payload: Buffer;
  signature: Buffer;
}

function subjectOf(target: ImageTarget) {
  if (target.descriptor === undefined) throw new PortcullisError('INTERNAL', `${target.name}@${target.digest}: manifest was not fetched before signing`);
  return target.descriptor;
}

/** A signed attachment before it is stored: what was signed, the signature, and the layer to store. */
export interface SignedAttachment {
  attachment: Attachment;
  /** The payload or envelope that was signed and stored. */
  payload: Buffer;
  signature: Buffer;
}

/** cosign's simple-signing payload for `name@digest`, signed by `signer`, as a `.sig` layer. */
export async function signatureAttachment(name: string, digest: string, signer: Signer, annotations: Record<string, string> = {}): Promise<SignedAttachment> {
  const payload = buildSimpleSigningPayload(name, digest, annotations);
  const signature = await signer.sign(payload);
  const layerAnnotations = { [SIGNATURE_ANNOTATION]: signature.toString('base64'), [KEY_ID_ANNOTATION]: signer.keyId };
  return { attachment: { kind: 'signature', bytes: payload, annotations: layerAnnotations }, payload, signature };
}

/** An in-toto statement about `name@digest` in a DSSE envelope signed by `signer`, as a `.att` layer. */
export async function attestationAttachment(name: string, digest: string, signer: Signer, predicateType: string, predicate: unknown): Promise<SignedAttachment> {
  const statement = buildStatement({ name, digest }, predicateType, predicate);
  const signature = await signer.sign(pae(IN_TOTO_PAYLOAD_TYPE, statement));
  const envelope = serializeEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [{ keyid: signer.keyId, sig: signature }]);
  return { attachment: { kind: 'attestation', bytes: envelope, annotations: { [PREDICATE_TYPE_ANNOTATION]: predicateType } }, payload: envelope, signature };
}

export async function signImage(target: ImageTarget, signer: Signer, annotations: Record<string, string> = {}): Promise<SignedImage> {
  const signed = await signatureAttachment(target.name, target.digest, signer, annotations);
  const published = await publishAttachment(target.client, target.repository, subjectOf(target), signed.attachment);
  return { ...published, digest: target.digest, payload: signed.payload, signature: signed.signature };
}

export async function attestImage(target: ImageTarget, signer: Signer, predicateType: string, predicate: unknown): Promise<SignedImage> {
  const signed = await attestationAttachment(target.name, target.digest, signer, predicateType, predicate);
  const published = await publishAttachment(target.client, target.repository, subjectOf(target), signed.attachment);
  return { ...published, digest: target.digest, payload: signed.payload, signature: signed.signature };
}

type VerifyImageOptions = Omit<VerifyOptions, 'digest' | 'repository'>;

export async function verifyImageSignatures(target: ImageTarget, options: VerifyImageOptions): Promise<VerificationReport> {
  const candidates = await collectCandidates(registryClientReader(target.client), target.repository, target.digest, 'signature');
  return verifySignatureCandidates(candidates, { ...options, digest: target.digest, repository: target.name });
}

export async function verifyImageAttestations(target: ImageTarget, options: VerifyImageOptions): Promise<VerificationReport> {
  const candidates = await collectCandidates(registryClientReader(target.client), target.repository, target.digest, 'attestation');
  return verifyAttestationCandidates(candidates, { ...options, digest: target.digest, repository: target.name });
}
