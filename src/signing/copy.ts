/**
 * Copying an image with everything attached to it, so replication never loses signatures: the
 * image (manifest or index with its manifests, and every blob, streamed), then for the image and
 * each manifest of an index the cosign tag-scheme attachments (`.sig`, `.att`, `.sbom`) and every
 * OCI 1.1 referrer (recorded in the destination's referrers tag when it has no referrers API).
 * Manifests are copied byte for byte, so every digest and signature stays valid.
 */
import { PortcullisError, digestHex } from '../core/index.ts';
import { OCI_MANIFEST, isIndexMediaType, parseIndex, type Descriptor } from '../oci/index.ts';
import { addToReferrersTag, listReferrers, type RegistryClient } from '../registry-client/index.ts';
import { parseAttachmentManifest } from './attachment-manifest.ts';

export interface CopyEnd {
  client: RegistryClient;
  repository: string;
  domain: string;
}

export interface CopyResult {
  digest: string;
  /** Every manifest copied, with the tag it was copied under when it had one. */
  manifests: Array<{ digest: string; tag?: string; role: 'image' | 'attachment' | 'referrer' }>;
}

/** cosign's tag-scheme suffixes: signatures, attestations, attached SBOMs. */
const ATTACHMENT_SUFFIXES = ['sig', 'att', 'sbom'];
/** Referrers of referrers (signatures on an SBOM) are followed this deep. */
const MAX_REFERRER_DEPTH = 3;

export async function copyImage(source: CopyEnd, reference: string, destination: CopyEnd, destinationTag: string | undefined): Promise<CopyResult> {
  const result: CopyResult = { digest: '', manifests: [] };
  const root = await copyManifest(source, reference, destination, destinationTag, result, 'image');
  result.digest = root.digest;
  const subjects = [root.digest, ...root.children];
  for (const subject of subjects) await copyAttachments(source, destination, subject, result, 0);
  return result;
}

/** Copies one manifest (with its blobs, or for an index its manifests first) under `tag` or its digest. */
async function copyManifest(
  source: CopyEnd,
  reference: string,
  destination: CopyEnd,
  tag: string | undefined,
  result: CopyResult,
  role: CopyResult['manifests'][number]['role'],
): Promise<{ digest: string; children: string[]; subjectProcessed: boolean }> {
  const fetched = await source.client.getManifest(source.repository, reference);
  const mediaType = fetched.mediaType || OCI_MANIFEST;
  const children: string[] = [];
  if (isIndexMediaType(mediaType)) {
    for (const entry of parseIndex(fetched.bytes).manifests) {
      const child = await copyManifest(source, entry.digest, destination, undefined, result, role);
      children.push(child.digest, ...child.children);
    }
  } else {
    const manifest = parseAttachmentManifest(fetched.bytes);
    for (const blob of [manifest.config, ...manifest.layers]) await copyBlob(source, destination, blob);
  }
  const pushed = await destination.client.pushManifest(destination.repository, tag ?? fetched.digest, fetched.bytes, mediaType);
  result.manifests.push({ digest: fetched.digest, ...(tag !== undefined && { tag }), role });
  return { digest: fetched.digest, children, subjectProcessed: pushed.subjectProcessed };
}

async function copyBlob(source: CopyEnd, destination: CopyEnd, blob: Descriptor): Promise<void> {
  if (blob.urls !== undefined && blob.urls.length > 0) return; // foreign layers live elsewhere by design
  const sameRegistry = source.domain === destination.domain;
  await destination.client.pushBlob(
    destination.repository,
    { digest: blob.digest, size: blob.size, open: async () => source.client.openBlob(source.repository, { digest: blob.digest, size: blob.size }) },
    sameRegistry ? { mountFrom: source.repository } : {},
  );
}

async function copyAttachments(source: CopyEnd, destination: CopyEnd, subject: string, result: CopyResult, depth: number): Promise<void> {
  for (const suffix of ATTACHMENT_SUFFIXES) {
    const tag = `${subject.slice(0, subject.indexOf(':'))}-${digestHex(subject)}.${suffix}`;
    if (!(await source.client.hasManifest(source.repository, tag))) continue;
    await copyManifest(source, tag, destination, tag, result, 'attachment');
  }
  const referrers = await listReferrers(source.client, source.repository, subject);
  for (const referrer of referrers.descriptors) {
    const copied = await copyManifest(source, referrer.digest, destination, undefined, result, 'referrer');
    if (copied.digest !== referrer.digest) throw new PortcullisError('DIGEST_MISMATCH', `referrer ${referrer.digest} changed while copying`);
    // A registry without the referrers API learns about the referrer only through the tag.
    if (!copied.subjectProcessed) await addToReferrersTag(destination.client, destination.repository, subject, referrer);
    if (depth + 1 < MAX_REFERRER_DEPTH) await copyAttachments(source, destination, referrer.digest, result, depth + 1);
  }
}
