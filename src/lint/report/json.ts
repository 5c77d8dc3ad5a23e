/**
 * The lint report as JSON for programs: a versioned envelope with a summary, the findings in reading
 * order (each with its check's title and fix, so a consumer needs no second lookup), the checks that
 * ran and the input warnings. Suppressed findings stay in `findings` with their `suppressed` reason.
 */
import type { LintReport } from '../model.ts';
import { checksById, countBySeverity, reportedFindings, sortedFindings } from './summary.ts';

/** Bumped when a field changes meaning or goes away; new fields do not bump it. */
export const LINT_JSON_SCHEMA_VERSION = 1;

export function formatLintJson(report: LintReport): string {
  const checks = checksById(report);
  const reported = reportedFindings(report);
  const document = {
    schemaVersion: LINT_JSON_SCHEMA_VERSION,
    kind: report.kind,
    files: report.files,
    summary: {
      checks: report.checks.length,
      findings: reported.length,
      suppressed: report.findings.length - reported.length,
      bySeverity: countBySeverity(reported),
      warnings: report.warnings.length,
    },
    findings: sortedFindings(report).map((finding) => ({
      checkId: finding.checkId,
      title: checks.get(finding.checkId)?.title ?? finding.checkId,
      severity: finding.severity,
      message: finding.message,
      file: finding.file,
      line: finding.line,
      ...(finding.endLine !== undefined && { endLine: finding.endLine }),
      ...(finding.resource !== undefined && { resource: finding.resource }),
      fix: checks.get(finding.checkId)?.fix ?? '',
      ...(finding.suppressed !== undefined && { suppressed: finding.suppressed }),
    })),
    checks: report.checks,
    warnings: report.warnings,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
