/**
 * The contract of the one policy engine: what a decision is asked about (PolicyInput) and what it
 * answers (Decision). Signing gates, pull gates and admission build a PolicyInput from the facts
 * they hold and call `evaluate(policy, input)`; the engine itself does no I/O and verifies nothing:
 * signatures arrive already verified, each named by the fingerprint of the key that made it.
 */
import type { Severity } from '../vuln/index.ts';

/** Which gate asks: the same policy may say different things to each (e.g. a dry-run admission). */
export type PolicyAction = 'sign' | 'pull' | 'admit';

/** A signature or attestation that verified, and by which key. */
export interface VerifiedSignature {
  /** `sha256:<hex>` of the DER SubjectPublicKeyInfo of the key that verified it. */
  keyFingerprint: string;
  /** The annotations of the signed payload (`optional` of a simple-signing payload). */
  annotations: Record<string, string>;
  /** Where it was found: "cosign-tag" or "referrer". */
  source: 'cosign-tag' | 'referrer';
}

export interface VerifiedAttestation {
  keyFingerprint: string;
  /** The in-toto predicate type URI. */
  predicateType: string;
}

/** What a reviewer said about a finding (VEX statement or ignore decision). */
export interface FindingAssessment {
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  justification?: string;
  author?: string;
  reason?: string;
}

export interface PolicyFinding {
  /** The reported id (CVE-..., GHSA-...) and its aliases. */
  id: string;
  aliases: string[];
  severity: Severity;
  package: { name: string; version: string; ecosystem?: string; purl?: string };
  /** The version that fixes it; undefined when no fix is published. */
  fixedVersion?: string;
  /** ISO time the finding was first seen on this image (starts the grace period). */
  firstSeen?: string;
  assessment?: FindingAssessment;
}

export interface PolicyScan {
  /** `none`: never scanned; `pending`: queued or running; `failed`: the scan could not finish. */
  state: 'completed' | 'pending' | 'failed' | 'none';
  /** ISO time of the scan the findings come from. */
  completedAt?: string;
  findings: PolicyFinding[];
}

/** The deploy context, when admission asks. */
export interface PolicyDeployment {
  cluster?: string;
  namespace: string;
  serviceAccount?: string;
  /** Workload kind and name ("Deployment", "web"). */
  kind?: string;
  name?: string;
}

export interface PolicyInput {
  action: PolicyAction;
  image: {
    /** As the user wrote it: `registry.example:5000/team/app:1.2`. */
    reference: string;
    /** Registry host[:port]. */
    registry: string;
    repository: string;
    /** `sha256:<hex>` of the manifest the decision is about. */
    digest: string;
    tag?: string;
    /** ISO time the image was created (its config's `created`), when known. */
    createdAt?: string;
  };
  /** Lifecycle labels (deprecated, production-ready, team, purpose, ...). */
  labels: Record<string, string>;
  signatures: VerifiedSignature[];
  attestations: VerifiedAttestation[];
  scan: PolicyScan;
  deployment?: PolicyDeployment;
  /** ISO time of the decision; the engine never reads a clock. */
  now: string;
}

/** One reason in a decision. */
export interface DecisionReason {
  /** The rule that spoke: "requireAttestationsBy", "maximumSeverity", "cel:no-latest", ... */
  rule: string;
  /** The policy layer it came from: "organisation", "project:team", "namespace:prod", or a file name. */
  layer: string;
  /** What is wrong, naming the image and the facts. */
  message: string;
  /** How to fix it, when the engine can say. */
  fix?: string;
  /** The exact part of the rule that was broken, e.g. the scan-rule clause "no HIGH with fix". */
  clause?: string;
  /** The findings the reason is about (a vulnerability rule's, or those in a grace period). */
  findings?: DecisionFinding[];
}

/** A finding named by a reason. */
export interface DecisionFinding {
  id: string;
  severity: Severity;
  package: string;
  version: string;
  /** ISO time it was first seen, when known. */
  firstSeen?: string;
  /** ISO time its grace period ends (it blocks from then on). */
  blocksFrom?: string;
}

/** A fact the decision relied on, for the audit trail. */
export interface DecisionEvidence {
  kind: 'signature' | 'attestation' | 'scan' | 'label' | 'exception' | 'allowlist' | 'assessment' | 'rule';
  detail: string;
  /** The policy layer that relied on it. */
  layer?: string;
  /** The finding id it is about (exceptions, allowlisted CVEs, assessments). */
  finding?: string;
}

export interface Decision {
  allowed: boolean;
  /** `dryrun`: violations were found but only reported (DRYRUN_AUDIT_LOG_ONLY); `allowed` is then true. */
  enforcement: 'enforced' | 'dryrun';
  violations: DecisionReason[];
  warnings: DecisionReason[];
  evidence: DecisionEvidence[];
  /** The layer whose rule decided (the first violation's, or the one that allowed by pattern). */
  decidedBy?: string;
  /** Identifies the policy set evaluated (a content hash): caches key decisions by it. */
  policyRevision: string;
}
