/** Every built-in Kubernetes check, in id order: an explicit list, never import side effects. */
import type { K8sCheck } from './check.ts';
import { CONTAINER_CHECKS } from './containers.ts';
import { NETWORK_CHECKS } from './network.ts';
import { BASELINE_CHECKS } from './pod-security-baseline.ts';
import { RESTRICTED_CHECKS } from './pod-security-restricted.ts';
import { RBAC_CHECKS } from './rbac.ts';
import { SERVICE_ACCOUNT_CHECKS } from './service-accounts.ts';

export const K8S_CHECKS: readonly K8sCheck[] = [
  ...BASELINE_CHECKS,
  ...RESTRICTED_CHECKS,
  ...CONTAINER_CHECKS,
  ...SERVICE_ACCOUNT_CHECKS,
  ...RBAC_CHECKS,
  ...NETWORK_CHECKS,
];
