/**
 * The scan report for people at a terminal: a header naming the target, then one block per
 * affected package (its findings: SEVERITY, ID, STATUS, FIXED IN, TITLE), then one summary line per
 * severity, suppressions and expired ignore entries.
 *
 * Every string from the target or the advisory data passes through `printable`: package names and
 * advisory titles are untrusted, and an escape sequence in one must not drive the reader's terminal.
 * Colour (severity words only, plus bold headings) is the caller's decision: on a terminal only.
 */
import { styleText } from 'node:util';
import stringWidth from 'string-width';
import { displayName, fitToWidth, printable } from '../../sbom/index.ts';
import { type Finding, SEVERITY_ORDER, type Severity } from '../../vuln/index.ts';
import type { ReportedFinding, ScanReport } from './model.ts';

export interface ScanTableOptions {
  color: boolean;
  /** Terminal width in columns: TITLE is shortened (with '…') to fit. Default: no limit. */
  width?: number;
}

type Style = Parameters<typeof styleText>[0];

const SEVERITY_STYLE: Record<Severity, Style> = {
  CRITICAL: ['bold', 'red'],
  HIGH: 'red',
  MEDIUM: 'yellow',
  LOW: 'cyan',
  NONE: 'gray',
  UNKNOWN: 'gray',
};

const HEADINGS = ['SEVERITY', 'ID', 'STATUS', 'FIXED IN', 'TITLE'] as const;
const GAP = '  ';
const INDENT = '  ';

export function formatScanTable(report: ScanReport, options: ScanTableOptions): string {
  const paint = (style: Style, text: string) => (options.color && text !== '' ? styleText(style, text, { validateStream: false }) : text);
  const lines: string[] = [`${paint('bold', 'Target')}  ${printable(report.target.reference)} (${report.target.kind})`];
  if (report.target.imageDigest !== undefined) lines.push(`${paint('bold', 'Digest')}  ${printable(report.target.imageDigest)}`);
  if (report.target.os !== undefined) lines.push(`${paint('bold', 'OS')}      ${printable([report.target.os.id, report.target.os.versionId].filter(Boolean).join(' '))}`);
  lines.push(`${paint('bold', 'Scanned')} ${report.inventory.packages} package${report.inventory.packages === 1 ? '' : 's'}`, '');

  if (report.findings.length === 0) {
    lines.push('No vulnerabilities found.');
  } else {
    const rows = report.findings.map(rowOf);
    const widths = HEADINGS.map((heading, column) => Math.max(stringWidth(heading), ...rows.map((row) => stringWidth(row[column] ?? ''))));
    fitTitle(widths, options.width);
    lines.push(INDENT + paint('bold', render([...HEADINGS], widths)));
    for (const [purl, group] of groupByPackage(report.findings)) {
      const pkg = group[0]?.finding.package;
      if (pkg === undefined) continue;
      const heading = `${printable(displayName(pkg))} ${printable(pkg.version)} (${pkg.type}) ${printable(purl)}`;
      lines.push(paint('bold', options.width === undefined ? heading : fitToWidth(heading, options.width)));
      for (const reported of group) {
        const cells = rowOf(reported).map((cell, column) => fitToWidth(cell, widths[column] ?? 0));
        const severity = reported.finding.severity;
        lines.push(INDENT + render(cells, widths, (cell, column) => (column === 0 ? paint(SEVERITY_STYLE[severity], cell) : cell)));
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

/** Shrinks TITLE (the last column) so the indented table fits `width`. */
function fitTitle(widths: number[], width: number | undefined): void {
  if (width === undefined) return;
  const others = widths.slice(0, -1).reduce((sum, w) => sum + w + GAP.length, INDENT.length);
  widths[widths.length - 1] = Math.max(8, Math.min(widths.at(-1) ?? 0, width - others));
}

function render(cells: readonly string[], widths: readonly number[], style: (cell: string, column: number) => string = (cell) => cell): string {
  // Padding is computed on the visible text, before styling adds invisible escape codes.
  return cells
    .map((cell, column) => style(cell, column) + (column === cells.length - 1 ? '' : ' '.repeat(Math.max(0, (widths[column] ?? 0) - stringWidth(cell)))))
    .join(GAP)
    .trimEnd();
}
