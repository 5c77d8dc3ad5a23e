/**
 * Finding an image's signatures or attestations in a registry, in both layouts (tag scheme and OCI
 * 1.1 referrers), as candidates for the verifier. Everything read is untrusted: a manifest or blob
 * that cannot be read becomes a candidate carrying the problem, so the report can say why it failed
 * while the other candidates are still checked. The same layer found in both layouts is one
 * candidate with two locations.
 *
 * Reads go through an AttachmentReader, so the same code serves a remote registry (over HTTP) and
 * Portcullis's own store (in-process). Manifests and blobs are fetched concurrently but a bounded
 * number at a time; candidates come out in a stable order (tag first, then referrers as listed).
 */
import { PortcullisError } from '../core/index.ts';
import type { Descriptor } from '../oci/index.ts';
import { attachmentTag, parseAttachmentManifest } from './attachment-manifest.ts';
import type { AttachmentReader } from './attachment-reader.ts';
import { mapBounded } from './bounded.ts';
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
/** More attachments than this on one image is refused rather than fetched. */
const MAX_CANDIDATES = 500;
/** Reads in flight at once: enough to hide round trips, few enough not to flood a registry. */
const CONCURRENT_READS = 8;

type ReadManifest = { layers: Descriptor[]; subject?: Descriptor } | { problem: string } | undefined;

/** One place to look, with what was found there (or why it could not be read). */
interface Source {
  where: string;
  manifest: ReadManifest;
}

export async function collectCandidates(reader: AttachmentReader, repository: string, imageDigest: string, kind: AttachmentKind): Promise<Candidate[]> {
  const tag = attachmentTag(imageDigest, kind);
  const [tagged, referrers] = await Promise.all([
    readManifest(reader, repository, tag, `tag ${tag}`),
    reader.referrers(repository, imageDigest, ATTACHMENT[kind].artifactType),
  ]);
  if (referrers.length > MAX_CANDIDATES) throw new PortcullisError('LIMIT', `more than ${MAX_CANDIDATES} ${kind}s on ${imageDigest}`);

  const fromReferrers = await mapBounded(referrers, CONCURRENT_READS, async (referrer): Promise<Source> => {
    const where = `referrer ${referrer.digest}`;
    const manifest = await readManifest(reader, repository, referrer.digest, where);
    if (manifest !== undefined && !('problem' in manifest) && manifest.subject?.digest !== imageDigest) {
      return { where, manifest: { problem: `${where}: its subject is ${manifest.subject?.digest ?? 'missing'}, not ${imageDigest}` } };
    }
    return { where, manifest };
  });
  const sources: Source[] = [{ where: `tag ${tag}`, manifest: tagged }, ...fromReferrers];

  const found = await mapBounded(layersToRead(sources, kind), CONCURRENT_READS, (layer) => readLayer(reader, repository, layer));
  return merge([...unreadableSources(sources), ...found], kind, imageDigest);
}

/** A layer to fetch, with the key that makes the same layer in both layouts one candidate. */
interface LayerRead {
  descriptor: Descriptor;
  location: string;
  key: string;
  /** Position among all candidates, so the result order does not depend on fetch timing. */
  order: number;
}

interface Keyed {
  candidate: Candidate;
  key: string;
  order: number;
}

function layersToRead(sources: Source[], kind: AttachmentKind): LayerRead[] {
  const reads: LayerRead[] = [];
  for (const [sourceIndex, { where, manifest }] of sources.entries()) {
    if (manifest === undefined || 'problem' in manifest) continue;
    for (const [index, layer] of manifest.layers.entries()) {
      if (layer.mediaType !== ATTACHMENT[kind].layerMediaType) continue;
      const key = `${layer.digest} ${JSON.stringify(layer.annotations ?? {})}`;
      reads.push({ descriptor: layer, location: `${where} layer ${index}`, key, order: sourceIndex * 1_000_000 + index });
    }
  }
  return reads;
}

function unreadableSources(sources: Source[]): Keyed[] {
  const keyed: Keyed[] = [];
  for (const [sourceIndex, { where, manifest }] of sources.entries()) {
    if (manifest === undefined || !('problem' in manifest)) continue;
    keyed.push({ candidate: { bytes: Buffer.alloc(0), annotations: {}, locations: [where], problem: manifest.problem }, key: where, order: sourceIndex * 1_000_000 });
  }
  return keyed;
}

function merge(found: Keyed[], kind: AttachmentKind, imageDigest: string): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const { candidate, key } of found.sort((a, b) => a.order - b.order)) {
    const known = byKey.get(key);
    if (known !== undefined) known.locations.push(...candidate.locations);
    else if (byKey.size >= MAX_CANDIDATES) throw new PortcullisError('LIMIT', `more than ${MAX_CANDIDATES} ${kind}s on ${imageDigest}`);
    else byKey.set(key, candidate);
  }
  return [...byKey.values()];
}

async function readManifest(reader: AttachmentReader, repository: string, reference: string, where: string): Promise<ReadManifest> {
  try {
    const fetched = await reader.getManifest(repository, reference);
    return fetched === undefined ? undefined : parseAttachmentManifest(fetched.bytes);
  } catch (error) {
    if (!(error instanceof PortcullisError)) throw error;
    if (error.code === 'NOT_FOUND') return undefined;
    if (error.code === 'INPUT' || error.code === 'DIGEST_MISMATCH' || error.code === 'LIMIT') return { problem: `${where}: ${error.message}` };
    throw error;
  }
}

async function readLayer(reader: AttachmentReader, repository: string, layer: LayerRead): Promise<Keyed> {
  const annotations = layer.descriptor.annotations ?? {};
  try {
    if (layer.descriptor.size > MAX_LAYER_BYTES) {
      throw new PortcullisError('LIMIT', `declared size ${layer.descriptor.size} is more than the limit of ${MAX_LAYER_BYTES} bytes`);
    }
    const bytes = await reader.getBlob(repository, layer.descriptor.digest, MAX_LAYER_BYTES, layer.descriptor.size);
    return { candidate: { bytes, annotations, locations: [layer.location] }, key: layer.key, order: layer.order };
  } catch (error) {
    if (!(error instanceof PortcullisError) || error.code === 'NETWORK' || error.code === 'AUTH') throw error;
    const candidate = { bytes: Buffer.alloc(0), annotations, locations: [layer.location], problem: `${layer.location}: ${error.message}` };
    return { candidate, key: layer.key, order: layer.order };
  }
}
