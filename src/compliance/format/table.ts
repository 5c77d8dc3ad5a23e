/**
 * The report for people: one line per control with its verdict, the findings behind each failure
 * (the first few; --format json has them all) and why a control is manual or not evaluated.
 */
import type { ComplianceReport, ControlStatus, EvidenceItem } from '../model.ts';

export interface ComplianceTableOptions {
  color?: boolean;
  /** Findings listed under each failed control before "... and N more". */
  evidencePerControl?: number;
}

const LABEL: Record<ControlStatus, string> = { pass: 'PASS', fail: 'FAIL', manual: 'MANUAL', 'not-evaluated': 'NOT EVALUATED' };
const COLOR: Record<ControlStatus, string> = { pass: '32', fail: '31', manual: '36', 'not-evaluated': '33' };

export function formatComplianceTable(report: ComplianceReport, options: ComplianceTableOptions = {}): string {
  const paint = (status: ControlStatus, text: string) => (options.color ? `\u001b[${COLOR[status]}m${text}\u001b[0m` : text);
  const limit = options.evidencePerControl ?? 10;
  const lines = [`${report.framework.name}`, ...targetLines(report), ''];
  let group: string | undefined;
  for (const control of report.controls) {
    if (control.group !== group) {
      group = control.group;
      lines.push(group);
    }
    lines.push(`  ${paint(control.status, LABEL[control.status].padEnd(13))} ${control.id.padEnd(7)} ${control.title}`);
    for (const item of control.evidence.slice(0, limit)) lines.push(`      ${evidenceLine(item)}`);
    if (control.evidence.length > limit) lines.push(`      ... and ${control.evidence.length - limit} more`);
    if (control.reason !== undefined) lines.push(`      ${control.reason}`);
  }
  const { pass, fail, manual } = report.counts;
  lines.push('', `${report.controls.length} controls: ${pass} pass, ${fail} fail, ${manual} manual, ${report.counts['not-evaluated']} not evaluated`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

function targetLines(report: ComplianceReport): string[] {
  const { images, dockerfiles, manifests } = report.targets;
  return [
    ...(images.length > 0 ? [`images: ${images.join(', ')}`] : []),
    ...(dockerfiles.length > 0 ? [`Dockerfiles: ${dockerfiles.join(', ')}`] : []),
    ...(manifests.length > 0 ? [`manifests: ${manifests.join(', ')}`] : []),
  ];
}

/** `PC-DF-004 HIGH Dockerfile:12 [stage 1] message` */
export function evidenceLine(item: EvidenceItem): string {
  const where = [item.target, item.file === undefined ? undefined : item.line === undefined ? item.file : `${item.file}:${item.line}`].filter((part) => part !== undefined).join(' ');
  const resource = item.resource === undefined ? '' : ` [${item.resource}]`;
  return `${item.id} ${item.severity} ${where}${resource} ${item.message}`;
}
