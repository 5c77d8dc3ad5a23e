/**
 * The control catalogs, by framework id.
 */
import type { Framework, FrameworkId } from '../model.ts';
import { CIS_DOCKER } from './cis-docker.ts';
import { CIS_K8S } from './cis-k8s.ts';
import { NIST_800_190 } from './nist-800-190.ts';

export const FRAMEWORKS: Readonly<Record<FrameworkId, Framework>> = {
  'cis-docker': CIS_DOCKER,
  'cis-k8s': CIS_K8S,
  'nist-800-190': NIST_800_190,
};
