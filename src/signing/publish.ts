/**
 * Storing a signed payload next to its image in both layouts readers look in: cosign's tag scheme
 * (appending a layer to `sha256-<hex>.sig|.att`) and an OCI 1.1 referrer (recorded in the referrers
 * tag too when the registry does not index `subject` itself). Works against any OCI registry.
 */
import { PortcullisError, inputError } from '../core/index.ts';
import { OCI_MANIFEST, type Descriptor } from '../oci/index.ts';
import { addToReferrersTag, type RegistryClient } from '../registry-client/index.ts';
import { attachmentTag, parseAttachmentManifest, referrerManifest, tagSchemeManifest, type BuiltManifest } from './attachment-manifest.ts';
import { ATTACHMENT, type AttachmentKind } from './media-types.ts';

export interface Attachment {
  kind: AttachmentKind;
  /** The simple-signing payload or the DSSE envelope. */
  bytes: Buffer;
  /** Layer annotations: the signature (for `.sig`) or the predicate type (for `.att`), key id. */
  annotations: Record<string, string>;
}

export interface PublishedAttachment {
  /** `sha256-<hex>.sig` or `.att`, and the digest it now points to. */
  tag: string;
  tagManifestDigest: string;
  referrerDigest: string;
  /** Whether the registry indexes referrers itself (else the referrers tag was updated). */
  registryIndexesReferrers: boolean;
}

export async function publishAttachment(client: RegistryClient, repository: string, subject: Descriptor, attachment: Attachment): Promise<PublishedAttachment> {
  const layerBlob = await client.pushBlob(repository, attachment.bytes);
  const layer: Descriptor = {
    mediaType: ATTACHMENT[attachment.kind].layerMediaType,
    size: layerBlob.size,
    digest: layerBlob.digest,
    annotations: attachment.annotations,
  };

  const tag = attachmentTag(subject.digest, attachment.kind);
  const existing = await readExistingLayers(client, repository, tag);
  const tagged = tagSchemeManifest(existing, layer);
  await pushBuilt(client, repository, tag, tagged);

  const referrer = referrerManifest(attachment.kind, layer, subject);
  const pushed = await pushBuilt(client, repository, referrer.digest, referrer);
  if (!pushed.subjectProcessed) {
    await addToReferrersTag(client, repository, subject.digest, {
      mediaType: OCI_MANIFEST,
      digest: referrer.digest,
      size: referrer.bytes.length,
      artifactType: ATTACHMENT[attachment.kind].artifactType,
    });
  }
  return { tag, tagManifestDigest: tagged.digest, referrerDigest: referrer.digest, registryIndexesReferrers: pushed.subjectProcessed };
}

async function pushBuilt(client: RegistryClient, repository: string, reference: string, built: BuiltManifest) {
  await client.pushBlob(repository, built.config);
  return client.pushManifest(repository, reference, built.bytes, OCI_MANIFEST);
}

/** Layers of the current tag-scheme manifest, or none when the tag does not exist yet. */
async function readExistingLayers(client: RegistryClient, repository: string, tag: string): Promise<Descriptor[]> {
  try {
    const fetched = await client.getManifest(repository, tag);
    return parseAttachmentManifest(fetched.bytes).layers;
  } catch (error) {
    if (error instanceof PortcullisError && error.code === 'NOT_FOUND') return [];
    // Overwriting it would drop whatever it holds; someone has to look at it first.
    if (error instanceof PortcullisError && error.code === 'INPUT') throw inputError(`${repository}:${tag} is not a signature manifest; refusing to overwrite it (${error.message})`, error);
    throw error;
  }
}
