/**
 * The manifests that carry signatures and attestations, in cosign's two layouts:
 *
 * - tag scheme: an OCI image manifest tagged `sha256-<hex>.sig` (or `.att`) in the image's
 *   repository; each layer is one payload (simple-signing JSON or DSSE envelope) with its signature
 *   in the layer annotations. New signatures are appended as layers; existing ones are never dropped.
 *   The config is a minimal image config listing the layers as diff_ids, as cosign writes it.
 * - OCI 1.1 referrer: an artifact manifest (artifactType, empty config) with one layer and
 *   `subject` = the image's descriptor, found through the referrers API or referrers tag.
 *
 * Manifests read back are untrusted: they are validated here, layer by layer.
 */
import { digestHex, sha256Digest } from '../core/index.ts';
import { decodeJsonObject, Issues, OCI_CONFIG, OCI_MANIFEST, joinPath as join, parseDescriptor, readArray, readMediaType, type Descriptor } from '../oci/index.ts';
import { ATTACHMENT, EMPTY_CONFIG, type AttachmentKind } from './media-types.ts';

export interface AttachmentManifest {
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
}

export interface BuiltManifest {
  bytes: Buffer;
  digest: string;
  /** The config blob to push before the manifest. */
  config: Buffer;
}

/** `sha256-<hex>.sig` / `.att`: where cosign's tag scheme keeps an image's attachments. */
export function attachmentTag(imageDigest: string, kind: AttachmentKind): string {
  return `${imageDigest.slice(0, imageDigest.indexOf(':'))}-${digestHex(imageDigest)}.${ATTACHMENT[kind].suffix}`;
}

export function parseAttachmentManifest(bytes: Uint8Array): AttachmentManifest {
  const what = 'signature manifest';
  const object = decodeJsonObject(bytes, what);
  const issues = new Issues();
  const artifactType = readMediaType(object, 'artifactType', '', issues, false);
  const config = parseDescriptor(object.config, 'config', issues);
  const layers = (readArray(object, 'layers', '', issues, true) ?? []).map((layer, index) => parseDescriptor(layer, join('layers', index), issues));
  const subject = object.subject === undefined ? undefined : parseDescriptor(object.subject, 'subject', issues);
  issues.throwIfAny(what);
  return {
    ...(artifactType !== undefined && { artifactType }),
    config: config as Descriptor,
    layers: layers.filter((layer): layer is Descriptor => layer !== undefined),
    ...(subject !== undefined && { subject }),
  };
}

/** The tag-scheme manifest after appending `layer` to `existing` layers (a same-content layer is replaced, not doubled). */
export function tagSchemeManifest(existing: Descriptor[], layer: Descriptor): BuiltManifest {
  const layers = [...existing.filter((entry) => !sameLayer(entry, layer)), layer];
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((entry) => entry.digest) },
      config: {},
    }),
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, size: config.length, digest: sha256Digest(config) },
    layers,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { bytes, digest: sha256Digest(bytes), config };
}

/** A layer with the same payload and the same annotations is the same signature. */
function sameLayer(a: Descriptor, b: Descriptor): boolean {
  return a.digest === b.digest && JSON.stringify(a.annotations ?? {}) === JSON.stringify(b.annotations ?? {});
}

/** An OCI 1.1 artifact manifest holding one attachment layer, pointing at `subject`. */
export function referrerManifest(kind: AttachmentKind, layer: Descriptor, subject: Descriptor, annotations: Record<string, string> = {}): BuiltManifest {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: ATTACHMENT[kind].artifactType,
    config: EMPTY_CONFIG,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...(Object.keys(annotations).length > 0 && { annotations }),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { bytes, digest: sha256Digest(bytes), config: Buffer.from('{}') };
}
