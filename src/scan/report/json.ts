/**
 * The scan report as JSON (docs/formats/scan-json.md): the ScanReport model written out with its
 * keys in one documented order, whatever order the objects were built in, so two runs over the
 * same input give the same bytes and diffs between runs stay small.
 */
import type { ScanReport } from './model.ts';

/** Keys in output order; keys not listed follow in text order. */
const KEY_ORDER = [
  // report
  'schemaVersion', 'tool', 'target', 'inventory', 'counts', 'findings', 'suppressed', 'expiredIgnores', 'warnings',
  // counts, most severe first
  'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'UNKNOWN',
  // tool, target, inventory
  'name', 'version', 'reference', 'kind', 'imageDigest', 'os', 'packages', 'byType',
  // entries of findings and suppressed
  'finding', 'vex', 'suppressedBy', 'entry', 'statement', 'wouldSuppress',
  // a finding
  'id', 'aliases', 'advisoryIds', 'package', 'status', 'severity', 'severitySource', 'fixedVersion', 'fixedVersions', 'cvss', 'title', 'description', 'references', 'published', 'modified',
  // a finding's package
  'purl', 'namespace', 'type', 'ecosystem', 'matchedName', 'matchedVersion', 'layer', 'locations', 'ownedBy',
  // suppressions
  'source', 'reason', 'owner', 'expires', 'path', 'document', 'vulnerability', 'justification', 'impactStatement', 'actionStatement', 'statusNotes', 'timestamp',
];
const RANK = new Map(KEY_ORDER.map((key, index) => [key, index]));

export function formatScanJson(report: ScanReport): string {
  return `${JSON.stringify(report, orderKeys, 2)}\n`;
}

function orderKeys(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  entries.sort(([a], [b]) => (RANK.get(a) ?? KEY_ORDER.length) - (RANK.get(b) ?? KEY_ORDER.length) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}
