/**
 * RBAC least privilege: no wildcards, no verbs that step around RBAC itself, no cluster-wide secret
 * reads, and no cluster-admin (or anything) handed to people, broad groups or default accounts.
 */
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import type { ManifestSet, Typed } from '../manifest-set.ts';
import { kubernetesCheck, type K8sCheck, type RawFinding } from './check.ts';

const RBAC = ['authentication-authorization'];
const ESCALATING_VERBS = new Set(['escalate', 'bind', 'impersonate']);
const READ_VERBS = new Set(['get', 'list', 'watch', '*']);
/** Groups and users that mean "everyone" or "anyone with any credential". */
const BROAD_SUBJECTS = new Set(['system:authenticated', 'system:unauthenticated', 'system:anonymous']);

function eachRule(set: ManifestSet, visit: (role: Typed<{ rules: PolicyRule[] }>, rule: PolicyRule, index: number, findings: RawFinding[]) => void): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const role of set.roles) for (const [index, rule] of role.value.rules.entries()) visit(role, rule, index, findings);
  return findings;
}

export const rbacWildcards: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-029',
    title: 'Wildcard in an RBAC rule',
    severity: 'HIGH',
    description: "A '*' in verbs, resources or apiGroups grants today's and every future permission, including ones added by CRDs.",
    fix: 'List the exact verbs, resources and API groups the subject needs.',
    compliance: { 'cis-k8s': ['5.1.3'], 'nsa-k8s': RBAC, 'nist-800-190': ['4.3.1'] },
  }),
  run: (set) =>
    eachRule(set, ({ object }, rule, index, findings) => {
      for (const field of ['verbs', 'resources', 'apiGroups'] as const) {
        const at = (rule[field] ?? []).indexOf('*');
        if (at !== -1) findings.push({ object, path: ['rules', index, field, at], message: `${object.kind} ${object.name} allows '*' ${field}` });
      }
    }),
};

export const rbacEscalation: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-030',
    title: 'RBAC verb that bypasses RBAC',
    severity: 'HIGH',
    description: 'escalate, bind and impersonate let a subject grant itself, or act with, permissions it does not hold.',
    fix: 'Remove escalate, bind and impersonate from the rule; grant them only to cluster administrators.',
    compliance: { 'cis-k8s': ['5.1.8'], 'nsa-k8s': RBAC, 'nist-800-190': ['4.3.1'] },
  }),
  run: (set) =>
    eachRule(set, ({ object }, rule, index, findings) => {
      for (const [at, verb] of (rule.verbs ?? []).entries()) {
        if (ESCALATING_VERBS.has(verb)) findings.push({ object, path: ['rules', index, 'verbs', at], message: `${object.kind} ${object.name} grants ${verb}` });
      }
    }),
};

export const clusterSecretsRead: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-031',
    title: 'Secrets readable cluster-wide',
    severity: 'HIGH',
    description: 'A ClusterRole that can get, list or watch secrets reads every credential in every namespace once bound cluster-wide.',
    fix: 'Grant secret access with a namespaced Role, limited by resourceNames to the secrets the workload needs.',
    compliance: { 'cis-k8s': ['5.1.2'], 'nsa-k8s': RBAC, 'nist-800-190': ['4.3.1'] },
  }),
  run: (set) =>
    eachRule(set, ({ object }, rule, index, findings) => {
      if (object.kind !== 'ClusterRole' || (rule.resourceNames ?? []).length > 0) return;
      const coreGroup = (rule.apiGroups ?? []).some((group) => group === '' || group === '*');
      const secrets = (rule.resources ?? []).some((resource) => resource === 'secrets' || resource === '*');
      const reads = (rule.verbs ?? []).filter((verb) => READ_VERBS.has(verb));
      if (coreGroup && secrets && reads.length > 0) {
        findings.push({ object, path: ['rules', index], message: `ClusterRole ${object.name} can ${reads.join(', ')} secrets in every namespace` });
      }
    }),
};

export const clusterAdminBinding: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-032',
    title: 'cluster-admin bound to a user, group or default service account',
    severity: 'CRITICAL',
    description: 'cluster-admin is unrestricted superuser access; bound to people, groups or a default service account it escapes review and spreads to every pod using that account.',
    fix: 'Bind a narrower role, or bind cluster-admin only to a dedicated, audited service account.',
    compliance: { 'cis-k8s': ['5.1.1'], 'nsa-k8s': RBAC, 'nist-800-190': ['4.3.1'] },
  }),
  run: (set) => {
    const findings: RawFinding[] = [];
    for (const { object, value } of set.bindings) {
      if (value.roleRef?.kind !== 'ClusterRole' || value.roleRef.name !== 'cluster-admin') continue;
      for (const [index, subject] of value.subjects.entries()) {
        if (subject.kind === 'User' || subject.kind === 'Group' || (subject.kind === 'ServiceAccount' && subject.name === 'default')) {
          findings.push({ object, path: ['subjects', index], message: `${object.kind} ${object.name} gives cluster-admin to ${subject.kind} ${subject.name}` });
        }
      }
    }
    return findings;
  },
};

export const broadSubjectBinding: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-033',
    title: 'Role bound to all users',
    severity: 'CRITICAL',
    description: 'Binding a role to system:authenticated, system:unauthenticated or system:anonymous grants it to every account (or to nobody-in-particular) on the cluster.',
    fix: 'Bind the role to the specific users, groups or service accounts that need it.',
    compliance: { 'cis-k8s': ['5.1.1'], 'nsa-k8s': RBAC, 'nist-800-190': ['4.3.2'] },
  }),
  run: (set) => {
    const findings: RawFinding[] = [];
    for (const { object, value } of set.bindings) {
      // The API server's own discovery bindings (roles named system:*) are expected to be broad.
      if (value.roleRef?.name?.startsWith('system:')) continue;
      for (const [index, subject] of value.subjects.entries()) {
        if (BROAD_SUBJECTS.has(subject.name ?? '')) {
          findings.push({ object, path: ['subjects', index, 'name'], message: `${object.kind} ${object.name} binds ${value.roleRef?.name ?? 'a role'} to ${subject.name}` });
        }
      }
    }
    return findings;
  },
};

export const RBAC_CHECKS: readonly K8sCheck[] = [rbacWildcards, rbacEscalation, clusterSecretsRead, clusterAdminBinding, broadSubjectBinding];
