/**
 * One flaw, one finding: the advisory records that matched a package are grouped by the flaw they
 * describe, using the lookup's alias groups.
 *
 * A flaw is known by its CVE when it has one. Alias graphs are transitive, and some records list
 * several CVEs as "aliases" (a DSA fixing five flaws at once); through such an umbrella record the
 * group of every one of those CVEs becomes the same. So a record whose alias group holds several
 * CVEs is keyed by its OWN ids instead: a GHSA with one CVE alias joins that CVE's finding, and an
 * umbrella record joins the finding of each CVE it names.
 */
import type { AdvisoryLookup, AffectedPackage } from '../model.ts';

export interface FlawGroup {
  /** The best-known id of the flaw. */
  id: string;
  /** Every id the flaw is known by, `id` included. */
  ids: Set<string>;
  /** The matched records that describe it. */
  records: AffectedPackage[];
}

function isCve(id: string): boolean {
  return id.startsWith('CVE-');
}

/** The CVE when there is one, else the GHSA, else the first id in sorted order. */
export function bestId(ids: Iterable<string>): string {
  const sorted = [...ids].sort();
  return sorted.find(isCve) ?? sorted.find((id) => id.startsWith('GHSA-')) ?? sorted[0] ?? '';
}

/** A record's own ids: its advisory id and the aliases that advisory lists. */
function ownIds(record: AffectedPackage, lookup: AdvisoryLookup): string[] {
  return [record.advisoryId, ...(lookup.advisory(record.advisoryId)?.aliases ?? [])];
}

/** Which flaws (by best id) a record describes, and under which ids. */
function keysOf(record: AffectedPackage, lookup: AdvisoryLookup): { keys: string[]; ids: string[] } {
  const group = [record.advisoryId, ...lookup.aliasGroup(record.advisoryId)];
  const cves = new Set(group.filter(isCve));
  if (cves.size <= 1) return { keys: [bestId(group)], ids: group };
  const own = ownIds(record, lookup);
  const ownCves = [...new Set(own.filter(isCve))];
  return { keys: ownCves.length > 0 ? ownCves : [bestId(own)], ids: own };
}

export function groupByFlaw(records: readonly AffectedPackage[], lookup: AdvisoryLookup): FlawGroup[] {
  const groups = new Map<string, FlawGroup>();
  for (const record of records) {
    const { keys, ids } = keysOf(record, lookup);
    for (const key of keys) {
      let group = groups.get(key);
      if (group === undefined) {
        group = { id: key, ids: new Set([key]), records: [] };
        groups.set(key, group);
      }
      if (!group.records.includes(record)) group.records.push(record);
      // Another CVE is another flaw: never an alias of this one.
      for (const id of ids) if (!isCve(id) || id === key) group.ids.add(id);
    }
  }
  return [...groups.values()];
}
