/**
 * The names cosign gives things in a registry, which Portcullis reuses unchanged so that cosign,
 * policy-controller, Kyverno and other readers see Portcullis signatures as their own, and
 * Portcullis reads theirs.
 */

/** Layer media type of a simple-signing payload in a `.sig` manifest. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** Layer media type of a DSSE envelope in a `.att` manifest. */
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Layer annotation holding the base64 signature of the layer's payload. */
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** Layer annotation of a `.att` layer naming the statement's predicate type. */
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
/** Layer annotation cosign adds when the signature was logged in Rekor (kept as found, not required). */
export const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
/**
 * Layer annotation Portcullis adds: the signing key's id (keyIdOf). Readers that do not know it
 * ignore it; the verifier uses it only to tell "signed by another key" from "changed after signing".
 */
export const KEY_ID_ANNOTATION = 'dev.portcullis.signature/key-id';

/** artifactType of OCI 1.1 referrers holding signatures and attestations, as cosign writes them. */
export const SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const ATTESTATION_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.att.v1+json';

/** The OCI empty descriptor: the config of an artifact manifest that has none. */
export const EMPTY_CONFIG = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
} as const;
export const EMPTY_CONFIG_BYTES = Buffer.from('{}');

/** The two kinds of thing Portcullis attaches to an image. */
export type AttachmentKind = 'signature' | 'attestation';

/** Tag-scheme suffix and referrer artifactType of each kind. */
export const ATTACHMENT = {
  signature: { suffix: 'sig', artifactType: SIGNATURE_ARTIFACT_TYPE, layerMediaType: SIMPLE_SIGNING_MEDIA_TYPE },
  attestation: { suffix: 'att', artifactType: ATTESTATION_ARTIFACT_TYPE, layerMediaType: DSSE_MEDIA_TYPE },
} as const satisfies Record<AttachmentKind, { suffix: string; artifactType: string; layerMediaType: string }>;
