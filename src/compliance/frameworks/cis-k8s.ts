/**
 * CIS Kubernetes Benchmark (numbering of v1.9.0), section 5 (policies). Titles are paraphrased; the
 * checks that decide each automated control are the lint checks whose `compliance['cis-k8s']`
 * names it.
 */
import type { Framework } from '../model.ts';
import { automated, manual } from './define.ts';

const RBAC = 'RBAC and service accounts';
const PODS = 'Pod security';
const NETWORK = 'Network policies and CNI';
const SECRETS = 'Secrets management';
const ADMISSION = 'Extensible admission control';
const GENERAL = 'General policies';
const CLUSTER = 'a cluster-wide setting that manifests do not show';

export const CIS_K8S: Framework = {
  id: 'cis-k8s',
  name: 'CIS Kubernetes Benchmark v1.9.0',
  controls: [
    automated(RBAC, '5.1.1', 'cluster-admin is bound only where it is really needed', 'k8s-lint'),
    automated(RBAC, '5.1.2', 'Few subjects can read Secrets', 'k8s-lint'),
    automated(RBAC, '5.1.3', 'Roles and ClusterRoles avoid wildcards', 'k8s-lint'),
    manual(RBAC, '5.1.4', 'Few subjects can create pods', 'review which roles grant create on pods and workload controllers'),
    automated(RBAC, '5.1.5', 'Workloads do not run as the default service account', 'k8s-lint'),
    automated(RBAC, '5.1.6', 'Service account tokens are mounted only where needed', 'k8s-lint'),
    manual(RBAC, '5.1.7', 'The system:masters group is not used', `${CLUSTER}: check client certificates issued by the cluster CA`),
    automated(RBAC, '5.1.8', 'Few subjects hold bind, impersonate or escalate', 'k8s-lint'),
    manual(RBAC, '5.1.9', 'Few subjects can create persistent volumes', 'review which roles grant create on persistentvolumes'),
    manual(RBAC, '5.1.10', 'Few subjects can reach the nodes/proxy subresource', 'review which roles grant access to nodes/proxy'),
    manual(RBAC, '5.1.11', 'Few subjects can approve certificate signing requests', 'review which roles grant update on certificatesigningrequests/approval'),
    manual(RBAC, '5.1.12', 'Few subjects can change admission webhook configurations', 'review which roles grant access to validating and mutating webhook configurations'),
    manual(RBAC, '5.1.13', 'Few subjects can create service account tokens', 'review which roles grant create on serviceaccounts/token'),
    manual(PODS, '5.2.1', 'The cluster enforces at least one pod security mechanism', `${CLUSTER}: check Pod Security Admission labels or a policy engine`),
    automated(PODS, '5.2.2', 'Privileged containers are not admitted', 'k8s-lint'),
    automated(PODS, '5.2.3', 'Containers do not share the host PID namespace', 'k8s-lint'),
    automated(PODS, '5.2.4', 'Containers do not share the host IPC namespace', 'k8s-lint'),
    automated(PODS, '5.2.5', 'Containers do not share the host network namespace', 'k8s-lint'),
    automated(PODS, '5.2.6', 'Containers cannot escalate privileges', 'k8s-lint'),
    automated(PODS, '5.2.7', 'Containers do not run as root', 'k8s-lint'),
    automated(PODS, '5.2.8', 'Containers do not get the NET_RAW capability', 'k8s-lint'),
    automated(PODS, '5.2.9', 'Containers do not add capabilities', 'k8s-lint'),
    automated(PODS, '5.2.10', 'Containers drop the capabilities they do not need', 'k8s-lint'),
    automated(PODS, '5.2.11', 'Windows HostProcess containers are not admitted', 'k8s-lint'),
    automated(PODS, '5.2.12', 'Pods do not mount hostPath volumes', 'k8s-lint'),
    automated(PODS, '5.2.13', 'Containers do not use host ports', 'k8s-lint'),
    manual(NETWORK, '5.3.1', 'The network plugin enforces NetworkPolicy', `${CLUSTER}: check the CNI plugin`),
    automated(NETWORK, '5.3.2', 'Every namespace has a NetworkPolicy', 'k8s-lint'),
    automated(SECRETS, '5.4.1', 'Secrets reach containers as files, not environment variables', 'k8s-lint'),
    manual(SECRETS, '5.4.2', 'Secrets are kept in an external secret store', 'check where Secret objects come from (external secrets operator, CSI driver, vault)'),
    automated(ADMISSION, '5.5.1', 'Image provenance is enforced at admission', 'k8s-lint'),
    manual(GENERAL, '5.7.1', 'Namespaces separate administrative boundaries', 'review how teams and workloads are split into namespaces'),
    automated(GENERAL, '5.7.2', 'Pods run with the RuntimeDefault seccomp profile or stricter', 'k8s-lint'),
    manual(GENERAL, '5.7.3', 'Pods and containers set a security context', 'the pod security controls (5.2.x) cover its parts; review any remaining fields'),
    manual(GENERAL, '5.7.4', 'Workloads stay out of the default namespace', 'no Portcullis check decides this yet: look for objects without a namespace or in default'),
  ],
};
