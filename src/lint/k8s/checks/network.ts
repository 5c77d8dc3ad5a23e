/**
 * Network exposure: Services opened on every node, Ingresses without TLS, and namespaces whose
 * workloads no NetworkPolicy restricts (a check over the whole input, across files).
 */
import type { ManifestObject } from '../load.ts';
import { kubernetesCheck, type K8sCheck, type RawFinding } from './check.ts';

const NETWORK = ['network-separation'];

function serviceTypeCheck(id: string, type: 'NodePort' | 'LoadBalancer', severity: 'MEDIUM' | 'LOW', description: string, fix: string): K8sCheck {
  return {
    definition: kubernetesCheck({
      id,
      title: `Service of type ${type}`,
      severity,
      description,
      fix,
      compliance: { 'nsa-k8s': NETWORK, 'nist-800-190': ['4.3.3'] },
    }),
    run: (set) =>
      set.services
        .filter(({ value }) => value.type === type)
        .map(({ object }) => ({ object, path: ['spec', 'type'], message: `Service ${object.name} is exposed as ${type}` })),
  };
}

export const nodePortService = serviceTypeCheck(
  'PC-K8S-034',
  'NodePort',
  'MEDIUM',
  'A NodePort Service opens the port on every node, around ingress controllers, TLS termination and most firewalls.',
  'Use a ClusterIP Service behind an Ingress or Gateway instead.',
);

export const loadBalancerService = serviceTypeCheck(
  'PC-K8S-035',
  'LoadBalancer',
  'LOW',
  'A LoadBalancer Service usually gets a public address; make sure that exposure is intended and restricted.',
  'Prefer an Ingress or Gateway; otherwise restrict spec.loadBalancerSourceRanges or use an internal load balancer annotation.',
);

/** True when a TLS host entry covers the rule host ("*.example.com" covers "a.example.com", one label deep). */
function covers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot !== -1 && host.slice(dot) === tlsHost.slice(1);
}

export const ingressWithoutTls: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-036',
    title: 'Ingress without TLS',
    severity: 'MEDIUM',
    description: 'Traffic to an Ingress host without TLS travels in clear text, credentials and session cookies included.',
    fix: 'Add spec.tls with a certificate secret covering every host in spec.rules.',
    compliance: { 'nsa-k8s': NETWORK, 'nist-800-190': ['4.3.3'] },
  }),
  run: (set) => {
    const findings: RawFinding[] = [];
    for (const { object, value } of set.ingresses) {
      const tls = value.tls ?? [];
      if (tls.length === 0) {
        findings.push({ object, path: ['spec', 'tls'], message: `Ingress ${object.name} has no TLS section` });
        continue;
      }
      const tlsHosts = tls.flatMap((entry) => entry.hosts ?? []);
      for (const [index, rule] of (value.rules ?? []).entries()) {
        if (rule.host !== undefined && !tlsHosts.some((tlsHost) => covers(tlsHost, rule.host ?? ''))) {
          findings.push({ object, path: ['spec', 'rules', index, 'host'], message: `Ingress ${object.name} serves ${rule.host} without TLS` });
        }
      }
    }
    return findings;
  },
};

export const missingNetworkPolicy: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-037',
    title: 'Namespace without a NetworkPolicy',
    severity: 'MEDIUM',
    description: 'Pods accept traffic from every pod in the cluster unless a NetworkPolicy selects them; one compromised pod can reach them all.',
    fix: 'Add a default-deny NetworkPolicy to the namespace and allow only the traffic the workloads need.',
    compliance: { 'cis-k8s': ['5.3.2'], 'nsa-k8s': NETWORK, 'nist-800-190': ['4.3.3'] },
  }),
  run: (set) => {
    const namespaceObjects = new Map(set.objects.filter((object) => object.kind === 'Namespace').map((object) => [object.name, object]));
    const firstWorkload = new Map<string, ManifestObject>();
    const workloadCount = new Map<string, number>();
    for (const { object } of set.workloads) {
      const namespace = object.namespace ?? '';
      if (!firstWorkload.has(namespace)) firstWorkload.set(namespace, object);
      workloadCount.set(namespace, (workloadCount.get(namespace) ?? 0) + 1);
    }
    const findings: RawFinding[] = [];
    for (const [namespace, workload] of firstWorkload) {
      if (set.networkPolicyNamespaces.has(namespace)) continue;
      const name = namespace === '' ? 'the default namespace (objects without metadata.namespace)' : `namespace ${namespace}`;
      const object = namespaceObjects.get(namespace) ?? workload;
      findings.push({ object, path: ['metadata'], message: `${name} has ${workloadCount.get(namespace)} workload(s) but no NetworkPolicy in the input` });
    }
    return findings;
  },
};

export const NETWORK_CHECKS: readonly K8sCheck[] = [nodePortService, loadBalancerService, ingressWithoutTls, missingNetworkPolicy];
