/**
 * The signing operations behind `sign`, `attest`, `verify` and `verify-attestation`: build the
 * payload, have the Signer sign it, publish it in both layouts; or collect what is published and
 * verify it. Keys come in as a Signer or as TrustedKeys: how they are opened is the keys module's job.
 */
import { PortcullisError } from '../core/index.ts';
import { collectCandidates } from './collect.ts';
import { pae, serializeEnvelope } from './dsse.ts';
import { buildStatement } from './in-toto.ts';
import type { Signer } from './keys/index.ts';
import { IN_TOTO_PAYLOAD_TYPE, KEY_ID_ANNOTATION, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION } from './media-types.ts';
import { publishAttachment, type PublishedAttachment } from './publish.ts';
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

export async function signImage(target: ImageTarget, signer: Signer, annotations: Record<string, string> = {}): Promise<SignedImage> {
  const payload = buildSimpleSigningPayload(target.name, target.digest, annotations);
  const signature = await signer.sign(payload);
  const published = await publishAttachment(target.client, target.repository, subjectOf(target), {
    kind: 'signature',
    bytes: payload,
    annotations: { [SIGNATURE_ANNOTATION]: signature.toString('base64'), [KEY_ID_ANNOTATION]: signer.keyId },
  });
  return { ...published, digest: target.digest, payload, signature };
}

export async function attestImage(target: ImageTarget, signer: Signer, predicateType: string, predicate: unknown): Promise<SignedImage> {
  const statement = buildStatement({ name: target.name, digest: target.digest }, predicateType, predicate);
  const signature = await signer.sign(pae(IN_TOTO_PAYLOAD_TYPE, statement));
  const envelope = serializeEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [{ keyid: signer.keyId, sig: signature }]);
  const published = await publishAttachment(target.client, target.repository, subjectOf(target), {
    kind: 'attestation',
    bytes: envelope,
    annotations: { [PREDICATE_TYPE_ANNOTATION]: predicateType },
  });
  return { ...published, digest: target.digest, payload: envelope, signature };
}

type VerifyImageOptions = Omit<VerifyOptions, 'digest' | 'repository'>;

export async function verifyImageSignatures(target: ImageTarget, options: VerifyImageOptions): Promise<VerificationReport> {
  const candidates = await collectCandidates(target.client, target.repository, target.digest, 'signature');
  return verifySignatureCandidates(candidates, { ...options, digest: target.digest, repository: target.name });
}

export async function verifyImageAttestations(target: ImageTarget, options: VerifyImageOptions): Promise<VerificationReport> {
  const candidates = await collectCandidates(target.client, target.repository, target.digest, 'attestation');
  return verifyAttestationCandidates(candidates, { ...options, digest: target.digest, repository: target.name });
}
