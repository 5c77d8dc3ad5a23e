/**
 * The scan report for people at a terminal: a header naming the target, then one block per
 * affected package (its findings: SEVERITY, ID, STATUS, FIXED IN, TITLE), then one summary line per
 * severity, suppressions and expired ignore entries.
 *
 * Every string from the target or the advisory data passes through `printable`: package names and
 * advisory titles are untrusted, and an escape sequence in one must not drive the reader's terminal.
 * Colour (severity words only, plus bold headings) is the caller's decision: on a terminal only.
 */
import { COLUMN_INDENT, columnWidths, displayName, fitLastColumn, fitToWidth, painter, printable, renderColumns } from '../../sbom/index.ts';
import { type Finding, SEVERITY_ORDER, SEVERITY_STYLE } from '../../vuln/index.ts';
import type { ReportedFinding, ScanReport } from './model.ts';

export interface ScanTableOptions {
  color: boolean;
  /** Terminal width in columns: TITLE is shortened (with '…') to fit. Default: no limit. */
  width?: number;
}

const HEADINGS = ['SEVERITY', 'ID', 'STATUS', 'FIXED IN', 'TITLE'] as const;
const MIN_TITLE = 8;

export function formatScanTable(report: ScanReport, options: ScanTableOptions): string {
  const paint = painter(options.color);
  const lines: string[] = [`${paint('bold', 'Target')}  ${printable(report.target.reference)} (${report.target.kind})`];
  if (report.target.imageDigest !== undefined) lines.push(`${paint('bold', 'Digest')}  ${printable(report.target.imageDigest)}`);
  if (report.target.os !== undefined) lines.push(`${paint('bold', 'OS')}      ${printable([report.target.os.id, report.target.os.versionId].filter(Boolean).join(' '))}`);
  lines.push(`${paint('bold', 'Scanned')} ${report.inventory.packages} package${report.inventory.packages === 1 ? '' : 's'}`, '');

  if (report.findings.length === 0) {
    lines.push('No vulnerabilities found.');
  } else {
    const rows = report.findings.map(rowOf);
    const widths = columnWidths(HEADINGS, rows);
    fitLastColumn(widths, options.width, MIN_TITLE);
    lines.push(COLUMN_INDENT + paint('bold', renderColumns([...HEADINGS], widths)));
    for (const [purl, group] of groupByPackage(report.findings)) {
      const pkg = group[0]?.finding.package;
      if (pkg === undefined) continue;
      const heading = `${printable(displayName(pkg))} ${printable(pkg.version)} (${pkg.type}) ${printable(purl)}`;
      lines.push(paint('bold', options.width === undefined ? heading : fitToWidth(heading, options.width)));
      for (const reported of group) {
        const cells = rowOf(reported).map((cell, column) => fitToWidth(cell, widths[column] ?? 0));
        const severity = reported.finding.severity;
        lines.push(COLUMN_INDENT + renderColumns(cells, widths, (cell, column) => (column === 0 ? paint(SEVERITY_STYLE[severity], cell) : cell)));
      }
    }
  }

  lines.push('');
  for (const severity of [...SEVERITY_ORDER].reverse()) {
    lines.push(`${paint(SEVERITY_STYLE[severity], severity.padEnd(8))} ${report.counts[severity]}`);
  }
  if (report.suppressed.length > 0) lines.push(`${report.suppressed.length} suppressed (ignore file or VEX; see the JSON report)`);
  for (const { entry, wouldSuppress } of report.expiredIgnores) {
    lines.push(`expired ignore entry ${printable(entry.id)} (${printable(entry.source)}, expired ${entry.expires ?? ''}) would suppress ${wouldSuppress}`);
  }
  if (report.warnings.length > 0) lines.push(`${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'} (see the JSON report)`);
  return `${lines.join('\n')}\n`;
}

function rowOf({ finding, vex }: ReportedFinding): string[] {
  const status = vex === undefined ? finding.status : `${finding.status}, VEX ${vex.status}`;
  return [finding.severity, printable(finding.id), status, printable(finding.fixedVersion ?? ''), printable(titleOf(finding))];
}

function titleOf(finding: Finding): string {
  return (finding.title ?? finding.description ?? '').split('\n')[0] ?? '';
}

/** Findings by package purl, packages in order of their most severe finding (the report's order). */
function groupByPackage(findings: readonly ReportedFinding[]): Map<string, ReportedFinding[]> {
  const groups = new Map<string, ReportedFinding[]>();
  for (const reported of findings) {
    const group = groups.get(reported.finding.package.purl);
    if (group === undefined) groups.set(reported.finding.package.purl, [reported]);
    else group.push(reported);
  }
  return groups;
}

