/**
 * What a Kubernetes check is: its published definition plus a pure function from the whole input
 * to raw findings (object + field path). The engine turns paths into line numbers and attaches the
 * severity, so a check only decides what is wrong and where.
 */
import type { CheckDefinition, ComplianceMapping } from '../../model.ts';
import type { Severity } from '../../../vuln/model.ts';
import type { FieldPath, ManifestObject } from '../load.ts';
import type { ManifestSet } from '../manifest-set.ts';

export type PodSecurityProfile = 'baseline' | 'restricted';

export interface K8sCheckOptions {
  /** Pod Security Standards profile: `baseline` runs only the baseline controls. */
  profile: PodSecurityProfile;
  /**
   * Registry hosts (optionally with a path prefix) images may come from, normalised as
   * `normaliseAllowedRegistry` does (lower case, docker.io for Docker Hub); empty means not checked.
   */
  trustedRegistries: string[];
}

export interface RawFinding {
  object: ManifestObject;
  /** The offending field; the engine reports the line of its nearest existing ancestor when missing. */
  path: FieldPath;
  message: string;
}

export interface K8sCheck {
  definition: CheckDefinition;
  /** Set for Pod Security Standards controls: the lowest profile that includes the control. */
  pss?: PodSecurityProfile;
  run(set: ManifestSet, options: K8sCheckOptions): RawFinding[];
}

/** Builds a check definition with the fields every Kubernetes check shares. */
export function kubernetesCheck(
  fields: { id: string; title: string; severity: Severity; description: string; fix: string; compliance: ComplianceMapping; references?: string[] },
): CheckDefinition {
  return { ...fields, kind: 'kubernetes' };
}

export const PSS_REFERENCE = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
