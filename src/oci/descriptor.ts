/**
 * Content descriptors (OCI image spec, descriptor.md): the typed pointer from one document to a
 * blob or another document, and the platform object an index attaches to it.
 */
import {
  type Issues,
  type JsonObject,
  join,
  readDigest,
  readMediaType,
  readObject,
  readSize,
  readString,
  readStringArray,
  readStringMap,
} from './validate.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

/** Annotation holding a manifest's name (tag) in an OCI layout's index.json. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** Validates a descriptor, recording problems in `issues`; undefined when it is unusable. */
export function parseDescriptor(value: unknown, path: string, issues: Issues): Descriptor | undefined {
  const object = readObject(value, path, issues);
  if (object === undefined) return undefined;
  const before = issues.count;
  const mediaType = readMediaType(object, 'mediaType', path, issues, true);
  const digest = readDigest(object, 'digest', path, issues);
  const size = readSize(object, 'size', path, issues);
  const urls = readStringArray(object, 'urls', path, issues);
  const annotations = readStringMap(object, 'annotations', path, issues);
  const artifactType = readMediaType(object, 'artifactType', path, issues, false);
  const platform = object.platform === undefined ? undefined : parsePlatformObject(object.platform, join(path, 'platform'), issues);
  if (issues.count > before || mediaType === undefined || digest === undefined || size === undefined) return undefined;
  return {
    mediaType,
    digest,
    size,
    ...(urls && { urls }),
    ...(annotations && { annotations }),
    ...(platform && { platform }),
    ...(artifactType && { artifactType }),
  };
}

export function parsePlatformObject(value: unknown, path: string, issues: Issues): Platform | undefined {
  const object: JsonObject | undefined = readObject(value, path, issues);
  if (object === undefined) return undefined;
  const os = readString(object, 'os', path, issues, true);
  const architecture = readString(object, 'architecture', path, issues, true);
  const variant = readString(object, 'variant', path, issues, false);
  const osVersion = readString(object, 'os.version', path, issues, false);
  const osFeatures = readStringArray(object, 'os.features', path, issues);
  if (os === undefined || architecture === undefined) return undefined;
  return {
    os,
    architecture,
    ...(variant && { variant }),
    ...(osVersion && { 'os.version': osVersion }),
    ...(osFeatures && { 'os.features': osFeatures }),
  };
}
