/**
 * What each Portcullis and Trivy configuration check is about, so the lint benchmark can pair the
 * two tools' findings on the same file and line by topic. Checks of either tool missing here keep
 * their own id as topic (and so never pair). `TRIVY_ONLY_NOTES` records, for Trivy checks with no
 * Portcullis counterpart, whether the issue is a real problem Portcullis misses.
 */

/** Portcullis check id -> topic. */
export const PORTCULLIS_TOPICS: Readonly<Record<string, string>> = {
  'PC-DF-001': 'latest-tag', 'PC-DF-002': 'digest-pin', 'PC-DF-003': 'untrusted-registry', 'PC-DF-004': 'root-user',
  'PC-DF-005': 'add-remote-url', 'PC-DF-006': 'add-instead-of-copy', 'PC-DF-007': 'secret-in-config', 'PC-DF-008': 'no-install-recommends',
  'PC-DF-009': 'update-alone', 'PC-DF-010': 'package-cache', 'PC-DF-011': 'package-pin', 'PC-DF-012': 'apt-yes',
  'PC-DF-013': 'apk-no-cache', 'PC-DF-014': 'package-pin', 'PC-DF-015': 'package-cache', 'PC-DF-016': 'package-pin',
  'PC-DF-017': 'curl-pipe-shell', 'PC-DF-018': 'sudo', 'PC-DF-019': 'healthcheck', 'PC-DF-020': 'build-tools',
  'PC-DF-021': 'port-range', 'PC-DF-022': 'ssh-port', 'PC-DF-023': 'world-writable', 'PC-DF-024': 'workdir-relative',
  'PC-DF-025': 'insecure-build', 'PC-DF-026': 'maintainer', 'PC-DF-027': 'run-cd', 'PC-DF-028': 'copy-destination-slash',
  'PC-DF-029': 'tls-verification-off', 'PC-DF-030': 'yum-clean',
  'PC-K8S-001': 'privileged', 'PC-K8S-002': 'host-namespaces', 'PC-K8S-003': 'host-path', 'PC-K8S-004': 'host-port',
  'PC-K8S-005': 'capabilities-added', 'PC-K8S-006': 'windows-host-process', 'PC-K8S-007': 'apparmor', 'PC-K8S-008': 'selinux',
  'PC-K8S-009': 'proc-mount', 'PC-K8S-010': 'seccomp', 'PC-K8S-011': 'sysctls', 'PC-K8S-012': 'volume-types',
  'PC-K8S-013': 'privilege-escalation', 'PC-K8S-014': 'run-as-root', 'PC-K8S-015': 'run-as-root', 'PC-K8S-016': 'seccomp',
  'PC-K8S-017': 'capabilities-not-dropped', 'PC-K8S-018': 'latest-tag', 'PC-K8S-019': 'digest-pin', 'PC-K8S-020': 'untrusted-registry',
  'PC-K8S-021': 'resource-requests', 'PC-K8S-022': 'resource-limits', 'PC-K8S-023': 'liveness-probe', 'PC-K8S-024': 'readiness-probe',
  'PC-K8S-025': 'read-only-root', 'PC-K8S-026': 'secret-in-config', 'PC-K8S-027': 'default-service-account', 'PC-K8S-028': 'token-automount',
  'PC-K8S-029': 'rbac-wildcard', 'PC-K8S-030': 'rbac-escalation', 'PC-K8S-031': 'rbac-secrets', 'PC-K8S-032': 'cluster-admin',
  'PC-K8S-033': 'cluster-admin', 'PC-K8S-034': 'node-port', 'PC-K8S-035': 'load-balancer', 'PC-K8S-036': 'ingress-tls',
  'PC-K8S-037': 'network-policy',
};

/** Trivy (defsec / trivy-checks) id -> topic. */
export const TRIVY_TOPICS: Readonly<Record<string, string>> = {
  DS001: 'latest-tag', DS002: 'root-user', DS004: 'ssh-port', DS005: 'add-instead-of-copy', DS008: 'port-range',
  DS009: 'workdir-relative', DS010: 'sudo', DS011: 'copy-destination-slash', DS013: 'run-cd', DS015: 'yum-clean',
  DS017: 'update-alone', DS019: 'yum-clean', DS020: 'yum-clean', DS021: 'apt-yes', DS022: 'maintainer',
  DS025: 'apk-no-cache', DS026: 'healthcheck', DS029: 'no-install-recommends', DS031: 'secret-in-config',
  KSV001: 'privilege-escalation', KSV002: 'apparmor', KSV003: 'capabilities-not-dropped', KSV004: 'capabilities-not-dropped',
  KSV005: 'capabilities-added', KSV006: 'host-path', KSV008: 'host-namespaces', KSV009: 'host-namespaces', KSV010: 'host-namespaces',
  KSV011: 'resource-limits', KSV012: 'run-as-root', KSV013: 'latest-tag', KSV014: 'read-only-root', KSV015: 'resource-requests',
  KSV016: 'resource-requests', KSV017: 'privileged', KSV018: 'resource-limits', KSV022: 'capabilities-added', KSV023: 'host-path',
  KSV024: 'host-port', KSV025: 'selinux', KSV026: 'sysctls', KSV027: 'proc-mount', KSV028: 'volume-types', KSV030: 'seccomp',
  KSV041: 'rbac-secrets', KSV044: 'rbac-wildcard', KSV045: 'rbac-wildcard', KSV046: 'rbac-wildcard', KSV104: 'seccomp',
  KSV105: 'run-as-root', KSV106: 'capabilities-not-dropped', KSV111: 'cluster-admin', KSV103: 'windows-host-process',
};

/** Verdicts on Trivy checks Portcullis has no counterpart for (its topic maps to no Portcullis check). */
export const TRIVY_ONLY_NOTES: Readonly<Record<string, string>> = {
  DS014: 'style: using both wget and curl in an image; not a security issue',
  KSV020: 'hardening opinion (UID above 10000, to avoid clashing with host users); not in Pod Security Standards or CIS',
  KSV021: 'hardening opinion (GID above 10000); not in Pod Security Standards or CIS',
  KSV116: 'opinion: no root primary or supplementary group; Trivy also raises it on objects with no pods (RBAC, Service, Ingress)',
};
