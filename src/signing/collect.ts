/**
 * Finding an image's signatures or attestations in a registry, in both layouts (tag scheme and OCI
 * 1.1 referrers), as candidates for the verifier. Everything read is untrusted: a manifest or blob
 * that cannot be read becomes a candidate carrying the problem, so the report can say why it failed
 * while the other candidates are still checked. The same layer found in both layouts is one
 * candidate with two locations.
 */
import { PortcullisError } from '../core/index.ts';
import type { Descriptor } from '../oci/index.ts';
import { listReferrers, type RegistryClient } from '../registry-client/index.ts';
import { attachmentTag, parseAttachmentManifest } from './attachment-manifest.ts';
import { ATTACHMENT, type AttachmentKind } from './media-types.ts';

export interface Candidate {
  /** The layer: simple-signing payload or DSSE envelope (empty when `problem` is set). */
  bytes: Buffer;
  /** The layer's annotations as found. */
  annotations: Record<string, string>;
  /** Where it was found: "tag sha256-....sig layer 0", "referrer sha256:...". */
  locations: string[];
  /** Set when the candidate could not even be read. */
  problem?: string;
}

/** Largest payload or envelope read; real ones are a few kilobytes (SBOM attestations larger). */
const MAX_LAYER_BYTES = 32 * 1024 * 1024;
/** More attachments than this on one image is refused rather than fetched one by one. */
const MAX_CANDIDATES = 500;

export async function collectCandidates(client: RegistryClient, repository: string, imageDigest: string, kind: AttachmentKind): Promise<Candidate[]> {
  const byKey = new Map<string, Candidate>();
  const add = (candidate: Candidate, key: string) => {
    const known = byKey.get(key);
    if (known !== undefined) known.locations.push(...candidate.locations);
    else if (byKey.size >= MAX_CANDIDATES) throw new PortcullisError('LIMIT', `more than ${MAX_CANDIDATES} ${kind}s on ${imageDigest}`);
    else byKey.set(key, candidate);
  };

  const tag = attachmentTag(imageDigest, kind);
  const tagged = await readManifest(client, repository, tag, `tag ${tag}`);
  if (tagged !== undefined && 'problem' in tagged) add(unreadable(`tag ${tag}`, tagged.problem), tag);
  else if (tagged !== undefined) await addLayers(client, repository, kind, tagged, `tag ${tag}`, add);

  const referrers = await listReferrers(client, repository, imageDigest, ATTACHMENT[kind].artifactType);
  for (const referrer of referrers.descriptors) {
    const where = `referrer ${referrer.digest}`;
    const manifest = await readManifest(client, repository, referrer.digest, where);
    if (manifest === undefined) continue;
    if ('problem' in manifest) {
      add(unreadable(where, manifest.problem), where);
    } else if (manifest.subject?.digest !== imageDigest) {
      add(unreadable(where, `${where}: its subject is ${manifest.subject?.digest ?? 'missing'}, not ${imageDigest}`), where);
    } else {
      await addLayers(client, repository, kind, manifest, where, add);
    }
  }
  return [...byKey.values()];
}

function unreadable(where: string, problem: string): Candidate {
  return { bytes: Buffer.alloc(0), annotations: {}, locations: [where], problem };
}

type ReadManifest = { layers: Descriptor[]; subject?: Descriptor } | { problem: string } | undefined;

async function readManifest(client: RegistryClient, repository: string, reference: string, where: string): Promise<ReadManifest> {
  try {
    const fetched = await client.getManifest(repository, reference);
    return parseAttachmentManifest(fetched.bytes);
  } catch (error) {
    if (!(error instanceof PortcullisError)) throw error;
    if (error.code === 'NOT_FOUND') return undefined;
    if (error.code === 'INPUT' || error.code === 'DIGEST_MISMATCH' || error.code === 'LIMIT') return { problem: `${where}: ${error.message}` };
    throw error;
  }
}

async function addLayers(
  client: RegistryClient,
  repository: string,
  kind: AttachmentKind,
  manifest: { layers: Descriptor[] },
  where: string,
  add: (candidate: Candidate, key: string) => void,
): Promise<void> {
  for (const [index, layer] of manifest.layers.entries()) {
    if (layer.mediaType !== ATTACHMENT[kind].layerMediaType) continue;
    const location = `${where} layer ${index}`;
    const annotations = layer.annotations ?? {};
    const key = `${layer.digest} ${JSON.stringify(annotations)}`;
    try {
      const bytes = await client.getBlob(repository, { digest: layer.digest, size: layer.size }, MAX_LAYER_BYTES);
      add({ bytes, annotations, locations: [location] }, key);
    } catch (error) {
      if (!(error instanceof PortcullisError) || error.code === 'NETWORK' || error.code === 'AUTH') throw error;
      add({ bytes: Buffer.alloc(0), annotations, locations: [location], problem: `${location}: ${error.message}` }, key);
    }
  }
}
