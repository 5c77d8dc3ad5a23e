/**
 * A memo over an AdvisoryLookup for one matching run. The same advisory and alias group are asked
 * for again and again (lodash, lodash-es and lodash.merge share one GHSA; every binary of a source
 * package shares its records), and a store answers each from SQLite; within one pure run the
 * answers cannot change.
 */
import type { Advisory, AdvisoryLookup, AffectedPackage } from '../model.ts';

export function memoizedLookup(lookup: AdvisoryLookup): AdvisoryLookup {
  const advisories = new Map<string, Advisory | undefined>();
  const groups = new Map<string, string[]>();
  return {
    affected(ecosystem: string, name: string): AffectedPackage[] {
      return lookup.affected(ecosystem, name);
    },
    advisory(id: string): Advisory | undefined {
      if (!advisories.has(id)) advisories.set(id, lookup.advisory(id));
      return advisories.get(id);
    },
    aliasGroup(id: string): string[] {
      let group = groups.get(id);
      if (group === undefined) {
        group = lookup.aliasGroup(id);
        groups.set(id, group);
      }
      return group;
    },
  };
}
