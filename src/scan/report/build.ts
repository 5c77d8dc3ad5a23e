/**
 * `buildScanReport`: the matcher's findings for one inventory, with suppression applied, into the
 * ScanReport every formatter reads. Pure: the same input (and `now`) gives the same report.
 *
 * Suppression order: a VEX statement decides first (`not_affected` / `fixed` suppress;
 * `affected` / `under_investigation` stay and carry the statement), then ignore entries that have
 * not expired. Expired entries suppress nothing and are listed with what they would have covered.
 */
import type { Inventory } from '../../inventory/index.ts';
import { compareText, packageKey } from '../../sbom/index.ts';
import { type Finding, SEVERITY_ORDER, compareSeverity } from '../../vuln/index.ts';
import { isExpired } from './ignore-file.ts';
import { type FindingTest, ignoreTest } from './ignore-match.ts';
import type { ExpiredIgnore, IgnoreEntry, ReportedFinding, ScanReport, SeverityCounts, SuppressedFinding } from './model.ts';
import { vexDecider } from './vex-match.ts';
import type { VexDocument } from './vex.ts';

export interface BuildReportInput {
  inventory: Inventory;
  findings: readonly Finding[];
  toolVersion: string;
  ignores?: readonly IgnoreEntry[];
  vex?: readonly VexDocument[];
  /** When expiry dates are judged; default now. */
  now?: Date;
}

export function buildScanReport(input: BuildReportInput): ScanReport {
  const { inventory, toolVersion, ignores = [], vex = [], now = new Date() } = input;
  const imageDigest = inventory.image?.manifestDigest;
  const decideVex = vexDecider(vex, imageDigest);
  const active: Array<{ entry: IgnoreEntry; test: FindingTest }> = [];
  const expired: Array<{ entry: IgnoreEntry; test: FindingTest; count: number }> = [];
  for (const entry of ignores) {
    if (isExpired(entry, now)) expired.push({ entry, test: ignoreTest(entry), count: 0 });
    else active.push({ entry, test: ignoreTest(entry) });
  }

  const findings: ReportedFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of [...input.findings].sort(compareFindings)) {
    const statement = decideVex(finding);
    if (statement !== undefined && (statement.status === 'not_affected' || statement.status === 'fixed')) {
      suppressed.push({ finding, suppressedBy: { kind: 'vex', statement } });
      continue;
    }
    for (const stale of expired) if (stale.test(finding)) stale.count++;
    const ignore = active.find(({ test }) => test(finding));
    if (ignore !== undefined) {
      suppressed.push({ finding, suppressedBy: { kind: 'ignore', entry: ignore.entry } });
      continue;
    }
    findings.push(statement === undefined ? { finding } : { finding, vex: statement });
  }

  const target: ScanReport['target'] = { reference: inventory.target.reference, kind: inventory.target.kind };
  if (imageDigest !== undefined) target.imageDigest = imageDigest;
  if (inventory.os !== undefined) target.os = inventory.os;
  return {
    schemaVersion: 1,
    tool: { name: 'portcullis', version: toolVersion },
    target,
    inventory: inventorySummary(inventory),
    findings,
    suppressed,
    expiredIgnores: expired.map(({ entry, count }): ExpiredIgnore => ({ entry, wouldSuppress: count })),
    warnings: [...inventory.warnings],
    counts: countBySeverity(findings.map(({ finding }) => finding)),
  };
}

/** Report order: most severe first, then package purl, then id (text order, locale-independent). */
export function compareFindings(a: Finding, b: Finding): number {
  return compareSeverity(b.severity, a.severity) || compareText(a.package.purl, b.package.purl) || compareText(a.id, b.id);
}

/** Packages counted as the SBOMs list them: one per purl, however often the inventory saw it. */
function inventorySummary(inventory: Inventory): ScanReport['inventory'] {
  const distinct = new Map(inventory.packages.map((pkg) => [packageKey(pkg), pkg.type]));
  const byType = new Map<string, number>();
  for (const type of distinct.values()) byType.set(type, (byType.get(type) ?? 0) + 1);
  return {
    packages: distinct.size,
    byType: Object.fromEntries([...byType].sort(([a], [b]) => compareText(a, b))),
  };
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries([...SEVERITY_ORDER].reverse().map((severity) => [severity, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}
