/**
 * Pod Security Standards, restricted profile: hardening on top of baseline. Controls marked
 * Linux-only in the standard (privilege escalation, seccomp, capabilities) do not apply to pods with
 * `spec.os.name: windows`.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import { kubernetesCheck, PSS_REFERENCE, type K8sCheck } from './check.ts';
import { capabilityName, describeContainer, eachContainer, eachWorkload } from './walk.ts';

/** Volume sources the restricted profile allows: none of them reaches the node. */
export const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const POD_SECURITY = ['pod-security'];

export const restrictedVolumeTypes: K8sCheck = {
  pss: 'restricted',
  definition: kubernetesCheck({
    id: 'PC-K8S-012',
    title: 'Volume type outside the restricted set',
    severity: 'MEDIUM',
    description: 'Volume types other than configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret can reach node or network storage directly.',
    fix: 'Use a PersistentVolumeClaim (or one of the allowed types) instead of the inline volume source.',
    compliance: { 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.5.5'], pss: ['restricted'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      for (const [index, volume] of (workload.spec.volumes ?? []).entries()) {
        for (const type of Object.keys(volume)) {
          if (type !== 'name' && !RESTRICTED_VOLUME_TYPES.has(type)) {
            report([...workload.specPath, 'volumes', index, type], `volume ${volume.name ?? `#${index}`} is of type ${type}`);
          }
        }
      }
    }),
};

export const privilegeEscalation: K8sCheck = {
  pss: 'restricted',
  definition: kubernetesCheck({
    id: 'PC-K8S-013',
    title: 'Privilege escalation allowed',
    severity: 'MEDIUM',
    description: 'Unless allowPrivilegeEscalation is false, setuid binaries and file capabilities let a process gain more privileges than its parent.',
    fix: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
    compliance: { 'cis-k8s': ['5.2.6'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['restricted'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (workload, container, report) => {
      if (workload.windows || container.spec.securityContext?.allowPrivilegeEscalation === false) return;
      report([...container.path, 'securityContext', 'allowPrivilegeEscalation'], `${describeContainer(container)} does not set allowPrivilegeEscalation: false`);
    }),
};

export const runAsNonRoot: K8sCheck = {
  pss: 'restricted',
  definition: kubernetesCheck({
    id: 'PC-K8S-014',
    title: 'Container may run as root',
    severity: 'MEDIUM',
    description: 'Without runAsNonRoot: true the kubelet starts the container as root whenever the image says so, and root in a container is one bug away from root on the node.',
    fix: 'Set securityContext.runAsNonRoot: true on the pod (or on every container) and build the image with a non-root USER.',
    compliance: { 'cis-k8s': ['5.2.7'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['restricted'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (workload, container, report) => {
      const own = container.spec.securityContext?.runAsNonRoot;
      const pod = workload.spec.securityContext?.runAsNonRoot;
      if ((own ?? pod) === true) return;
      const path = own === false || pod !== false ? [...container.path, 'securityContext', 'runAsNonRoot'] : [...workload.specPath, 'securityContext', 'runAsNonRoot'];
      report(path, `${describeContainer(container)} does not set runAsNonRoot: true`);
    }),
};

export const runAsRootUser: K8sCheck = {
  pss: 'restricted',
  definition: kubernetesCheck({
    id: 'PC-K8S-015',
    title: 'Runs as user 0',
    severity: 'HIGH',
    description: 'runAsUser: 0 runs the container as root explicitly, overriding the non-root user of the image.',
    fix: 'Set runAsUser to a non-zero UID (for example 10001), or remove it and rely on the image USER with runAsNonRoot: true.',
    compliance: { 'cis-k8s': ['5.2.7'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['restricted'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      if (workload.spec.securityContext?.runAsUser === 0) report([...workload.specPath, 'securityContext', 'runAsUser'], 'pod sets runAsUser: 0');
      for (const container of workload.containers) {
        if (container.spec.securityContext?.runAsUser === 0) report([...container.path, 'securityContext', 'runAsUser'], `${describeContainer(container)} sets runAsUser: 0`);
      }
    }),
};

export const seccompRequired: K8sCheck = {
  pss: 'restricted',
  definition: kubernetesCheck({
    id: 'PC-K8S-016',
    title: 'Seccomp profile not set',
    severity: 'MEDIUM',
    description: 'The restricted profile requires an explicit RuntimeDefault or Localhost seccomp profile; without one, some runtimes run containers unconfined.',
    fix: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod.',
    compliance: { 'cis-k8s': ['5.7.2'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['restricted'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (workload, container, report) => {
      // Unconfined is PC-K8S-010's finding; this control is about the profile being absent.
      if (workload.windows || (container.spec.securityContext?.seccompProfile?.type ?? workload.spec.securityContext?.seccompProfile?.type) !== undefined) return;
      report([...workload.specPath, 'securityContext', 'seccompProfile'], `${describeContainer(container)} has no seccomp profile (pod or container)`);
    }),
};

export const restrictedCapabilities: K8sCheck = {
  pss: 'restricted',
  definition: kubernetesCheck({
    id: 'PC-K8S-017',
    title: 'Capabilities not dropped',
    severity: 'MEDIUM',
    description: 'The restricted profile requires containers to drop ALL capabilities and add back at most NET_BIND_SERVICE.',
    fix: 'Set securityContext.capabilities.drop: ["ALL"] and add only NET_BIND_SERVICE if the container binds a port below 1024.',
    compliance: { 'cis-k8s': ['5.2.9', '5.2.10'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['restricted'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (workload, container, report) => {
      if (workload.windows) return;
      const capabilities = container.spec.securityContext?.capabilities;
      if (!(capabilities?.drop ?? []).some((name) => capabilityName(name) === 'ALL')) {
        report([...container.path, 'securityContext', 'capabilities', 'drop'], `${describeContainer(container)} does not drop ALL capabilities`);
      }
      for (const [index, capability] of (capabilities?.add ?? []).entries()) {
        if (capabilityName(capability) !== 'NET_BIND_SERVICE') {
          report([...container.path, 'securityContext', 'capabilities', 'add', index], `${describeContainer(container)} adds ${capability} (only NET_BIND_SERVICE is allowed)`);
        }
      }
    }),
};

export const RESTRICTED_CHECKS: readonly K8sCheck[] = [
  restrictedVolumeTypes, privilegeEscalation, runAsNonRoot, runAsRootUser, seccompRequired, restrictedCapabilities,
];
