/**
 * Image indexes (OCI image index v1 and Docker manifest lists), validated from untrusted bytes.
 * Entries may point to anything (manifests, nested indexes, attestations); choosing among them is
 * platform.ts's job, so unknown entry media types are kept, not refused.
 */
import { type Descriptor, parseDescriptor } from './descriptor.ts';
import { decodeJsonObject } from './json.ts';
import type { ParseOptions } from './manifest.ts';
import { OCI_INDEX, isIndexMediaType } from './media-types.ts';
import { checkSchemaVersion, refuseSchema1, unsupported } from './schema.ts';
import { Issues, join, readArray, readMediaType, readStringMap } from './validate.ts';

export interface ImageIndex {
  schemaVersion: 2;
  /** The document's own mediaType, or the OCI index type when the field is absent. */
  mediaType: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export function parseIndex(bytes: Uint8Array, options: ParseOptions = {}): ImageIndex {
  const object = decodeJsonObject(bytes, 'image index', options.maxBytes);
  refuseSchema1(object, 'image index');
  return validateIndex(object);
}

export function validateIndex(object: Record<string, unknown>, issues = new Issues()): ImageIndex {
  const what = 'image index';
  checkSchemaVersion(object, issues);
  const mediaType = readMediaType(object, 'mediaType', '', issues, false) ?? OCI_INDEX;
  const manifests = (readArray(object, 'manifests', '', issues, true) ?? []).map((entry, index) =>
    parseDescriptor(entry, join('manifests', index), issues),
  );
  const subject = object.subject === undefined ? undefined : parseDescriptor(object.subject, 'subject', issues);
  const annotations = readStringMap(object, 'annotations', '', issues);
  issues.throwIfAny(what);
  if (!isIndexMediaType(mediaType)) throw unsupported(`unsupported ${what}`, [`unknown index media type ${mediaType}`]);
  return {
    schemaVersion: 2,
    mediaType,
    manifests: manifests.filter((entry): entry is Descriptor => entry !== undefined),
    ...(subject && { subject }),
    ...(annotations && { annotations }),
  };
}
