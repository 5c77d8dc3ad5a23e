/**
 * Secret findings for people at a terminal: one row per finding (SEVERITY, RULE, SECRET, LOCATION,
 * LAYER), most severe first, then counts. Secrets appear only redacted; every string from the
 * target passes through `printable` so an escape sequence in a file name cannot drive the terminal.
 */
import { columnWidths, painter, printable, renderColumns } from '../../sbom/index.ts';
import type { SecretScanResult } from '../types.ts';
import { layerLabel, severityRank, whereLabel } from './describe.ts';

export interface SecretsTableOptions {
  color: boolean;
}

const HEADINGS = ['SEVERITY', 'RULE', 'SECRET', 'LOCATION', 'LAYER'];

export function formatSecretsTable(result: SecretScanResult, options: SecretsTableOptions): string {
  const paint = painter(options.color);
  const bold = (text: string) => paint('bold', text);
  const lines = [`${bold('Target'.padEnd(9))}${printable(result.target.reference)} (${result.target.kind})`, ''];
  const findings = [...result.findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  if (findings.length === 0) {
    lines.push('No secrets found.');
  } else {
    const rows = findings.map((finding) => [finding.severity, finding.ruleId, printable(finding.redacted), printable(whereLabel(finding)), printable(layerLabel(finding.source))]);
    const widths = columnWidths(HEADINGS, rows);
    lines.push(bold(renderColumns(HEADINGS, widths)), ...rows.map((row) => renderColumns(row, widths)));
  }
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  const perSeverity = [...counts].map(([severity, count]) => `${severity} ${count}`).join(', ');
  lines.push('', bold(`${findings.length} finding${findings.length === 1 ? '' : 's'}${perSeverity === '' ? '' : `: ${perSeverity}`}`));
  const { filesScanned, filesBinary, filesTooLarge, suppressed } = result.stats;
  lines.push(`${filesScanned} files scanned, ${filesBinary} binary and ${filesTooLarge} over the size limit skipped, ${suppressed} matches suppressed`);
  if (result.warnings.length > 0) lines.push(`${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'} (see the JSON format for details)`);
  return `${lines.join('\n')}\n`;
}
