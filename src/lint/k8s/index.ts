/**
 * Kubernetes manifest checks: safe loading of multi-document YAML, the validated object model, the
 * built-in checks (PC-K8S-NNN) and the lint run that also evaluates custom CEL rules.
 */
export { lintManifests, checksForProfile, kubernetesCheckDefinitions, type LintK8sOptions } from './lint.ts';
export { loadManifests, DEFAULT_MANIFEST_LIMITS, type ManifestObject, type ManifestLimits, type FieldPath, type LoadResult } from './load.ts';
export { readManifestInputs, DEFAULT_MAX_INPUT_BYTES, type ManifestText } from './read-input.ts';
export { K8S_CHECKS } from './checks/list.ts';
export type { K8sCheck, K8sCheckOptions, PodSecurityProfile, RawFinding } from './checks/check.ts';
