/**
 * Occurrences other parts of the server record as they act: ATTESTATION when the server-side signer
 * signs an image, DEPLOYMENT when admission lets an image run. Inputs come from Portcullis itself,
 * but they are still checked (the occurrence is validated like any API body).
 */
import { projectOf } from '../auth/index.ts';
import { inputError, parseDigest } from '../core/index.ts';
import { type Occurrence, SYSTEM_AUTHOR } from './model.ts';
import { imageResourceUri, parseImageResourceUri } from './names.ts';
import { DEPLOYMENT_NOTE, attestorNote, deploymentNote, ensureProviderNote } from './provider-notes.ts';
import type { MetadataStore } from './store.ts';

export interface AttestationRecord {
  repository: string;
  /** The signed image manifest. */
  digest: string;
  /** `sha256:<hex>` of the signing key's SubjectPublicKeyInfo. */
  keyFingerprint: string;
  /** Digest of the stored signature (cosign signature manifest or referrer). */
  signatureDigest: string;
  /** The signed payload bytes (simple-signing JSON or in-toto statement), when at hand. */
  payload?: Uint8Array;
  /** The raw signature over the payload, when at hand. */
  signature?: Uint8Array;
}

/**
 * Records that `keyFingerprint` signed the image: one ATTESTATION occurrence per image, key and
 * signature, pointing at the provider note of the key (`attestor-<fingerprint prefix>`). Without the
 * payload, serializedPayload holds a small JSON reference to the stored signature.
 */
export function recordAttestation(store: MetadataStore, host: string, record: AttestationRecord): Occurrence {
  const digest = parseDigest(record.digest, 'image digest');
  const keyFingerprint = parseDigest(record.keyFingerprint, 'key fingerprint');
  const signatureDigest = parseDigest(record.signatureDigest, 'signature digest');
  const resourceUri = imageResourceUri(host, record.repository, digest);
  if (parseImageResourceUri(resourceUri) === undefined) throw inputError(`invalid repository ${JSON.stringify(record.repository.slice(0, 200))} or registry host ${JSON.stringify(host)}`);
  const note = attestorNote(keyFingerprint);
  const noteName = ensureProviderNote(store, note.id, note.body);
  const payload = record.payload ?? new TextEncoder().encode(JSON.stringify({ image: resourceUri, signatureDigest, keyFingerprint }));
  const body = {
    resourceUri,
    noteName,
    kind: 'ATTESTATION',
    attestation: {
      serializedPayload: Buffer.from(payload).toString('base64'),
      signatures: [{ publicKeyId: keyFingerprint, ...(record.signature !== undefined && { signature: Buffer.from(record.signature).toString('base64') }) }],
    },
  };
  const key = `attestation\u0000${resourceUri}\u0000${keyFingerprint}\u0000${signatureDigest}`;
  return store.occurrences.upsert(projectOf(record.repository), key, body, SYSTEM_AUTHOR).occurrence;
}

export interface DeploymentRecord {
  /** The image admitted, as `https://{host}/{repository}@{digest}`. */
  resourceUri: string;
  cluster: string;
  namespace: string;
  /** The workload, `Kind/name` (`Deployment/web`). */
  workload: string;
  /** Admitted against policy by a break-glass annotation. */
  breakGlass?: boolean;
  /** Why (the break-glass justification, or the deciding rule). */
  reason?: string;
  /** Who asked (the Kubernetes user of the AdmissionReview). */
  user?: string;
  /** When; defaults to now. */
  deployTime?: Date;
}

/**
 * Records an admitted deployment: one DEPLOYMENT occurrence per image, cluster, namespace and
 * workload; a later admission of the same writes a new revision (history keeps every rollout).
 * `config` holds the Portcullis facts as JSON: cluster, namespace, workload, breakGlass, reason.
 */
export function recordDeployment(store: MetadataStore, record: DeploymentRecord): Occurrence {
  const image = parseImageResourceUri(record.resourceUri);
  if (image === undefined) throw inputError(`invalid image resourceUri ${JSON.stringify(record.resourceUri.slice(0, 200))}: expected https://HOST/REPOSITORY@DIGEST`);
  for (const [field, value] of Object.entries({ cluster: record.cluster, namespace: record.namespace, workload: record.workload })) {
    if (value === '' || value.length > 253) throw inputError(`deployment ${field} must be 1 to 253 characters`);
  }
  const noteName = ensureProviderNote(store, DEPLOYMENT_NOTE, deploymentNote);
  const config = { cluster: record.cluster, namespace: record.namespace, workload: record.workload, breakGlass: record.breakGlass === true, ...(record.reason !== undefined && { reason: record.reason }) };
  const body = {
    resourceUri: record.resourceUri,
    noteName,
    kind: 'DEPLOYMENT',
    deployment: {
      ...(record.user !== undefined && { userEmail: record.user }),
      deployTime: (record.deployTime ?? new Date()).toISOString(),
      config: JSON.stringify(config),
      address: record.cluster,
      resourceUri: [record.resourceUri],
      platform: 'CUSTOM',
    },
  };
  const key = `deployment\u0000${record.resourceUri}\u0000${record.cluster}\u0000${record.namespace}\u0000${record.workload}`;
  return store.occurrences.upsert(projectOf(image.repository), key, body, SYSTEM_AUTHOR).occurrence;
}
