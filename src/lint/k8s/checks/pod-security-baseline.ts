/**
 * Pod Security Standards, baseline profile: the controls that stop known privilege escalations.
 * Each control applies to the pod and to every container, init container and ephemeral container.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import { kubernetesCheck, PSS_REFERENCE, type K8sCheck } from './check.ts';
import { capabilityName, describeContainer, eachContainer, eachWorkload } from './walk.ts';

/** Capabilities the baseline profile allows containers to add (the container runtime's defaults). */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** Sysctls the baseline profile calls safe: namespaced and isolated from other pods. */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';

const POD_SECURITY = ['pod-security'];

export const privilegedContainers: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-001',
    title: 'Privileged container',
    severity: 'CRITICAL',
    description: 'A privileged container has every capability and all host devices; escaping to the node is trivial.',
    fix: 'Remove securityContext.privileged or set it to false; grant only the specific capability the workload needs.',
    compliance: { 'cis-k8s': ['5.2.2'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      if (container.spec.securityContext?.privileged === true) {
        report([...container.path, 'securityContext', 'privileged'], `${describeContainer(container)} runs privileged`);
      }
    }),
};

export const hostNamespaces: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-002',
    title: 'Host namespaces shared',
    severity: 'HIGH',
    description: "Sharing the node's network, PID or IPC namespace lets the pod see and reach the node's processes, traffic and shared memory.",
    fix: 'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).',
    compliance: { 'cis-k8s': ['5.2.3', '5.2.4', '5.2.5'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3', '4.5.2'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
        if (workload.spec[field] === true) report([...workload.specPath, field], `pod sets ${field}: true`);
      }
    }),
};

export const hostPathVolumes: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-003',
    title: 'hostPath volume',
    severity: 'HIGH',
    description: "A hostPath volume exposes the node's filesystem to the pod; a writable one is a direct route to node compromise.",
    fix: 'Replace hostPath volumes with emptyDir, configMap, secret or a PersistentVolumeClaim.',
    compliance: { 'cis-k8s': ['5.2.12'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.5.5'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      for (const [index, volume] of (workload.spec.volumes ?? []).entries()) {
        if (volume.hostPath !== undefined) {
          const path = (volume.hostPath as { path?: unknown }).path;
          report([...workload.specPath, 'volumes', index, 'hostPath'], `volume ${volume.name ?? `#${index}`} mounts host path ${typeof path === 'string' ? path : '(unknown)'}`);
        }
      }
    }),
};

export const hostPorts: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-004',
    title: 'hostPort used',
    severity: 'MEDIUM',
    description: "A hostPort binds the container to the node's network interface, bypassing Services and NetworkPolicies.",
    fix: 'Remove hostPort and expose the container through a Service.',
    compliance: { 'cis-k8s': ['5.2.13'], 'nsa-k8s': ['network-separation'], 'nist-800-190': ['4.4.2'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      for (const [index, port] of (container.spec.ports ?? []).entries()) {
        if (port.hostPort !== undefined && port.hostPort !== 0) {
          report([...container.path, 'ports', index, 'hostPort'], `${describeContainer(container)} binds host port ${port.hostPort}`);
        }
      }
    }),
};

export const baselineCapabilities: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-005',
    title: 'Capability beyond the baseline set added',
    severity: 'HIGH',
    description: 'Capabilities such as SYS_ADMIN, NET_ADMIN or NET_RAW give a container powers that lead to escapes or network attacks.',
    fix: 'Remove the capability from securityContext.capabilities.add; only the runtime defaults (CHOWN, NET_BIND_SERVICE, ...) are allowed.',
    compliance: { 'cis-k8s': ['5.2.8', '5.2.9'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      for (const [index, capability] of (container.spec.securityContext?.capabilities?.add ?? []).entries()) {
        if (!BASELINE_CAPABILITIES.has(capabilityName(capability))) {
          report([...container.path, 'securityContext', 'capabilities', 'add', index], `${describeContainer(container)} adds capability ${capability}`);
        }
      }
    }),
};

export const windowsHostProcess: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-006',
    title: 'Windows HostProcess container',
    severity: 'CRITICAL',
    description: 'A Windows HostProcess container runs directly on the node with host access: the Windows equivalent of privileged.',
    fix: 'Remove securityContext.windowsOptions.hostProcess (or set it to false) on the pod and its containers.',
    compliance: { 'cis-k8s': ['5.2.11'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      if (workload.spec.securityContext?.windowsOptions?.hostProcess === true) {
        report([...workload.specPath, 'securityContext', 'windowsOptions', 'hostProcess'], 'pod runs as a Windows HostProcess');
      }
      for (const container of workload.containers) {
        if (container.spec.securityContext?.windowsOptions?.hostProcess === true) {
          report([...container.path, 'securityContext', 'windowsOptions', 'hostProcess'], `${describeContainer(container)} runs as a Windows HostProcess`);
        }
      }
    }),
};

export const appArmor: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-007',
    title: 'AppArmor profile overridden',
    severity: 'HIGH',
    description: "Running Unconfined (or any profile other than the runtime default or a node-local one) removes AppArmor's confinement.",
    fix: 'Set appArmorProfile.type to RuntimeDefault or Localhost (or the annotation to runtime/default or localhost/NAME), or remove it.',
    compliance: { 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      const allowed = (type: string | undefined) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
      const podType = workload.spec.securityContext?.appArmorProfile?.type;
      if (!allowed(podType)) report([...workload.specPath, 'securityContext', 'appArmorProfile', 'type'], `pod AppArmor profile is ${podType}`);
      for (const container of workload.containers) {
        const type = container.spec.securityContext?.appArmorProfile?.type;
        if (!allowed(type)) report([...container.path, 'securityContext', 'appArmorProfile', 'type'], `${describeContainer(container)} AppArmor profile is ${type}`);
      }
      for (const [key, value] of Object.entries(workload.annotations)) {
        if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
          report([...workload.annotationsPath, key], `AppArmor annotation for container ${key.slice(APPARMOR_ANNOTATION.length)} is ${JSON.stringify(value)}`);
        }
      }
    }),
};

export const seLinux: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-008',
    title: 'Custom SELinux options',
    severity: 'HIGH',
    description: 'Setting a custom SELinux user or role, or a type outside the container types, can lift the SELinux confinement of the container.',
    fix: 'Remove seLinuxOptions.user and .role, and use a container type (container_t, container_init_t, container_kvm_t, container_engine_t) or none.',
    compliance: { 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      const targets = [
        { who: 'pod', path: [...workload.specPath, 'securityContext', 'seLinuxOptions'], options: workload.spec.securityContext?.seLinuxOptions },
        ...workload.containers.map((container) => ({
          who: describeContainer(container),
          path: [...container.path, 'securityContext', 'seLinuxOptions'],
          options: container.spec.securityContext?.seLinuxOptions,
        })),
      ];
      for (const { who, path, options } of targets) {
        if (options?.type !== undefined && !SELINUX_TYPES.has(options.type)) report([...path, 'type'], `${who} uses SELinux type ${options.type}`);
        for (const field of ['user', 'role'] as const) {
          const value = options?.[field];
          if (value !== undefined && value !== '') report([...path, field], `${who} sets SELinux ${field} ${value}`);
        }
      }
    }),
};

export const procMount: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-009',
    title: 'Unmasked /proc mount',
    severity: 'HIGH',
    description: 'An Unmasked /proc exposes kernel interfaces the runtime normally hides from containers.',
    fix: 'Remove securityContext.procMount or set it to Default.',
    compliance: { 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachContainer(set, (_workload, container, report) => {
      const mount = container.spec.securityContext?.procMount;
      if (mount !== undefined && mount !== 'Default') report([...container.path, 'securityContext', 'procMount'], `${describeContainer(container)} uses procMount ${mount}`);
    }),
};

export const seccompUnconfined: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-010',
    title: 'Seccomp disabled',
    severity: 'HIGH',
    description: 'An Unconfined seccomp profile lets the container make every system call, widening the kernel attack surface.',
    fix: 'Set seccompProfile.type to RuntimeDefault (or Localhost with a profile) instead of Unconfined.',
    compliance: { 'cis-k8s': ['5.7.2'], 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.4.3'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      if (workload.spec.securityContext?.seccompProfile?.type === 'Unconfined') {
        report([...workload.specPath, 'securityContext', 'seccompProfile', 'type'], 'pod seccomp profile is Unconfined');
      }
      for (const container of workload.containers) {
        if (container.spec.securityContext?.seccompProfile?.type === 'Unconfined') {
          report([...container.path, 'securityContext', 'seccompProfile', 'type'], `${describeContainer(container)} seccomp profile is Unconfined`);
        }
      }
      for (const [key, value] of Object.entries(workload.annotations)) {
        if ((key === SECCOMP_POD_ANNOTATION || key.startsWith(SECCOMP_CONTAINER_ANNOTATION)) && value === 'unconfined') {
          report([...workload.annotationsPath, key], `seccomp annotation ${key} is unconfined`);
        }
      }
    }),
};

export const unsafeSysctls: K8sCheck = {
  pss: 'baseline',
  definition: kubernetesCheck({
    id: 'PC-K8S-011',
    title: 'Unsafe sysctl',
    severity: 'HIGH',
    description: 'Sysctls outside the safe set are not isolated between pods and can change the behaviour of the whole node.',
    fix: 'Remove the sysctl from securityContext.sysctls, or run the workload on dedicated, tainted nodes outside this policy.',
    compliance: { 'nsa-k8s': POD_SECURITY, 'nist-800-190': ['4.5.2'], pss: ['baseline'] },
    references: [PSS_REFERENCE],
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      for (const [index, sysctl] of (workload.spec.securityContext?.sysctls ?? []).entries()) {
        if (!SAFE_SYSCTLS.has(sysctl.name ?? '')) report([...workload.specPath, 'securityContext', 'sysctls', index, 'name'], `pod sets unsafe sysctl ${sysctl.name ?? '(unnamed)'}`);
      }
    }),
};

export const BASELINE_CHECKS: readonly K8sCheck[] = [
  privilegedContainers, hostNamespaces, hostPathVolumes, hostPorts, baselineCapabilities, windowsHostProcess,
  appArmor, seLinux, procMount, seccompUnconfined, unsafeSysctls,
];
