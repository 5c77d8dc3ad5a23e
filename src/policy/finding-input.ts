/**
 * A scanner finding as the policy engine reads it. Every gate that holds scan results (pull gates,
 * signing gates, auto-signing, admission) converts them here, so they all hand the engine the same facts.
 */
import type { Finding } from '../vuln/index.ts';
import type { PolicyFinding } from './types.ts';

/** `firstSeen`: ms since the epoch the finding was first seen on the image (starts its grace period). */
export function policyFindingOf(finding: Finding, firstSeen?: number): PolicyFinding {
  const { name, version, ecosystem, purl } = finding.package;
  return {
    id: finding.id,
    aliases: finding.aliases,
    severity: finding.severity,
    package: { name, version, ecosystem, purl },
    ...(finding.fixedVersion !== undefined && { fixedVersion: finding.fixedVersion }),
    ...(firstSeen !== undefined && { firstSeen: new Date(firstSeen).toISOString() }),
  };
}
