/**
 * The lint report for people at a terminal: one block per file (LINE, SEVERITY, CHECK, MESSAGE),
 * then the fix for each check that fired, the counts per severity, the suppressed count and every
 * input warning in full.
 *
 * Messages quote the linted files, which are untrusted: every string passes through `printable`,
 * so an escape sequence in a Dockerfile or manifest cannot drive the reader's terminal.
 */
import { COLUMN_INDENT, columnWidths, fitLastColumn, fitToWidth, painter, printable, renderColumns } from '../../sbom/index.ts';
import { SEVERITY_ORDER, SEVERITY_STYLE } from '../../vuln/index.ts';
import type { LintFinding, LintReport } from '../model.ts';
import { checksById, countBySeverity, reportedFindings } from './summary.ts';

export interface LintTableOptions {
  /** ANSI colours (severity words, bold headings); the caller decides (a TTY, no --output). */
  color: boolean;
  /** Terminal width in columns: MESSAGE is shortened (with '…') to fit. Default: no limit. */
  width?: number;
}

const HEADINGS = ['LINE', 'SEVERITY', 'CHECK', 'MESSAGE'] as const;
const MIN_MESSAGE = 20;

export function formatLintTable(report: LintReport, options: LintTableOptions): string {
  const paint = painter(options.color);
  const reported = reportedFindings(report);
  const lines: string[] = [];

  if (reported.length === 0) {
    lines.push(`No findings: ${report.checks.length} check${plural(report.checks.length)} passed on ${report.files.length} file${plural(report.files.length)}.`);
  } else {
    const rows = reported.map(rowOf);
    const widths = columnWidths(HEADINGS, rows);
    fitLastColumn(widths, options.width, MIN_MESSAGE);
    for (const [file, group] of groupByFile(reported)) {
      lines.push(paint('bold', options.width === undefined ? printable(file) : fitToWidth(printable(file), options.width)));
      lines.push(COLUMN_INDENT + paint('bold', renderColumns([...HEADINGS], widths)));
      for (const finding of group) {
        const cells = rowOf(finding).map((cell, column) => fitToWidth(cell, widths[column] ?? 0));
        lines.push(COLUMN_INDENT + renderColumns(cells, widths, (cell, column) => (column === 1 ? paint(SEVERITY_STYLE[finding.severity], cell) : cell)));
      }
      lines.push('');
    }
    lines.push(paint('bold', 'How to fix'));
    const checks = checksById(report);
    for (const id of [...new Set(reported.map((finding) => finding.checkId))].sort()) {
      const check = checks.get(id);
      lines.push(`${COLUMN_INDENT}${printable(id)}  ${printable(check?.fix ?? 'see the check documentation')}`);
    }
  }

  lines.push('');
  const counts = countBySeverity(reported);
  for (const severity of [...SEVERITY_ORDER].reverse()) {
    if (severity === 'NONE' || severity === 'UNKNOWN') continue;
    lines.push(`${paint(SEVERITY_STYLE[severity], severity.padEnd(8))} ${counts[severity]}`);
  }
  const suppressed = report.findings.length - reported.length;
  if (suppressed > 0) lines.push(`${suppressed} suppressed by inline ignores (see the JSON or SARIF report for the reasons)`);
  for (const warning of report.warnings) lines.push(`warning: ${printable(warning.file)}: ${printable(warning.message)}`);
  return `${lines.join('\n')}\n`;
}

function rowOf(finding: LintFinding): string[] {
  const where = finding.resource === undefined ? '' : `[${printable(finding.resource)}] `;
  return [String(finding.line), finding.severity, printable(finding.checkId), where + printable(finding.message)];
}

function groupByFile(findings: readonly LintFinding[]): Map<string, LintFinding[]> {
  const groups = new Map<string, LintFinding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.file);
    if (group === undefined) groups.set(finding.file, [finding]);
    else group.push(finding);
  }
  return groups;
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
