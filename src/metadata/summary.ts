/**
 * The vulnerability summary of Container Analysis (`occurrences:vulnerabilitySummary`): per
 * resource and severity, how many VULNERABILITY occurrences there are and how many have a fix.
 * Findings a rescan no longer reports (see scan-writer.ts) are not counted.
 */
import type { Occurrence } from './model.ts';
import { isRemovedFinding } from './scan-writer.ts';

export interface FixableTotalByDigest {
  resourceUri: string;
  severity: string;
  fixableCount: string;
  totalCount: string;
}

export function vulnerabilitySummary(occurrences: Iterable<Occurrence>): { counts: FixableTotalByDigest[] } {
  const counts = new Map<string, { resourceUri: string; severity: string; fixable: number; total: number }>();
  for (const occurrence of occurrences) {
    if (isRemovedFinding(occurrence)) continue;
    const vulnerability = (occurrence.vulnerability ?? {}) as { effectiveSeverity?: string; severity?: string; fixAvailable?: boolean };
    const severity = vulnerability.effectiveSeverity ?? vulnerability.severity ?? 'SEVERITY_UNSPECIFIED';
    const key = `${occurrence.resourceUri}\u0000${severity}`;
    const entry = counts.get(key) ?? { resourceUri: occurrence.resourceUri, severity, fixable: 0, total: 0 };
    entry.total++;
    if (vulnerability.fixAvailable === true) entry.fixable++;
    counts.set(key, entry);
  }
  // int64 counts are strings in proto3 JSON.
  return {
    counts: [...counts.values()]
      .sort((a, b) => (a.resourceUri === b.resourceUri ? a.severity.localeCompare(b.severity) : a.resourceUri < b.resourceUri ? -1 : 1))
      .map((entry) => ({ resourceUri: entry.resourceUri, severity: entry.severity, fixableCount: String(entry.fixable), totalCount: String(entry.total) })),
  };
}
