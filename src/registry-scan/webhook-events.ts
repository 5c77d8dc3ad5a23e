/**
 * Webhook event payloads (docs/formats/webhooks.md). Every delivery is one JSON object:
 * `{ id, type, occurredAt, data }`, where `type` says which `data` shape follows.
 */
import type { Finding, Severity } from '../vuln/index.ts';
import type { VulnerabilitySummary } from './results.ts';

export type WebhookEventType = WebhookEvent['type'];

/** A finding as webhooks report it: enough to act on without fetching the full report. */
export interface WebhookFinding {
  id: string;
  aliases: string[];
  severity: Severity;
  package: { name: string; version: string; purl: string; ecosystem: string };
  fixedVersion?: string;
  fixedVersions: string[];
  status: Finding['status'];
}

export interface PushData {
  repository: string;
  digest: string;
  mediaType: string;
  tag?: string;
  subject?: string;
}

export interface DeleteData {
  repository: string;
  digest: string;
  tag?: string;
}

export interface ScanCompletedData {
  repository: string;
  digest: string;
  summary: VulnerabilitySummary;
  /** False when no advisory database was configured: the inventory was stored, nothing matched. */
  matched: boolean;
  advisoryDatabaseUpdatedAt?: string;
  sbomDigest?: string;
}

export interface ScanFailedData {
  repository: string;
  digest: string;
  error: string;
}

export interface NewFindingsData {
  repository: string;
  digest: string;
  /** The configured threshold: only findings at or above it are listed. */
  minSeverity: Severity;
  findings: WebhookFinding[];
  /** How many findings the rescan removed (fixed upstream or withdrawn), for context. */
  fixedCount: number;
}

/** A pull refused by a project's pull gate. */
export interface PullBlockedData {
  repository: string;
  digest: string;
  reason: string;
  /** Ids of the findings that block the pull (empty when the image is refused as unscanned). */
  findings: string[];
}

/** A running image that no longer passes the admission policy (continuous validation; nothing is evicted). */
export interface DeploymentViolationData {
  cluster?: string;
  namespace: string;
  kind: string;
  name: string;
  image: string;
  digest?: string;
  /** The policy's refusals, each naming the rule and the fix. */
  reasons: string[];
  /** What made Portcullis look again: admission, scan, rescan, policy or cluster. */
  trigger: string;
  breakGlass: boolean;
  policyRevision?: string;
}

export type WebhookEvent =
  | { type: 'push'; data: PushData }
  | { type: 'delete'; data: DeleteData }
  | { type: 'scan.completed'; data: ScanCompletedData }
  | { type: 'scan.failed'; data: ScanFailedData }
  | { type: 'findings.new'; data: NewFindingsData }
  | { type: 'pull.blocked'; data: PullBlockedData }
  | { type: 'deployment.violation'; data: DeploymentViolationData }
  | { type: 'signing.rule.failed'; data: SigningRuleFailedData }
  | { type: 'admission.break_glass'; data: BreakGlassData };

/** Events other parts of the server raise and the scanner's webhooks deliver (durably, retried). */
export type RaisedEvent = Extract<WebhookEvent, { type: 'pull.blocked' | 'deployment.violation' | 'signing.rule.failed' | 'admission.break_glass' }>;

/** A workload admitted by break-glass whatever the policy said (audited, recorded, announced). */
export interface BreakGlassData {
  cluster?: string;
  namespace: string;
  kind: string;
  name: string;
  user?: string;
  reason: string;
  images: string[];
  /** What the policy would have refused, image by image. */
  violations: string[];
}

/** An image the server signed whose rescan now breaks the auto-sign rule (the signature stays). */
export interface SigningRuleFailedData {
  project: string;
  repository: string;
  digest: string;
  keyFingerprint: string;
  rule: string;
  /** Each broken clause with the ids of the findings that break it. */
  violations: Array<{ clause: string; findings: string[] }>;
}

export function webhookFinding(finding: Finding): WebhookFinding {
  return {
    id: finding.id,
    aliases: finding.aliases,
    severity: finding.severity,
    package: { name: finding.package.name, version: finding.package.version, purl: finding.package.purl, ecosystem: finding.package.ecosystem },
    ...(finding.fixedVersion !== undefined && { fixedVersion: finding.fixedVersion }),
    fixedVersions: finding.fixedVersions,
    status: finding.status,
  };
}
