/**
 * The lint report for people at a terminal: one block per file (LINE, SEVERITY, CHECK, MESSAGE),
 * then the fix for each check that fired, the counts per severity, the suppressed count and every
 * input warning in full.
 *
 * Messages quote the linted files, which are untrusted: every string passes through `printable`,
 * so an escape sequence in a Dockerfile or manifest cannot drive the reader's terminal.
 */
import { styleText } from 'node:util';
import stringWidth from 'string-width';
import { fitToWidth, printable } from '../../sbom/index.ts';
import { SEVERITY_ORDER, type Severity } from '../../vuln/index.ts';
import type { LintFinding, LintReport } from '../model.ts';
import { checksById, countBySeverity, reportedFindings } from './summary.ts';

export interface LintTableOptions {
  /** ANSI colours (severity words, bold headings); the caller decides (a TTY, no --output). */
  color: boolean;
  /** Terminal width in columns: MESSAGE is shortened (with '…') to fit. Default: no limit. */
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

const HEADINGS = ['LINE', 'SEVERITY', 'CHECK', 'MESSAGE'] as const;
const GAP = '  ';
const INDENT = '  ';
const MIN_MESSAGE = 20;

export function formatLintTable(report: LintReport, options: LintTableOptions): string {
  const paint = (style: Style, text: string) => (options.color && text !== '' ? styleText(style, text, { validateStream: false }) : text);
  const reported = reportedFindings(report);
  const lines: string[] = [];

  if (reported.length === 0) {
    lines.push(`No findings: ${report.checks.length} check${plural(report.checks.length)} passed on ${report.files.length} file${plural(report.files.length)}.`);
  } else {
    const rows = reported.map(rowOf);
    const widths = HEADINGS.map((heading, column) => Math.max(stringWidth(heading), ...rows.map((row) => stringWidth(row[column] ?? ''))));
    fitMessage(widths, options.width);
    for (const [file, group] of groupByFile(reported)) {
      lines.push(paint('bold', options.width === undefined ? printable(file) : fitToWidth(printable(file), options.width)));
      lines.push(INDENT + paint('bold', render([...HEADINGS], widths)));
      for (const finding of group) {
        const cells = rowOf(finding).map((cell, column) => fitToWidth(cell, widths[column] ?? 0));
        lines.push(INDENT + render(cells, widths, (cell, column) => (column === 1 ? paint(SEVERITY_STYLE[finding.severity], cell) : cell)));
      }
      lines.push('');
    }
    lines.push(paint('bold', 'How to fix'));
    const checks = checksById(report);
    for (const id of [...new Set(reported.map((finding) => finding.checkId))].sort()) {
      const check = checks.get(id);
      lines.push(`${INDENT}${printable(id)}  ${printable(check?.fix ?? 'see the check documentation')}`);
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

/** Shrinks MESSAGE (the last column) so the indented table fits `width`. */
function fitMessage(widths: number[], width: number | undefined): void {
  if (width === undefined) return;
  const others = widths.slice(0, -1).reduce((sum, w) => sum + w + GAP.length, INDENT.length);
  widths[widths.length - 1] = Math.max(MIN_MESSAGE, Math.min(widths.at(-1) ?? 0, width - others));
}

function render(cells: readonly string[], widths: readonly number[], style: (cell: string, column: number) => string = (cell) => cell): string {
  // Padding is computed on the visible text, before styling adds invisible escape codes.
  return cells
    .map((cell, column) => style(cell, column) + (column === cells.length - 1 ? '' : ' '.repeat(Math.max(0, (widths[column] ?? 0) - stringWidth(cell)))))
    .join(GAP)
    .trimEnd();
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
