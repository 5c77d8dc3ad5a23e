/**
 * Everything the checks read, validated once: workloads with their pod specs, RBAC roles and
 * bindings, Services, Ingresses, ServiceAccounts and the namespaces that have NetworkPolicies.
 * Checks are pure functions of a ManifestSet, so multi-file checks see the whole input.
 */
import type { ServiceAccount, ServiceSpec } from 'kubernetes-types/core/v1.js';
import type { IngressSpec } from 'kubernetes-types/networking/v1.js';
import type { PolicyRule, RoleRef, Subject } from 'kubernetes-types/rbac/v1.js';
import type { FieldPath, ManifestObject } from './load.ts';
import { parseShape, type Shape, type ShapeWarning } from './shape.ts';
import { readWorkload, type Workload } from './workloads.ts';

export interface Typed<T> {
  object: ManifestObject;
  value: T;
}

export interface ManifestSet {
  objects: ManifestObject[];
  workloads: Workload[];
  /** Role and ClusterRole objects with their validated rules. */
  roles: Array<Typed<{ rules: PolicyRule[] }>>;
  /** RoleBinding and ClusterRoleBinding objects. */
  bindings: Array<Typed<{ roleRef?: RoleRef; subjects: Subject[] }>>;
  services: Array<Typed<ServiceSpec>>;
  ingresses: Array<Typed<IngressSpec>>;
  serviceAccounts: Array<Typed<Pick<ServiceAccount, 'automountServiceAccountToken'>>>;
  /** Namespaces ('' for objects without one) that at least one NetworkPolicy selects. */
  networkPolicyNamespaces: Set<string>;
}

const RULES: Shape = {
  object: {
    rules: {
      list: {
        object: {
          verbs: { list: 'string' },
          apiGroups: { list: 'string' },
          resources: { list: 'string' },
          resourceNames: { list: 'string' },
          nonResourceURLs: { list: 'string' },
        },
      },
    },
  },
};
const BINDING: Shape = {
  object: {
    roleRef: { object: { apiGroup: 'string', kind: 'string', name: 'string' } },
    subjects: { list: { object: { kind: 'string', name: 'string', namespace: 'string', apiGroup: 'string' } } },
  },
};
const SERVICE: Shape = { object: { spec: { object: { type: 'string', ports: { list: { object: { port: 'integer', nodePort: 'integer' } } } } } } };
const INGRESS: Shape = {
  object: {
    spec: {
      object: {
        tls: { list: { object: { hosts: { list: 'string' }, secretName: 'string' } } },
        rules: { list: { object: { host: 'string' } } },
      },
    },
  },
};
const SERVICE_ACCOUNT: Shape = { object: { automountServiceAccountToken: 'boolean' } };

/** Validates what the checks need from every object; type mismatches become warnings via `warn`. */
export function buildManifestSet(objects: ManifestObject[], warn: (object: ManifestObject, path: FieldPath, message: string) => void): ManifestSet {
  const set: ManifestSet = {
    objects,
    workloads: [],
    roles: [],
    bindings: [],
    services: [],
    ingresses: [],
    serviceAccounts: [],
    networkPolicyNamespaces: new Set(),
  };
  for (const object of objects) {
    const warnHere: ShapeWarning = (path, message) => warn(object, path, message);
    const parse = <T>(shape: Shape): T => (parseShape(object.value, shape, [], warnHere) ?? {}) as T;
    const workload = readWorkload(object, warnHere);
    if (workload) {
      set.workloads.push(workload);
      continue;
    }
    if (!isBuiltInKind(object)) continue;
    switch (object.kind) {
      case 'Role':
      case 'ClusterRole':
        set.roles.push({ object, value: { rules: parse<{ rules?: PolicyRule[] }>(RULES).rules ?? [] } });
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding': {
        const binding = parse<{ roleRef?: RoleRef; subjects?: Subject[] }>(BINDING);
        set.bindings.push({ object, value: { ...binding, subjects: binding.subjects ?? [] } });
        break;
      }
      case 'Service':
        set.services.push({ object, value: parse<{ spec?: ServiceSpec }>(SERVICE).spec ?? {} });
        break;
      case 'Ingress':
        set.ingresses.push({ object, value: parse<{ spec?: IngressSpec }>(INGRESS).spec ?? {} });
        break;
      case 'ServiceAccount':
        set.serviceAccounts.push({ object, value: parse(SERVICE_ACCOUNT) });
        break;
      case 'NetworkPolicy':
        set.networkPolicyNamespaces.add(object.namespace ?? '');
        break;
    }
  }
  return set;
}

/** API groups of the kinds read above, so a CRD that reuses a name (`kind: Service` in a mesh group) is not misread. */
const KIND_GROUPS: Record<string, readonly string[]> = {
  Role: ['rbac.authorization.k8s.io'],
  ClusterRole: ['rbac.authorization.k8s.io'],
  RoleBinding: ['rbac.authorization.k8s.io'],
  ClusterRoleBinding: ['rbac.authorization.k8s.io'],
  Service: [''],
  ServiceAccount: [''],
  Ingress: ['networking.k8s.io', 'extensions'],
  NetworkPolicy: ['networking.k8s.io', 'extensions'],
};

function isBuiltInKind(object: ManifestObject): boolean {
  const kind = object.kind;
  const groups = Object.hasOwn(KIND_GROUPS, kind) ? KIND_GROUPS[kind] : undefined;
  if (!groups) return false;
  const slash = object.apiVersion.indexOf('/');
  const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
  return groups.includes(group);
}
