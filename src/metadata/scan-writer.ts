/**
 * What the registry's scanner learned, as Grafeas occurrences on the image's resourceUri:
 *
 *   DISCOVERY       one per image: analysis status, last scan and last match time
 *   PACKAGE         one per inventory package
 *   VULNERABILITY   one per finding, pointing at note projects/portcullis/notes/{vulnerability id}
 *   SBOM_REFERENCE  the CycloneDX SBOM referrer, when one was attached
 *
 * A rescan writes new revisions of what changed; a finding that is no longer reported is not
 * deleted but gets a revision whose `vulnerability.extraDetails` starts with "removed:" (and counts
 * no more in summaries), so what was known before stays readable.
 */
import { projectOf } from '../auth/index.ts';
import { findingKey } from '../registry-scan/index.ts';
import type { ScanFailed, ScanResult } from '../registry-scan/index.ts';
import type { Finding, Severity } from '../vuln/index.ts';
import { type Occurrence, SYSTEM_AUTHOR } from './model.ts';
import { imageResourceUri } from './names.ts';
import {
  DISCOVERY_NOTE,
  PACKAGE_NOTE,
  SBOM_NOTE,
  discoveryNote,
  ensureProviderNote,
  packageNote,
  sbomNote,
  upsertProviderNote,
  vulnerabilityNoteId,
} from './provider-notes.ts';
import type { GrafeasSeverity } from './schema.ts';
import type { MetadataStore } from './store.ts';

const REMOVED = 'removed:';
const MAX_DESCRIPTION = 16 * 1024;
const MAX_URLS = 20;

const SEVERITY: Readonly<Record<Severity, GrafeasSeverity>> = {
  CRITICAL: 'CRITICAL',
  HIGH: 'HIGH',
  MEDIUM: 'MEDIUM',
  LOW: 'LOW',
  NONE: 'MINIMAL',
  UNKNOWN: 'SEVERITY_UNSPECIFIED',
};

export function grafeasSeverity(severity: Severity): GrafeasSeverity {
  return SEVERITY[severity];
}

/** True for a VULNERABILITY occurrence whose finding a later scan no longer reported. */
export function isRemovedFinding(occurrence: Occurrence): boolean {
  const details = occurrence.vulnerability as { extraDetails?: unknown } | undefined;
  return typeof details?.extraDetails === 'string' && details.extraDetails.startsWith(REMOVED);
}

const iso = (ms: number) => new Date(ms).toISOString();
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}...` : text);

function version(name: string): Record<string, unknown> {
  return { name, kind: 'NORMAL', fullName: name };
}

function bestScore(finding: Finding): { cvssScore?: number; cvssVersion?: string } {
  const best = [...finding.cvss].sort((a, b) => b.baseScore - a.baseScore)[0];
  if (best === undefined) return {};
  const cvssVersion = best.version === '2.0' ? 'CVSS_VERSION_2' : best.version === '4.0' ? 'CVSS_VERSION_4' : 'CVSS_VERSION_3';
  return { cvssScore: best.baseScore, cvssVersion };
}

function vulnerabilityNote(finding: Finding): Record<string, unknown> {
  return {
    kind: 'VULNERABILITY',
    shortDescription: clip(finding.title ?? finding.id, 1024),
    ...(finding.description !== undefined && { longDescription: clip(finding.description, MAX_DESCRIPTION) }),
    relatedUrl: finding.references.slice(0, MAX_URLS).map((reference) => ({ url: clip(reference.url, 2048), label: reference.type })),
    vulnerability: { severity: grafeasSeverity(finding.severity), ...bestScore(finding) },
  };
}

function vulnerabilityOccurrence(resourceUri: string, noteName: string, finding: Finding): Record<string, unknown> {
  const severity = grafeasSeverity(finding.severity);
  const fixAvailable = finding.fixedVersion !== undefined;
  const name = finding.package.namespace === undefined ? finding.package.name : `${finding.package.namespace}/${finding.package.name}`;
  return {
    resourceUri,
    noteName,
    kind: 'VULNERABILITY',
    vulnerability: {
      type: finding.package.type,
      severity,
      effectiveSeverity: severity,
      ...bestScore(finding),
      shortDescription: clip(finding.title ?? finding.id, 1024),
      fixAvailable,
      packageIssue: [
        {
          affectedPackage: name,
          affectedVersion: version(finding.package.version),
          fixedPackage: name,
          fixedVersion: fixAvailable ? version(finding.fixedVersion ?? '') : { kind: 'MAXIMUM' },
          fixAvailable,
          packageType: finding.package.ecosystem,
          effectiveSeverity: severity,
          fileLocation: finding.package.locations.slice(0, 50).map((path) => ({ filePath: path })),
        },
      ],
      relatedUrls: finding.references.slice(0, MAX_URLS).map((reference) => ({ url: clip(reference.url, 2048), label: reference.type })),
    },
  };
}

function discoveryOccurrence(resourceUri: string, noteName: string, result: ScanResult): Record<string, unknown> {
  return {
    resourceUri,
    noteName,
    kind: 'DISCOVERY',
    discovery: {
      continuousAnalysis: 'ACTIVE',
      analysisStatus: 'FINISHED_SUCCESS',
      analysisCompleted: { analysisType: result.advisoryDatabase === undefined ? ['PACKAGE'] : ['PACKAGE', 'VULNERABILITY'] },
      lastScanTime: iso(result.scannedAt),
      lastVulnerabilityUpdateTime: iso(result.matchedAt),
      sbomStatus: { sbomState: result.sbomDigest === undefined ? 'PENDING' : 'COMPLETE' },
    },
  };
}

function sbomOccurrence(resourceUri: string, noteName: string, host: string, result: ScanResult, sbomDigest: string): Record<string, unknown> {
  const hex = (digest: string) => ({ [digest.slice(0, digest.indexOf(':'))]: digest.slice(digest.indexOf(':') + 1) });
  return {
    resourceUri,
    noteName,
    kind: 'SBOM_REFERENCE',
    sbomReference: {
      payloadType: 'application/vnd.in-toto+json',
      payload: {
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://bcid.corp.google.com/reference/v0.1',
        subject: [{ name: resourceUri, digest: hex(result.digest) }],
        predicate: {
          referrerId: 'portcullis',
          location: `https://${host}/v2/${result.repository}/manifests/${sbomDigest}`,
          mimeType: 'application/vnd.cyclonedx+json',
          digest: hex(sbomDigest),
        },
      },
    },
  };
}

/** Records one scan result (a first scan, or the latest state after a rescan). */
export function recordScanResult(store: MetadataStore, host: string, result: ScanResult): void {
  store.transaction(() => writeScanResult(store, host, result));
}

function writeScanResult(store: MetadataStore, host: string, result: ScanResult): void {
  const resourceUri = imageResourceUri(host, result.repository, result.digest);
  const project = projectOf(result.repository);
  const discovery = ensureProviderNote(store, DISCOVERY_NOTE, discoveryNote);
  store.occurrences.upsert(project, `discovery\u0000${resourceUri}`, discoveryOccurrence(resourceUri, discovery, result), SYSTEM_AUTHOR);
  const packages = ensureProviderNote(store, PACKAGE_NOTE, packageNote);
  for (const pkg of result.inventory.packages) {
    const body = {
      resourceUri,
      noteName: packages,
      kind: 'PACKAGE',
      package: {
        name: pkg.namespace === undefined ? pkg.name : `${pkg.namespace}/${pkg.name}`,
        packageType: pkg.type,
        version: version(pkg.version),
        location: pkg.locations.slice(0, 50).map((path) => ({ path })),
        ...(pkg.licenses !== undefined && pkg.licenses.length > 0 && { license: { expression: pkg.licenses.join(' AND ') } }),
      },
    };
    store.occurrences.upsert(project, `package\u0000${resourceUri}\u0000${pkg.purl}`, body, SYSTEM_AUTHOR);
  }
  if (result.sbomDigest !== undefined) {
    const sbom = ensureProviderNote(store, SBOM_NOTE, sbomNote);
    store.occurrences.upsert(project, `sbom\u0000${resourceUri}`, sbomOccurrence(resourceUri, sbom, host, result, result.sbomDigest), SYSTEM_AUTHOR);
  }
  recordFindings(store, project, resourceUri, result.findings, result.matchedAt);
}

function recordFindings(store: MetadataStore, project: string, resourceUri: string, findings: readonly Finding[], matchedAt: number): void {
  const prefix = `vuln\u0000${resourceUri}\u0000`;
  const current = new Set<string>();
  for (const finding of findings) {
    const note = upsertProviderNote(store, vulnerabilityNoteId(finding.id), vulnerabilityNote(finding));
    const key = `${prefix}${findingKey(finding)}`;
    current.add(key);
    store.occurrences.upsert(project, key, vulnerabilityOccurrence(resourceUri, note, finding), SYSTEM_AUTHOR);
  }
  for (const { key, occurrence } of store.occurrences.byWriterPrefix(prefix)) {
    if (current.has(key) || isRemovedFinding(occurrence)) continue;
    const { name: _name, createTime: _created, updateTime: _updated, ...body } = occurrence;
    const vulnerability = { ...(body.vulnerability as Record<string, unknown>), extraDetails: `${REMOVED} no longer reported by the scan matched at ${iso(matchedAt)}` };
    store.occurrences.upsert(project, key, { ...body, vulnerability }, SYSTEM_AUTHOR);
  }
}

/** Records a scan that could not finish: the DISCOVERY occurrence says FINISHED_FAILED and why. */
export function recordScanFailure(store: MetadataStore, host: string, failed: ScanFailed, now: number): void {
  const resourceUri = imageResourceUri(host, failed.repository, failed.digest);
  const noteName = ensureProviderNote(store, DISCOVERY_NOTE, discoveryNote);
  const body = {
    resourceUri,
    noteName,
    kind: 'DISCOVERY',
    discovery: { continuousAnalysis: 'ACTIVE', analysisStatus: 'FINISHED_FAILED', analysisStatusError: { code: 13, message: clip(failed.error, 4096) }, lastScanTime: iso(now) },
  };
  store.occurrences.upsert(projectOf(failed.repository), `discovery\u0000${resourceUri}`, body, SYSTEM_AUTHOR);
}
