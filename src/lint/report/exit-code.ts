/** The lint run's exit status, the same rule as the scan's: only a threshold the user set can fail it. */
import { type Severity, compareSeverity } from '../../vuln/index.ts';
import type { LintReport } from '../model.ts';

/** Without `failOn` the run never fails (0); with it, 1 if an unsuppressed finding reaches it. */
export function lintExitCode(report: LintReport, failOn?: Severity): 0 | 1 {
  if (failOn === undefined) return 0;
  return report.findings.some((finding) => finding.suppressed === undefined && compareSeverity(finding.severity, failOn) >= 0) ? 1 : 0;
}
