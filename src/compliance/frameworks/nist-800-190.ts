/**
 * NIST SP 800-190 (Application Container Security Guide), section 4 countermeasures. Titles are
 * paraphrased; the checks that decide each automated control are the lint checks whose
 * `compliance['nist-800-190']` names it.
 */
import type { Framework } from '../model.ts';
import { automated, manual } from './define.ts';

const IMAGE = 'Image risks';
const REGISTRY = 'Registry risks';
const ORCHESTRATOR = 'Orchestrator risks';
const CONTAINER = 'Container risks';
const HOST = 'Host OS risks';

export const NIST_800_190: Framework = {
  id: 'nist-800-190',
  name: 'NIST SP 800-190',
  controls: [
    automated(IMAGE, '4.1.1', 'Images carry no known vulnerabilities and pin what they install', 'vulnerabilities', 'dockerfile-lint'),
    automated(IMAGE, '4.1.2', 'Images are configured securely (non-root, minimal, hardened)', 'dockerfile-lint'),
    automated(IMAGE, '4.1.3', 'Images cannot pull in malware at build time', 'dockerfile-lint'),
    automated(IMAGE, '4.1.4', 'No clear-text secrets are embedded in images or manifests', 'secrets', 'dockerfile-lint', 'k8s-lint'),
    automated(IMAGE, '4.1.5', 'Only trusted, pinned images are built on and deployed', 'dockerfile-lint', 'k8s-lint'),
    manual(REGISTRY, '4.2.1', 'Registries are reached only over encrypted, authenticated connections', 'check registry endpoints and client settings (no plain HTTP, no skipped TLS verification)'),
    automated(REGISTRY, '4.2.2', 'Stale images are not used (immutable, current references)', 'dockerfile-lint', 'k8s-lint'),
    manual(REGISTRY, '4.2.3', 'Registry access requires authentication and least privilege', 'review registry accounts, robot tokens and repository permissions'),
    automated(ORCHESTRATOR, '4.3.1', 'Administrative access to the orchestrator is bounded', 'k8s-lint'),
    automated(ORCHESTRATOR, '4.3.2', 'Access to the orchestrator is authorized per identity', 'k8s-lint'),
    automated(ORCHESTRATOR, '4.3.3', 'Network traffic between workloads is separated', 'k8s-lint'),
    manual(ORCHESTRATOR, '4.3.4', 'Workloads of different sensitivity do not share hosts', 'review node pools, taints and affinities per sensitivity level'),
    manual(ORCHESTRATOR, '4.3.5', 'Orchestrator nodes are trusted and authenticated', 'review node join and attestation procedures'),
    manual(CONTAINER, '4.4.1', 'The container runtime is patched', 'check the runtime version on every node'),
    automated(CONTAINER, '4.4.2', 'Containers have no unbounded network access', 'dockerfile-lint', 'k8s-lint'),
    automated(CONTAINER, '4.4.3', 'Containers run with a secure runtime configuration', 'dockerfile-lint', 'k8s-lint'),
    automated(CONTAINER, '4.4.4', 'Application faults are detected and contained', 'k8s-lint'),
    manual(CONTAINER, '4.4.5', 'Rogue containers are detected and stopped', 'check that only admitted, signed images can run and that drift is monitored'),
    manual(HOST, '4.5.1', 'The host OS attack surface is small (container-specific OS)', 'review the node operating system'),
    automated(HOST, '4.5.2', 'Workloads cannot reach the shared kernel beyond what they need', 'k8s-lint'),
    manual(HOST, '4.5.3', 'Host OS components are patched', 'check node patch levels'),
    manual(HOST, '4.5.4', 'Users reach hosts through the orchestrator, not directly', 'review direct logins to nodes'),
    automated(HOST, '4.5.5', 'Containers cannot tamper with the host file system', 'k8s-lint'),
  ],
};
