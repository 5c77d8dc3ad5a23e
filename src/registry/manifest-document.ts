/**
 * Validation of a pushed manifest or index before anything is stored. A registry holds more than
 * runnable images (signatures, SBOMs, other OCI artifacts), so image manifests are read leniently:
 * any config and layer media type, as the distribution spec allows; indexes go through
 * src/oci's parseIndex. What comes out is what the registry needs: the kind, what the document
 * references, its subject and artifact type.
 */
import { isPortcullisError } from '../core/index.ts';
import {
  DOCKER_MANIFEST,
  type Descriptor,
  Issues,
  OCI_INDEX,
  OCI_MANIFEST,
  SCHEMA1_MEDIA_TYPES,
  decodeJsonObject,
  isIndexMediaType,
  isJsonObject,
  isManifestMediaType,
  joinPath,
  parseDescriptor,
  parseIndex,
  readArray,
  readMediaType,
  readStringMap,
} from '../oci/index.ts';
import { RegistryError } from './errors.ts';

export interface PushedDocument {
  kind: 'manifest' | 'index';
  mediaType: string;
  /** What referrers report: artifactType, else an image manifest's config media type. */
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
  /** Blobs the document needs (config and layers); must exist in the repository. */
  blobs: Descriptor[];
  /** Manifests the document needs (an index's entries); must exist in the repository. */
  manifests: Descriptor[];
}

function invalid(message: string, cause?: unknown): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message, { cause });
}

/** The media type named by a Content-Type header, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const value = contentType?.split(';')[0]?.trim().toLowerCase();
  return value === '' ? undefined : value;
}

function kindOf(mediaType: string): PushedDocument['kind'] | undefined {
  if (isManifestMediaType(mediaType)) return 'manifest';
  if (isIndexMediaType(mediaType)) return 'index';
  return undefined;
}

/**
 * Parses a pushed document. The kind comes from the body's mediaType, else the Content-Type, else
 * the document's shape; a body whose mediaType contradicts the Content-Type is refused.
 */
export function parsePushedDocument(bytes: Uint8Array, contentType: string | undefined, maxBytes: number): PushedDocument {
  let object: Record<string, unknown>;
  try {
    object = decodeJsonObject(bytes, 'manifest', maxBytes);
  } catch (error) {
    throw invalid(isPortcullisError(error) ? error.message : 'manifest is not valid JSON', error);
  }
  const declared = typeof object.mediaType === 'string' ? object.mediaType : undefined;
  const header = mediaTypeOf(contentType);
  if (object.schemaVersion === 1 || (declared !== undefined && SCHEMA1_MEDIA_TYPES.has(declared))) {
    throw new RegistryError('UNSUPPORTED', 'Docker schema 1 manifests are not accepted; push with a current client');
  }
  if (declared !== undefined && header !== undefined && kindOf(header) !== undefined && declared !== header) {
    throw invalid(`manifest mediaType ${declared} does not match Content-Type ${header}`);
  }
  const mediaType = declared ?? (header !== undefined && kindOf(header) !== undefined ? header : Array.isArray(object.manifests) ? OCI_INDEX : OCI_MANIFEST);
  const kind = kindOf(mediaType);
  if (kind === undefined) throw invalid(`unsupported manifest media type ${mediaType}`);
  return kind === 'index' ? readIndex(bytes, object, mediaType, maxBytes) : readManifest(object, mediaType);
}

function readIndex(bytes: Uint8Array, object: Record<string, unknown>, mediaType: string, maxBytes: number): PushedDocument {
  try {
    const index = parseIndex(bytes, { maxBytes });
    const issues = new Issues();
    const artifactType = readMediaType(object, 'artifactType', '', issues, false);
    issues.throwIfAny('image index');
    return {
      kind: 'index',
      mediaType,
      ...(artifactType !== undefined && { artifactType }),
      ...(index.subject && { subject: index.subject }),
      ...(index.annotations && { annotations: index.annotations }),
      blobs: [],
      manifests: index.manifests,
    };
  } catch (error) {
    throw invalid(isPortcullisError(error) ? error.message : 'invalid image index', error);
  }
}

function readManifest(object: Record<string, unknown>, mediaType: string): PushedDocument {
  const issues = new Issues();
  if (object.schemaVersion !== 2) issues.add('schemaVersion', 'must be 2');
  const config = isJsonObject(object.config) ? parseDescriptor(object.config, 'config', issues) : undefined;
  if (!isJsonObject(object.config)) issues.add('config', 'must be a descriptor');
  const layers = (readArray(object, 'layers', '', issues, mediaType === DOCKER_MANIFEST) ?? []).map((layer, index) =>
    parseDescriptor(layer, joinPath('layers', index), issues),
  );
  const subject = object.subject === undefined ? undefined : parseDescriptor(object.subject, 'subject', issues);
  const artifactType = readMediaType(object, 'artifactType', '', issues, false);
  const annotations = readStringMap(object, 'annotations', '', issues);
  try {
    issues.throwIfAny('image manifest');
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
  if (config === undefined) throw invalid('image manifest has no usable config descriptor');
  return {
    kind: 'manifest',
    mediaType,
    artifactType: artifactType ?? config.mediaType,
    ...(subject && { subject }),
    ...(annotations && { annotations }),
    blobs: [config, ...layers.filter((layer): layer is Descriptor => layer !== undefined)],
    manifests: [],
  };
}

