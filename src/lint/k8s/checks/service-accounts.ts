/**
 * Service account hygiene: pods should run under their own service account and mount an API token
 * only when they call the Kubernetes API.
 */
import { kubernetesCheck, type K8sCheck, type RawFinding } from './check.ts';
import { eachWorkload } from './walk.ts';

export const defaultServiceAccount: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-027',
    title: 'Pod uses the default service account',
    severity: 'LOW',
    description: "Every pod in the namespace shares the default service account, so any role granted to it reaches them all.",
    fix: 'Create a dedicated ServiceAccount for the workload and set spec.serviceAccountName.',
    compliance: { 'cis-k8s': ['5.1.5'], 'nsa-k8s': ['authentication-authorization'], 'nist-800-190': ['4.3.2'] },
  }),
  run: (set) =>
    eachWorkload(set, (workload, report) => {
      const name = workload.spec.serviceAccountName ?? workload.spec.serviceAccount ?? 'default';
      if (name === 'default') report([...workload.specPath, 'serviceAccountName'], 'pod runs under the default service account');
    }),
};

export const automountedToken: K8sCheck = {
  definition: kubernetesCheck({
    id: 'PC-K8S-028',
    title: 'Service account token mounted automatically',
    severity: 'LOW',
    description: 'An automatically mounted API token hands an attacker in the container a credential for the Kubernetes API; most applications never use it.',
    fix: 'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount) unless the workload calls the Kubernetes API.',
    compliance: { 'cis-k8s': ['5.1.6'], 'nsa-k8s': ['pod-security'], 'nist-800-190': ['4.3.2'] },
  }),
  run: (set) => {
    const accountSetting = new Map<string, boolean | undefined>();
    const findings: RawFinding[] = [];
    for (const { object, value } of set.serviceAccounts) {
      accountSetting.set(`${object.namespace ?? ''}/${object.name}`, value.automountServiceAccountToken);
      if (object.name === 'default' && value.automountServiceAccountToken !== false) {
        findings.push({ object, path: ['automountServiceAccountToken'], message: 'default service account mounts its token into every pod' });
      }
    }
    findings.push(
      ...eachWorkload(set, (workload, report) => {
        const account = workload.spec.serviceAccountName ?? workload.spec.serviceAccount ?? 'default';
        // The pod's own setting wins; otherwise its ServiceAccount's, when the input contains it.
        const effective = workload.spec.automountServiceAccountToken ?? accountSetting.get(`${workload.object.namespace ?? ''}/${account}`) ?? true;
        if (effective) report([...workload.specPath, 'automountServiceAccountToken'], `pod mounts the API token of service account ${account}`);
      }),
    );
    return findings;
  },
};

export const SERVICE_ACCOUNT_CHECKS: readonly K8sCheck[] = [defaultServiceAccount, automountedToken];
