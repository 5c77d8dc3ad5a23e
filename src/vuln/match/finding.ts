/**
 * Building one Finding from the records of one flaw in one package: ids, fix status and the
 * suggested upgrade, severity, and the advisory text.
 */
import type { Package } from '../../inventory/index.ts';
import type { Advisory, AdvisoryLookup, AffectedPackage, Finding, FindingPackage, FindingStatus } from '../model.ts';
import type { VersionComparator } from '../versions/index.ts';
import type { FlawGroup } from './aliases.ts';
import type { MatchTarget } from './ecosystem.ts';
import { rate } from './rating.ts';
import { preparedRecord } from './ranges.ts';

function findingPackage(pkg: Package, target: MatchTarget): FindingPackage {
  const reported: FindingPackage = {
    purl: pkg.purl,
    name: pkg.name,
    type: pkg.type,
    version: pkg.version,
    ecosystem: target.ecosystems[0]!,
    matchedName: target.name,
    matchedVersion: target.version,
    locations: [...pkg.locations],
  };
  if (pkg.namespace !== undefined) reported.namespace = pkg.namespace;
  if (pkg.layer !== undefined) reported.layer = { ...pkg.layer };
  if (pkg.ownedBy !== undefined) reported.ownedBy = pkg.ownedBy;
  return reported;
}

/** Every fixed version each advisory gives for the package, over all its records (matched or not). */
export function fixesByAdvisory(candidates: readonly AffectedPackage[]): Map<string, string[]> {
  const fixes = new Map<string, string[]>();
  for (const record of candidates) {
    const fixed = preparedRecord(record).fixed;
    if (fixed.length === 0) continue;
    const known = fixes.get(record.advisoryId);
    if (known === undefined) fixes.set(record.advisoryId, [...fixed]);
    else known.push(...fixed);
  }
  return fixes;
}

/**
 * Distinct fixed versions of the flaw in this package, in version order: from the matched records
 * and from their siblings that did not match (an advisory often files one record per release
 * branch; the fix on another branch is still a way out).
 */
function fixedVersions(group: FlawGroup, fixes: ReadonlyMap<string, readonly string[]>, comparator: VersionComparator): string[] {
  const versions = new Set<string>();
  for (const id of group.ids) for (const fixed of fixes.get(id) ?? []) versions.add(fixed);
  return [...versions].sort((a, b) => comparator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

function statusOf(group: FlawGroup, fixedVersion: string | undefined): FindingStatus {
  if (fixedVersion !== undefined) return 'fixed';
  return group.records.some((record) => record.distroStatus === 'will-not-fix') ? 'will-not-fix' : 'unfixed';
}

/** The advisories of the flaw, best id first, then the matched records, then the other aliases. */
function advisoriesOf(group: FlawGroup, advisoryIds: readonly string[], lookup: AdvisoryLookup): Advisory[] {
  const order = [group.id, ...advisoryIds, ...[...group.ids].sort()];
  const advisories: Advisory[] = [];
  for (const id of new Set(order)) {
    const advisory = lookup.advisory(id);
    if (advisory !== undefined) advisories.push(advisory);
  }
  return advisories;
}

function firstText(advisories: readonly Advisory[], field: 'summary' | 'details'): string | undefined {
  return advisories.map((advisory) => advisory[field]).find((text) => text !== undefined && text.trim() !== '');
}

/** Earliest (`min`) or latest timestamp; ISO 8601 strings order as text. */
function extremeDate(advisories: readonly Advisory[], field: 'published' | 'modified', pick: 'min' | 'max'): string | undefined {
  let best: string | undefined;
  for (const advisory of advisories) {
    const value = advisory[field];
    if (value !== undefined && (best === undefined || (pick === 'min' ? value < best : value > best))) best = value;
  }
  return best;
}

function references(advisories: readonly Advisory[]): Array<{ type: string; url: string }> {
  const seen = new Set<string>();
  const merged: Array<{ type: string; url: string }> = [];
  for (const advisory of advisories) {
    for (const reference of advisory.references) {
      if (seen.has(reference.url)) continue;
      seen.add(reference.url);
      merged.push({ type: reference.type, url: reference.url });
    }
  }
  return merged;
}

export interface FindingInput {
  pkg: Package;
  target: MatchTarget;
  group: FlawGroup;
  /** Fixed versions by advisory id, from every record filed for the package (fixesByAdvisory). */
  fixes: ReadonlyMap<string, readonly string[]>;
  comparator: VersionComparator;
  lookup: AdvisoryLookup;
  warn: (message: string) => void;
}

export function buildFinding({ pkg, target, group, fixes, comparator, lookup, warn }: FindingInput): Finding {
  const advisoryIds = [...new Set(group.records.map((record) => record.advisoryId))].sort();
  const fixed = fixedVersions(group, fixes, comparator);
  const fixedVersion = fixed.find((version) => comparator.compare(version, target.version) > 0);
  const advisories = advisoriesOf(group, advisoryIds, lookup);
  const rating = rate(group.records, advisories, target.distro, warn);
  const finding: Finding = {
    id: group.id,
    aliases: [...group.ids].filter((id) => id !== group.id).sort(),
    advisoryIds,
    package: findingPackage(pkg, target),
    status: statusOf(group, fixedVersion),
    fixedVersions: fixed,
    severity: rating.severity,
    cvss: rating.cvss,
    references: references(advisories),
  };
  if (fixedVersion !== undefined) finding.fixedVersion = fixedVersion;
  if (rating.severitySource !== undefined) finding.severitySource = rating.severitySource;
  const title = firstText(advisories, 'summary');
  const description = firstText(advisories, 'details');
  const published = extremeDate(advisories, 'published', 'min');
  const modified = extremeDate(advisories, 'modified', 'max');
  if (title !== undefined) finding.title = title;
  if (description !== undefined) finding.description = description;
  if (published !== undefined) finding.published = published;
  if (modified !== undefined) finding.modified = modified;
  return finding;
}
