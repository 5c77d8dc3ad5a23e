/** The scan's exit status: 1 when a reported (unsuppressed) finding is at or above `failOn`. */
import { type Severity, compareSeverity } from '../../vuln/index.ts';
import type { ScanReport } from './model.ts';

/** Without `failOn` findings never fail the scan (0); with it, 1 if any reported finding reaches it. */
export function exitCodeFor(report: ScanReport, failOn?: Severity): 0 | 1 {
  if (failOn === undefined) return 0;
  return report.findings.some(({ finding }) => compareSeverity(finding.severity, failOn) >= 0) ? 1 : 0;
}
