/**
 * Image manifests (OCI image manifest v1 and Docker schema 2), validated from untrusted bytes.
 * Malformed fields are INPUT errors, reported together; well-formed documents of a kind Portcullis
 * cannot read (artifacts, unknown layer types, schema 1) are UNSUPPORTED.
 */
import { type Descriptor, parseDescriptor } from './descriptor.ts';
import { decodeJsonObject } from './json.ts';
import { CONFIG_MEDIA_TYPES, OCI_MANIFEST, isLayerMediaType, isManifestMediaType } from './media-types.ts';
import { checkSchemaVersion, refuseSchema1, unsupported } from './schema.ts';
import { Issues, join, readArray, readMediaType, readStringMap } from './validate.ts';

export interface ImageManifest {
  schemaVersion: 2;
  /** The document's own mediaType, or the OCI manifest type when the field is absent. */
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ParseOptions {
  /** Largest document accepted, in bytes (ReadLimits.maxManifestBytes). */
  maxBytes?: number;
}

export function parseManifest(bytes: Uint8Array, options: ParseOptions = {}): ImageManifest {
  const object = decodeJsonObject(bytes, 'image manifest', options.maxBytes);
  refuseSchema1(object, 'image manifest');
  return validateManifest(object);
}

/** Validates an already-decoded manifest object (for callers that had to look inside first). */
export function validateManifest(object: Record<string, unknown>, issues = new Issues()): ImageManifest {
  const what = 'image manifest';
  checkSchemaVersion(object, issues);
  const mediaType = readMediaType(object, 'mediaType', '', issues, false) ?? OCI_MANIFEST;
  const artifactType = readMediaType(object, 'artifactType', '', issues, false);
  const config = parseDescriptor(object.config, 'config', issues);
  const layers = (readArray(object, 'layers', '', issues, true) ?? []).map((layer, index) =>
    parseDescriptor(layer, join('layers', index), issues),
  );
  const subject = object.subject === undefined ? undefined : parseDescriptor(object.subject, 'subject', issues);
  const annotations = readStringMap(object, 'annotations', '', issues);
  issues.throwIfAny(what);
  if (config === undefined) throw new Error('unreachable: config descriptor recorded no issue');
  const validLayers = layers.filter((layer): layer is Descriptor => layer !== undefined);

  const problems: string[] = [];
  if (!isManifestMediaType(mediaType)) problems.push(`unknown manifest media type ${mediaType}`);
  if (!CONFIG_MEDIA_TYPES.has(config.mediaType)) {
    problems.push(`config media type ${config.mediaType} is not a container image config (an OCI artifact?)`);
  }
  validLayers.forEach((layer, index) => {
    if (!isLayerMediaType(layer.mediaType)) problems.push(`layers[${index}] has unknown media type ${layer.mediaType}`);
  });
  if (problems.length > 0) throw unsupported(`unsupported ${what}`, problems);

  return {
    schemaVersion: 2,
    mediaType,
    ...(artifactType && { artifactType }),
    config,
    layers: validLayers,
    ...(subject && { subject }),
    ...(annotations && { annotations }),
  };
}
