/**
 * The running-image inventory's model: one RunningImage per image of a workload that admission let
 * in (or the cluster watcher found running), with the decision the admission policy gives it now.
 */
import type { DeploymentRecord } from '../admission/index.ts';

/** Where Portcullis learnt that the image runs. */
export type RunningSource = 'admission' | 'cluster';

/** What re-evaluation made of the image; `allowed: false` is a violation (nothing is evicted). */
export interface CurrentDecision {
  allowed: boolean;
  /** The policy's refusals, each naming the image, the rule and the fix. */
  denials: string[];
  warnings: string[];
  /** Revision of the policy the decision was made by. */
  policyRevision?: string;
  /** ISO time of the evaluation. */
  evaluatedAt: string;
}

/**
 * An admitted image as admission records it (`admittedAt` is then the latest admission, or the first
 * sighting in the cluster), with what continuous validation adds.
 */
export interface RunningImage extends DeploymentRecord {
  /** Stable key: cluster, namespace, workload and image. */
  id: string;
  source: RunningSource;
  /** ISO time its pods were last seen gone (cluster watcher); absent while it runs. */
  endedAt?: string;
  decision?: CurrentDecision;
}

export type RunningStatus = 'compliant' | 'violating' | 'unevaluated';

export function statusOf(image: RunningImage): RunningStatus {
  if (image.decision === undefined) return 'unevaluated';
  return image.decision.allowed ? 'compliant' : 'violating';
}

/** What made Portcullis look at a running image again. */
export type EvaluationTrigger = 'admission' | 'scan' | 'rescan' | 'policy' | 'cluster';

/** The key of one image of one workload. */
export function runningImageId(parts: { cluster?: string; namespace: string; kind: string; name: string; image: string }): string {
  return JSON.stringify([parts.cluster ?? '', parts.namespace, parts.kind, parts.name, parts.image]);
}
