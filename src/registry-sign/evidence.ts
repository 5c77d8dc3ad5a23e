/**
 * What an auto-signature rests on: cosign's vuln predicate
 * (https://cosign.sigstore.dev/attestation/vuln/v1) describing the stored scan, attached as an
 * attestation beside the signature as `sign --require-scan` does.
 */
import { pathToFileURL } from 'node:url';
import type { ScanResult } from '../registry-scan/index.ts';

/** The vuln predicate of a stored scan: summary and findings as matched, and which database matched them. */
export function storedScanPredicate(result: ScanResult, toolVersion: string, rule: string): unknown {
  const database = result.advisoryDatabase;
  return {
    invocation: { parameters: { rule }, uri: '', event_id: '', 'builder.id': 'portcullis-autosign' },
    scanner: {
      uri: 'pkg:npm/portcullis',
      version: toolVersion,
      db: { uri: database === undefined ? '' : pathToFileURL(database.path).href, version: database?.updatedAt ?? '' },
      result: {
        summary: result.summary,
        findings: result.findings.map((finding) => ({
          id: finding.id,
          severity: finding.severity,
          package: { name: finding.package.name, version: finding.package.version, purl: finding.package.purl },
          ...(finding.fixedVersion !== undefined && { fixedVersion: finding.fixedVersion }),
        })),
      },
    },
    metadata: { scanStartedOn: new Date(result.scannedAt).toISOString(), scanFinishedOn: new Date(result.matchedAt).toISOString() },
  };
}
