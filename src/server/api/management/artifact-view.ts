/**
 * How the management API shows an artifact (a stored manifest) and its scan: the JSON shapes of
 * artifact listings and of the scan report. The scan report's shape is a contract other tools read
 * (`portcullis sign --require-scan`): change it only by adding optional fields.
 */
import type { RegistryScanner, VulnerabilitySummary } from '../../../registry-scan/index.ts';
import { findingKey } from '../../../registry-scan/index.ts';
import { displayName } from '../../../sbom/index.ts';
import type { ManifestRecord } from '../../../storage/index.ts';
import { SEVERITY_ORDER, type Finding, type FindingStatus, type Severity } from '../../../vuln/index.ts';
import type { ApiContext } from './context.ts';

/** Where an image's scan stands: finished, queued or running, given up, or never queued. */
export type ScanStateName = 'completed' | 'pending' | 'failed' | 'none';

export interface ScanStatus {
  state: ScanStateName;
  /** When the stored findings were last matched (the scan, or the latest rescan). */
  completedAt?: string;
  summary?: VulnerabilitySummary;
  /** Why the last attempt failed, for `failed`. */
  error?: string;
}

export interface ArtifactView {
  digest: string;
  mediaType: string;
  artifactType?: string;
  /** The manifest this one refers to (signatures, SBOMs). */
  subject?: string;
  size: number;
  createdAt: string;
  tags: string[];
  labels: Record<string, string>;
  scan: ScanStatus;
}

export interface ScanFindingView {
  id: string;
  aliases: string[];
  severity: Severity;
  package: { name: string; version: string; ecosystem?: string; purl?: string };
  fixedVersion?: string;
  status: FindingStatus;
  firstSeen?: string;
}

export interface ScanReportView {
  repository: string;
  digest: string;
  state: ScanStateName;
  completedAt?: string;
  summary: VulnerabilitySummary;
  labels: Record<string, string>;
  findings: ScanFindingView[];
}

export function emptySummary(): VulnerabilitySummary {
  const summary = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, 0])) as VulnerabilitySummary;
  summary.total = 0;
  return summary;
}

/** Adds `more` into `into` (totals across images). */
export function addSummary(into: VulnerabilitySummary, more: VulnerabilitySummary): void {
  for (const severity of SEVERITY_ORDER) into[severity] += more[severity] ?? 0;
  into.total += more.total ?? 0;
}

export function scanStatus(scanner: RegistryScanner, digest: string): ScanStatus {
  const job = scanner.scanState(digest);
  const result = scanner.scanListing(digest);
  const stored = result === undefined ? {} : { completedAt: new Date(result.matchedAt).toISOString(), summary: result.summary };
  if (job?.state === 'queued' || job?.state === 'running') return { state: 'pending', ...stored };
  if (job?.state === 'failed') return { state: 'failed', ...stored, ...(job.lastError !== undefined && { error: job.lastError }) };
  return result === undefined ? { state: 'none' } : { state: 'completed', ...stored };
}

export async function artifactView(context: ApiContext, record: ManifestRecord): Promise<ArtifactView> {
  return {
    digest: record.digest,
    mediaType: record.mediaType,
    ...(record.artifactType !== undefined && { artifactType: record.artifactType }),
    ...(record.subject !== undefined && { subject: record.subject }),
    size: record.size,
    createdAt: new Date(record.createdAt).toISOString(),
    tags: await context.registry.tagsOf(record.repository, record.digest),
    labels: context.policy.labels(record.digest),
    scan: scanStatus(context.scanner, record.digest),
  };
}

function findingView(finding: Finding, firstSeen: Map<string, number>): ScanFindingView {
  const seen = firstSeen.get(findingKey(finding));
  const { package: pkg } = finding;
  return {
    id: finding.id,
    aliases: [...finding.aliases],
    severity: finding.severity,
    package: { name: displayName(pkg), version: pkg.version, ...(pkg.ecosystem !== '' && { ecosystem: pkg.ecosystem }), ...(pkg.purl !== '' && { purl: pkg.purl }) },
    ...(finding.fixedVersion !== undefined && { fixedVersion: finding.fixedVersion }),
    status: finding.status,
    ...(seen !== undefined && { firstSeen: new Date(seen).toISOString() }),
  };
}

/** The stored scan of an image in the report shape; `state: none` with no findings before any scan. */
export function scanReportView(context: ApiContext, repository: string, digest: string): ScanReportView {
  const status = scanStatus(context.scanner, digest);
  const result = context.scanner.scanResult(digest);
  const firstSeen = result === undefined ? new Map<string, number>() : context.scanner.findingFirstSeen(digest);
  return {
    repository,
    digest,
    state: status.state,
    ...(status.completedAt !== undefined && { completedAt: status.completedAt }),
    summary: result?.summary ?? emptySummary(),
    labels: context.policy.labels(digest),
    findings: (result?.findings ?? []).map((finding) => findingView(finding, firstSeen)),
  };
}
