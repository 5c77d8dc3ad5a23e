/**
 * What every lint formatter needs from a report: findings in reading order, the reported ones split
 * from the suppressed ones, counts per severity, and each check by id.
 */
import { type Severity, SEVERITY_ORDER, compareSeverity } from '../../vuln/index.ts';
import type { CheckDefinition, LintFinding, LintReport } from '../model.ts';

export type SeverityCounts = Record<Severity, number>;

/** File, then line, then the most severe first, then check id: the order a reader walks a file in. */
export function compareFindings(a: LintFinding, b: LintFinding): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    compareSeverity(b.severity, a.severity) ||
    compareStrings(a.checkId, b.checkId) ||
    compareStrings(a.message, b.message)
  );
}

/** Code-unit order, the same on every machine (localeCompare depends on the ICU data). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedFindings(report: LintReport): LintFinding[] {
  return [...report.findings].sort(compareFindings);
}

/** The findings an inline ignore did not suppress. */
export function reportedFindings(report: LintReport): LintFinding[] {
  return sortedFindings(report).filter((finding) => finding.suppressed === undefined);
}

export function countBySeverity(findings: readonly LintFinding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export function checksById(report: LintReport): Map<string, CheckDefinition> {
  return new Map(report.checks.map((check) => [check.id, check]));
}

/** `4.1, 4.6` style labels per framework, for help texts: "CIS Docker 4.1; NIST SP 800-190 4.4.2". */
export function complianceLabels(check: CheckDefinition): string[] {
  const names: Record<string, string> = {
    'cis-docker': 'CIS Docker Benchmark',
    'cis-k8s': 'CIS Kubernetes Benchmark',
    'nsa-k8s': 'NSA/CISA Kubernetes Hardening',
    'nist-800-190': 'NIST SP 800-190',
    pss: 'Pod Security Standards',
  };
  return Object.entries(check.compliance)
    .filter((entry): entry is [string, string[]] => Array.isArray(entry[1]) && entry[1].length > 0)
    .map(([framework, controls]) => `${names[framework] ?? framework} ${controls.join(', ')}`);
}
