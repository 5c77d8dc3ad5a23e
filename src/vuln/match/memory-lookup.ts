/**
 * An AdvisoryLookup held in memory: for tests, benchmarks and small offline runs. Records are keyed
 * by ecosystem and the normalised name (normalizePackageName), alias groups are the connected
 * components of the "id lists alias" graph, as the advisory store computes them.
 */
import type { Advisory, AdvisoryLookup, AffectedPackage } from '../model.ts';
import { normalizePackageName } from './ecosystem.ts';

function keyOf(ecosystem: string, name: string): string {
  return `${ecosystem}\u0000${normalizePackageName(ecosystem, name)}`;
}

/** Connected components of the alias graph, by union-find with path halving. */
function aliasComponents(advisories: readonly Advisory[]): Map<string, string[]> {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let current = id;
    for (;;) {
      const up = parent.get(current) ?? current;
      if (up === current) return current;
      const grand = parent.get(up) ?? up;
      parent.set(current, grand);
      current = grand;
    }
  };
  for (const advisory of advisories) {
    if (!parent.has(advisory.id)) parent.set(advisory.id, advisory.id);
    for (const alias of advisory.aliases) {
      if (!parent.has(alias)) parent.set(alias, alias);
      const a = find(advisory.id);
      const b = find(alias);
      if (a !== b) parent.set(a, b);
    }
  }
  const members = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    const list = members.get(root);
    if (list === undefined) members.set(root, [id]);
    else list.push(id);
  }
  const groups = new Map<string, string[]>();
  for (const list of members.values()) {
    list.sort();
    for (const id of list) groups.set(id, list);
  }
  return groups;
}

export function createMemoryLookup(advisories: readonly Advisory[], affected: readonly AffectedPackage[]): AdvisoryLookup {
  const byPackage = new Map<string, AffectedPackage[]>();
  for (const record of affected) {
    const key = keyOf(record.ecosystem, record.name);
    const list = byPackage.get(key);
    if (list === undefined) byPackage.set(key, [record]);
    else list.push(record);
  }
  const byId = new Map<string, Advisory>();
  for (const advisory of advisories) if (!byId.has(advisory.id)) byId.set(advisory.id, advisory);
  const groups = aliasComponents(advisories);
  return {
    affected: (ecosystem, name) => byPackage.get(keyOf(ecosystem, name)) ?? [],
    advisory: (id) => byId.get(id),
    aliasGroup: (id) => [...(groups.get(id) ?? [id])],
  };
}
