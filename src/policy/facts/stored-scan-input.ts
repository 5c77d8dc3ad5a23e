/**
 * A Portcullis server's stored scan as the policy engine reads it. Every caller that judges a
 * stored scan (`sign --require-scan`, `policy eval`, remote facts) converts it here, so they all
 * hand the engine the same facts.
 */
import type { StoredScan } from '../../signing/index.ts';
import type { PolicyScan } from '../types.ts';

export function policyScanOf(scan: StoredScan): PolicyScan {
  return {
    state: scan.state,
    ...(scan.completedAt !== undefined && { completedAt: scan.completedAt }),
    findings: scan.findings.map((finding) => ({
      id: finding.id,
      aliases: finding.aliases,
      severity: finding.severity,
      package: finding.package,
      // Kept as the server gives it, whatever the status: a fix the policy should not count would
      // only make "with fix" rules stricter, never let a finding through.
      ...(finding.fixedVersion !== undefined && { fixedVersion: finding.fixedVersion }),
      ...(finding.firstSeen !== undefined && { firstSeen: finding.firstSeen }),
    })),
  };
}
