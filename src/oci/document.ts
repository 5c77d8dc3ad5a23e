/**
 * A document fetched by digest may be an image manifest or an index; which one is decided by its own
 * mediaType field, then by the descriptor that pointed to it, then by its shape.
 */
import { type ImageIndex, validateIndex } from './image-index.ts';
import { decodeJsonObject } from './json.ts';
import { type ImageManifest, type ParseOptions, validateManifest } from './manifest.ts';
import { isIndexMediaType, isManifestMediaType } from './media-types.ts';
import { refuseSchema1 } from './schema.ts';

export type ImageDocument = { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

export function parseImageDocument(bytes: Uint8Array, descriptorMediaType?: string, options: ParseOptions = {}): ImageDocument {
  const document = decodeJsonObject(bytes, 'manifest', options.maxBytes);
  refuseSchema1(document, 'manifest');
  const isIndex = isIndexDocument(document, descriptorMediaType);
  return isIndex ? { kind: 'index', index: validateIndex(document) } : { kind: 'manifest', manifest: validateManifest(document) };
}

function isIndexDocument(document: Record<string, unknown>, descriptorMediaType: string | undefined): boolean {
  for (const mediaType of [document.mediaType, descriptorMediaType]) {
    if (typeof mediaType !== 'string') continue;
    if (isIndexMediaType(mediaType)) return true;
    if (isManifestMediaType(mediaType)) return false;
  }
  return 'manifests' in document && !('layers' in document);
}
