/**
 * Container hygiene beyond the Pod Security Standards: image references, resource requests and
 * limits, health probes, read-only root filesystems and secrets written into env values.
 */
import { parseReference, type Reference } from '../../../core/index.ts';
// One registry allow-list rule for base images and pod images alike.
import { isAllowed } from '../../registries.ts';
import { kubernetesCheck, type K8sCheck } from './check.ts';
import { describeContainer, eachContainer } from './walk.ts';

function parseImage(image: string): Reference | undefined {
  try {
    return parseReference(image);
  } catch {
    return undefined; // templated or malformed references are reported by the engine's image warning
  }
}

export const mutableImageTag: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-018',
    title: 'Image uses latest or no tag',
    severity: 'MEDIUM',
    description: 'An image without a tag, or tagged latest, can change under the same name; what runs is not what was scanned and approved.',
    fix: 'Reference the image by a version tag, preferably pinned with @sha256 digest.',
    compliance: { 'nsa-k8s': ['pod-security'], 'nist-800-190': ['4.2.2', '4.1.5'] },
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      const image = container.spec.image;
      const reference = image === undefined ? undefined : parseImage(image);
      if (!reference || reference.digest !== undefined) return;
      if (reference.tag === undefined) report([...container.path, 'image'], `${describeContainer(container)} image ${image} has no tag (means latest)`);
      else if (reference.tag === 'latest') report([...container.path, 'image'], `${describeContainer(container)} image ${image} uses the latest tag`);
    }),
};

export const unpinnedImage: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-019',
    title: 'Image not pinned by digest',
    severity: 'LOW',
    description: 'Tags are mutable: a registry (or an attacker with push access) can point the same tag at different content.',
    fix: 'Append the digest: image: registry/app:1.2.3@sha256:...',
    compliance: { 'nist-800-190': ['4.1.5', '4.2.2'] },
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      const image = container.spec.image;
      const reference = image === undefined ? undefined : parseImage(image);
      if (reference && reference.digest === undefined) report([...container.path, 'image'], `${describeContainer(container)} image ${image} is not pinned by digest`);
    }),
};

export const untrustedRegistry: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-020',
    title: 'Image from an untrusted registry',
    severity: 'HIGH',
    description: 'Images from registries outside the trusted list have not passed your scanning and signing pipeline.',
    fix: 'Mirror the image into a trusted registry (see --trusted-registries) and reference it there.',
    compliance: { 'cis-k8s': ['5.5.1'], 'nsa-k8s': ['pod-security'], 'nist-800-190': ['4.1.5'] },
  }),
  run: (set, options) => {
    if (options.trustedRegistries.length === 0) return [];
    return eachContainer(set, (_workload, container, report) => {
      const image = container.spec.image;
      const reference = image === undefined ? undefined : parseImage(image);
      if (reference && !isAllowed(reference, options.trustedRegistries)) {
        report([...container.path, 'image'], `${describeContainer(container)} image ${image} is from ${reference.domain}, not a trusted registry`);
      }
    });
  },
};

const RESOURCE_NAMES = ['cpu', 'memory'] as const;

export const missingRequests: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-021',
    title: 'CPU or memory request missing',
    severity: 'LOW',
    description: 'Without requests the scheduler cannot place the pod sensibly and the pod is first to be evicted under pressure.',
    fix: 'Set resources.requests.cpu and resources.requests.memory on every container.',
    compliance: { 'nsa-k8s': ['network-separation'], 'nist-800-190': ['4.4.3'] },
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      if (container.field === 'ephemeralContainers') return; // the API forbids resources on ephemeral containers
      const missing = RESOURCE_NAMES.filter((name) => container.spec.resources?.requests?.[name] === undefined);
      if (missing.length > 0) report([...container.path, 'resources', 'requests'], `${describeContainer(container)} has no ${missing.join(' or ')} request`);
    }),
};

export const missingLimits: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-022',
    title: 'CPU or memory limit missing',
    severity: 'MEDIUM',
    description: 'A container without limits can exhaust the node, starving its neighbours (a denial of service from one compromised pod).',
    fix: 'Set resources.limits.memory (and resources.limits.cpu where throttling is acceptable) on every container.',
    compliance: { 'nsa-k8s': ['network-separation'], 'nist-800-190': ['4.4.3'] },
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      if (container.field === 'ephemeralContainers') return;
      const missing = RESOURCE_NAMES.filter((name) => container.spec.resources?.limits?.[name] === undefined);
      if (missing.length > 0) report([...container.path, 'resources', 'limits'], `${describeContainer(container)} has no ${missing.join(' or ')} limit`);
    }),
};

function probeCheck(id: string, probe: 'livenessProbe' | 'readinessProbe', title: string, description: string): K8sCheck {
  return {
    definition: kubernetesCheck({
      id,
      title,
      severity: 'LOW',
      description,
      fix: `Add a ${probe} (httpGet, tcpSocket, grpc or exec) to every long-running container.`,
      compliance: { 'nist-800-190': ['4.4.4'] },
    }),
    run: (set) =>
      eachContainer(set, (workload, container, report) => {
        // Probes belong to long-running app containers: not to Jobs, init or ephemeral containers.
        if (workload.batch || container.field !== 'containers' || container.spec[probe] !== undefined) return;
        report(container.path, `${describeContainer(container)} has no ${probe}`);
      }),
  };
}

export const missingLivenessProbe = probeCheck(
  'PC-K8S-023',
  'livenessProbe',
  'Liveness probe missing',
  'Without a liveness probe a hung container keeps receiving traffic and is never restarted.',
);

export const missingReadinessProbe = probeCheck(
  'PC-K8S-024',
  'readinessProbe',
  'Readiness probe missing',
  'Without a readiness probe traffic reaches the container before it is ready and during shutdown.',
);

export const writableRootFilesystem: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-025',
    title: 'Root filesystem writable',
    severity: 'MEDIUM',
    description: 'A writable root filesystem lets an attacker drop tools and modify binaries inside the running container.',
    fix: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app must write.',
    compliance: { 'nsa-k8s': ['pod-security'], 'nist-800-190': ['4.4.3'] },
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      if (container.spec.securityContext?.readOnlyRootFilesystem !== true) {
        report([...container.path, 'securityContext', 'readOnlyRootFilesystem'], `${describeContainer(container)} does not set readOnlyRootFilesystem: true`);
      }
    }),
};

/** Name parts that mark an env var as a credential: DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY. */
const SECRET_NAME_PARTS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PWD', 'TOKEN', 'SECRET', 'KEY', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY']);
/** Trailing parts that mean the value only points at a secret: TOKEN_FILE, SECRET_NAME, KEY_PATH. */
const REFERENCE_NAME_PARTS = new Set(['FILE', 'PATH', 'DIR', 'NAME', 'REF', 'ID', 'URL', 'ENDPOINT']);
/** `$(OTHER_VAR)` expands another variable at start time: not a literal. */
const VARIABLE_REFERENCE = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;

/** True for env var names that by convention hold a credential. */
export function isSecretName(name: string): boolean {
  const parts = name.toUpperCase().split(/[^A-Z0-9]+/).filter((part) => part !== '');
  const last = parts.at(-1);
  if (last === undefined || REFERENCE_NAME_PARTS.has(last)) return false;
  return parts.some((part) => SECRET_NAME_PARTS.has(part));
}

export const literalSecretEnv: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-026',
    title: 'Secret passed as a literal env value',
    severity: 'HIGH',
    description: 'A credential written into the manifest is readable by everyone who can read the manifest, its Git history or the pod spec.',
    fix: 'Store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file).',
    compliance: { 'cis-k8s': ['5.4.1'], 'nsa-k8s': ['network-separation'], 'nist-800-190': ['4.1.4'] },
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      for (const [index, variable] of (container.spec.env ?? []).entries()) {
        const value = variable.value;
        if (value === undefined || value === '' || VARIABLE_REFERENCE.test(value) || !isSecretName(variable.name ?? '')) continue;
        // The value itself never goes into the message: reports are shared more widely than manifests.
        report([...container.path, 'env', index, 'value'], `${describeContainer(container)} sets ${variable.name} to a literal value`);
      }
    }),
};

export const CONTAINER_CHECKS: readonly K8sCheck[] = [
  mutableImageTag, unpinnedImage, untrustedRegistry, missingRequests, missingLimits, missingLivenessProbe,
  missingReadinessProbe, writableRootFilesystem, literalSecretEnv,
];
