/**
 * Manifest uploads (`PUT /v2/<name>/manifests/<tag or digest>`): the bytes go up exactly as given
 * (a signature covers them), with their media type as Content-Type, and the digest the registry
 * answers with must be the digest of those bytes. A registry that processed a `subject` field says
 * so with the `OCI-Subject` header: then it serves the referrers API and no referrers tag is needed.
 */
import { PortcullisError, inputError, isDigest, isTag, sha256Digest } from '../core/index.ts';
import type { RegistrySession } from './session.ts';

export interface PushedManifest {
  digest: string;
  /** The registry answered with OCI-Subject: it indexes referrers itself. */
  subjectProcessed: boolean;
}

export async function pushManifest(session: RegistrySession, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<PushedManifest> {
  const digest = sha256Digest(bytes);
  if (isDigest(reference)) {
    if (reference !== digest) throw inputError(`pushing manifest: its bytes hash to ${digest}, not to the reference ${reference}`);
  } else if (!isTag(reference)) {
    throw inputError(`invalid manifest reference ${JSON.stringify(reference.slice(0, 100))}`);
  }
  const what = `pushing manifest ${reference}`;
  const response = await session.request({
    method: 'PUT',
    repository,
    actions: ['pull', 'push'],
    path: `/v2/${repository}/manifests/${reference}`,
    headers: { 'content-type': mediaType },
    body: bytes,
    accept: (status) => status === 201 || status === 200 || status === 204,
    what,
  });
  await response.body?.cancel().catch(() => {});
  const stored = response.headers.get('docker-content-digest')?.trim();
  if (stored !== undefined && stored !== '' && stored !== digest) {
    throw new PortcullisError('DIGEST_MISMATCH', `${session.describe(what, repository)}: the registry stored ${stored.slice(0, 80)}, expected ${digest}`);
  }
  return { digest, subjectProcessed: response.headers.has('oci-subject') };
}
