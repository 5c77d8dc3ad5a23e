/**
 * The object model the checks read: for every workload kind, where its pod template lives, and the
 * pod spec and containers validated into kubernetes-types shapes (only the fields Portcullis checks).
 */
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import type { FieldPath, ManifestObject } from './load.ts';
import { parseShape, type Shape, type ShapeWarning } from './shape.ts';

/** Where each workload kind keeps its pod template (the spec and the metadata beside it). */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, FieldPath>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds that run to completion, where liveness and readiness probes make no sense. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);

const SECURITY_PROFILE: Shape = { object: { type: 'string', localhostProfile: 'string' } };
const SE_LINUX: Shape = { object: { type: 'string', user: 'string', role: 'string', level: 'string' } };
const WINDOWS: Shape = { object: { hostProcess: 'boolean' } };

const CONTAINER_SECURITY_CONTEXT: Shape = {
  object: {
    privileged: 'boolean',
    allowPrivilegeEscalation: 'boolean',
    runAsNonRoot: 'boolean',
    runAsUser: 'integer',
    readOnlyRootFilesystem: 'boolean',
    procMount: 'string',
    capabilities: { object: { add: { list: 'string' }, drop: { list: 'string' } } },
    seccompProfile: SECURITY_PROFILE,
    appArmorProfile: SECURITY_PROFILE,
    seLinuxOptions: SE_LINUX,
    windowsOptions: WINDOWS,
  },
};

const CONTAINER: Shape = {
  object: {
    name: 'string',
    image: 'string',
    ports: { list: { object: { name: 'string', containerPort: 'integer', hostPort: 'integer', protocol: 'string' } } },
    env: { list: { object: { name: 'string', value: 'string', valueFrom: 'any' } } },
    resources: { object: { requests: { map: 'any' }, limits: { map: 'any' } } },
    livenessProbe: 'any',
    readinessProbe: 'any',
    startupProbe: 'any',
    securityContext: CONTAINER_SECURITY_CONTEXT,
  },
};

const POD_SPEC: Shape = {
  object: {
    hostNetwork: 'boolean',
    hostPID: 'boolean',
    hostIPC: 'boolean',
    containers: { list: CONTAINER },
    initContainers: { list: CONTAINER },
    ephemeralContainers: { list: CONTAINER },
    volumes: { list: { map: 'any' } },
    serviceAccountName: 'string',
    serviceAccount: 'string',
    automountServiceAccountToken: 'boolean',
    os: { object: { name: 'string' } },
    securityContext: {
      object: {
        runAsNonRoot: 'boolean',
        runAsUser: 'integer',
        seccompProfile: SECURITY_PROFILE,
        appArmorProfile: SECURITY_PROFILE,
        seLinuxOptions: SE_LINUX,
        windowsOptions: WINDOWS,
        sysctls: { list: { object: { name: 'string', value: 'string' } } },
      },
    },
  },
};

const METADATA: Shape = { object: { name: 'string', namespace: 'string', annotations: { map: 'string' }, labels: { map: 'string' } } };

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerView {
  field: ContainerField;
  /** Path of the container inside the object, for line numbers. */
  path: FieldPath;
  /** The container's name, or `#index` when it has none. */
  name: string;
  spec: Container;
}

export interface Workload {
  object: ManifestObject;
  /** Path of the pod spec inside the object. */
  specPath: FieldPath;
  spec: PodSpec;
  /** Annotations of the pod template (AppArmor profiles still live there on older clusters). */
  annotations: Record<string, string>;
  annotationsPath: FieldPath;
  containers: ContainerView[];
  /** Runs to completion (Job, CronJob): no probes expected. */
  batch: boolean;
  /** `spec.os.name: windows`: Linux-only Pod Security controls do not apply. */
  windows: boolean;
}

/** The object's pod template as a Workload, or undefined for kinds that have none. */
export function readWorkload(object: ManifestObject, warn: ShapeWarning): Workload | undefined {
  const base = Object.hasOwn(POD_TEMPLATE_PATHS, object.kind) ? POD_TEMPLATE_PATHS[object.kind] : undefined;
  if (base === undefined) return undefined;
  const template = valueAt(object.value, base);
  const specPath = [...base, 'spec'];
  const metadataPath = [...base, 'metadata'];
  const spec = (parseShape(valueAt(template, ['spec']), POD_SPEC, specPath, warn) ?? {}) as PodSpec;
  const metadata = (parseShape(valueAt(template, ['metadata']), METADATA, metadataPath, warn) ?? {}) as { annotations?: Record<string, string> };
  const containers: ContainerView[] = [];
  for (const field of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    for (const [index, container] of (spec[field] ?? []).entries()) {
      containers.push({ field, path: [...specPath, field, index], name: container.name ?? `#${index}`, spec: container as Container });
    }
  }
  return {
    object,
    specPath,
    spec,
    annotations: metadata.annotations ?? {},
    annotationsPath: [...metadataPath, 'annotations'],
    containers,
    batch: BATCH_KINDS.has(object.kind),
    windows: spec.os?.name === 'windows',
  };
}

/** Reads a plain value at a path; undefined when any step is missing or of the wrong type. */
export function valueAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}

/** `Kind/namespace/name`, or `Kind/name` when the manifest leaves the namespace to the client. */
export function resourceName(object: ManifestObject): string {
  return object.namespace === undefined ? `${object.kind}/${object.name}` : `${object.kind}/${object.namespace}/${object.name}`;
}
