/**
 * The matcher: a pure function from an inventory and an advisory lookup to findings. No IO of its
 * own, no clock, no randomness: the same inputs give the same findings in the same order
 * (severity, most severe first, then id, then purl).
 *
 * What is matched:
 *   - OS packages through their distribution's records (see ecosystem.ts);
 *   - language packages through their ecosystem's records, EXCEPT those the OS package manager
 *     installed (`ownedBy`): distributions backport fixes without changing the upstream version, so
 *     a PyPI/npm advisory would flag a fixed package; the owning OS package carries the distro's
 *     verdict instead;
 *   - never the application itself (`isRoot`).
 * A version the ecosystem's package manager would reject is not compared at all (its order would
 * be a guess): the package is reported through `options.warn` and yields no finding.
 */
import { OS_PACKAGE_TYPES, type Inventory, type Package } from '../../inventory/index.ts';
import type { AdvisoryLookup, AffectedPackage, Finding, Severity } from '../model.ts';
import { compareSeverity } from '../severity/index.ts';
import { comparatorFor } from '../versions/index.ts';
import { groupByFlaw } from './aliases.ts';
import { matchTarget, normalizePackageName, type MatchTarget } from './ecosystem.ts';
import { buildFinding, fixesByAdvisory } from './finding.ts';
import { memoizedLookup } from './lookup-cache.ts';
import { isAffected } from './ranges.ts';

export type PackageClass = 'os' | 'library';

export interface MatchOptions {
  /** Drop findings with no fix to upgrade to (status 'unfixed' or 'will-not-fix'). */
  ignoreUnfixed?: boolean;
  /** Match only OS packages ('os') or only language packages ('library'); both when absent. */
  pkgTypes?: readonly PackageClass[];
  /** Keep only findings of these levels. */
  severities?: readonly Severity[];
  /** Receives what was skipped and why (invalid versions, malformed CVSS vectors). */
  warn?: (message: string) => void;
}

function classOf(pkg: Package): PackageClass {
  return OS_PACKAGE_TYPES.has(pkg.type) ? 'os' : 'library';
}

function isMatched(pkg: Package, options: MatchOptions): boolean {
  if (pkg.isRoot === true) return false;
  const packageClass = classOf(pkg);
  if (packageClass === 'library' && pkg.ownedBy !== undefined) return false;
  return options.pkgTypes === undefined || options.pkgTypes.includes(packageClass);
}

/** Records for the target in every ecosystem it may be filed under, whose name matches. */
function candidateRecords(target: MatchTarget, lookup: AdvisoryLookup): AffectedPackage[] {
  const candidates: AffectedPackage[] = [];
  const seen = target.lookupNames.length > 1 ? new Set<string>() : undefined;
  for (const ecosystem of target.ecosystems) {
    for (const name of target.lookupNames) {
      for (const record of lookup.affected(ecosystem, name)) {
        if (record.distroStatus === 'not-affected') continue;
        // Names asked for in two spellings may return one record twice, or a record whose own
        // spelling normalises to another name.
        if (seen !== undefined) {
          if (normalizePackageName(record.ecosystem, record.name) !== target.name) continue;
          const key = JSON.stringify(record);
          if (seen.has(key)) continue;
          seen.add(key);
        }
        candidates.push(record);
      }
    }
  }
  return candidates;
}

/** A distro verdict of "affected, no fix" with no versions to compare covers every version. */
function appliesTo(record: AffectedPackage, version: string): boolean {
  const verdictOnly = record.ranges.length === 0 && record.versions.length === 0;
  if (verdictOnly && (record.distroStatus === 'unfixed' || record.distroStatus === 'will-not-fix')) return true;
  return isAffected(record, version);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareSeverity(b.severity, a.severity) ||
    compareText(a.id, b.id) ||
    compareText(a.package.purl, b.package.purl) ||
    compareText(a.package.locations[0] ?? '', b.package.locations[0] ?? '') ||
    (a.package.layer?.index ?? -1) - (b.package.layer?.index ?? -1)
  );
}

export function matchInventory(inventory: Inventory, lookup: AdvisoryLookup, options: MatchOptions = {}): Finding[] {
  const warn = options.warn ?? (() => {});
  const cached = memoizedLookup(lookup);
  const severities = options.severities === undefined ? undefined : new Set(options.severities);
  const findings: Finding[] = [];
  for (const pkg of inventory.packages) {
    if (!isMatched(pkg, options)) continue;
    const target = matchTarget(pkg, inventory.os);
    if (target === undefined) continue;
    const comparator = comparatorFor(target.ecosystems[0]!);
    if (!comparator.isValid(target.version)) {
      warn(`${pkg.purl.slice(0, 200)}: version ${JSON.stringify(target.version.slice(0, 100))} is not a valid ${target.ecosystems[0]} version; not matched`);
      continue;
    }
    const candidates = candidateRecords(target, cached);
    const matched = candidates.filter((record) => appliesTo(record, target.version));
    if (matched.length === 0) continue;
    const fixes = fixesByAdvisory(candidates);
    for (const group of groupByFlaw(matched, cached)) {
      const finding = buildFinding({ pkg, target, group, fixes, comparator, lookup: cached, warn });
      if (options.ignoreUnfixed === true && finding.status !== 'fixed') continue;
      if (severities !== undefined && !severities.has(finding.severity)) continue;
      findings.push(finding);
    }
  }
  return findings.sort(compareFindings);
}
