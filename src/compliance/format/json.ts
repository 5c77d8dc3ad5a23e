/**
 * The report for programs: the model written out as it is (docs/commands/compliance.md).
 */
import type { ComplianceReport } from '../model.ts';

export function formatComplianceJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
