/**
 * Where the images of a workload are: the pod spec of each workload kind (a Pod's own spec, the pod
 * template of controllers, a CronJob's job template) and its three container lists. Reads the
 * untrusted object only along those paths, so its size or depth elsewhere costs nothing; a list or
 * container of the wrong shape is reported as a problem, never skipped (a skipped container would
 * run an image nobody checked).
 */
import type { AdmissionRequest } from './review.ts';

/** The container lists of a pod spec that carry images. */
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/** Path (object keys) from the object to its pod spec, per workload kind (API group / kind). */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  '/Pod': ['spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The kinds whose images are checked, as "group/Kind" ("" is the core group). */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** Most images one object may name; a pod spec with more is refused rather than checked for minutes. */
export const MAX_IMAGES = 256;

export interface ImageUse {
  image: string;
  container: string;
  list: ContainerList;
  /** JSON Pointer (RFC 6901) to the `image` field, for the pinning patch. */
  pointer: string;
}

export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  serviceAccount: string;
  /** Annotations of the object and of its pod template (break-glass may sit on either). */
  annotations: Record<string, string>;
  images: ImageUse[];
  /** Shapes that could not be read; any problem refuses the request. */
  problems: string[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path to the pod spec for a request's kind, or undefined for kinds that carry no pods. */
export function podSpecPath(request: Pick<AdmissionRequest, 'kind'>): readonly string[] | undefined {
  const key = `${request.kind.group}/${request.kind.kind}`;
  return Object.hasOwn(POD_SPEC_PATHS, key) ? POD_SPEC_PATHS[key] : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Reads the workload of a CREATE or UPDATE request whose kind has a pod spec. */
export function readWorkload(request: AdmissionRequest, path: readonly string[]): Workload {
  const object = request.object ?? {};
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const problems: string[] = [];
  let spec: unknown = object;
  for (const key of path) spec = isObject(spec) ? spec[key] : undefined;
  // The pod template's metadata sits beside its spec (…/template/metadata).
  let templateMetadata: unknown = object;
  for (const key of [...path.slice(0, -1), 'metadata']) templateMetadata = isObject(templateMetadata) ? templateMetadata[key] : undefined;
  if (path.length === 1) templateMetadata = undefined;
  const name = request.name ?? (typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '');
  const namespace = request.namespace ?? (typeof metadata.namespace === 'string' ? metadata.namespace : 'default');
  const workload: Workload = {
    kind: request.kind.kind,
    name,
    namespace,
    serviceAccount: 'default',
    annotations: { ...stringMap(isObject(templateMetadata) ? templateMetadata.annotations : undefined), ...stringMap(metadata.annotations) },
    images: [],
    problems,
  };
  if (!isObject(spec)) {
    problems.push(`${request.kind.kind} has no pod spec at ${path.join('.')}`);
    return workload;
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') workload.serviceAccount = spec.serviceAccountName;
  const specPointer = `/${path.join('/')}`;
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (containers === undefined || containers === null) continue;
    if (!Array.isArray(containers)) {
      problems.push(`${path.join('.')}.${list} is not a list`);
      continue;
    }
    for (const [index, container] of containers.entries()) {
      if (workload.images.length >= MAX_IMAGES) {
        problems.push(`the pod spec names more than ${MAX_IMAGES} containers`);
        return workload;
      }
      const where = `${path.join('.')}.${list}[${index}]`;
      if (!isObject(container) || typeof container.image !== 'string' || container.image === '') {
        problems.push(`${where} has no image`);
        continue;
      }
      const containerName = typeof container.name === 'string' ? container.name : `#${index}`;
      workload.images.push({ image: container.image, container: containerName, list, pointer: `${specPointer}/${list}/${index}/image` });
    }
  }
  return workload;
}
