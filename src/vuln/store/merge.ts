/**
 * Merging two copies of one advisory. Sources may deliver the same id more than once (the Debian
 * tracker lists a CVE once per package, Alpine once per release), and several sources may hold the
 * same id; the merged advisory keeps the first copy's text and the union of the lists.
 */
import type { Advisory } from '../model.ts';

function union<T>(first: readonly T[], second: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set(first.map(key));
  const merged = [...first];
  for (const item of second) {
    if (!seen.has(key(item))) {
      seen.add(key(item));
      merged.push(item);
    }
  }
  return merged;
}

export function mergeAdvisories(base: Advisory, other: Advisory): Advisory {
  const merged: Advisory = {
    ...other,
    ...base,
    aliases: union(base.aliases, other.aliases, (alias) => alias).filter((alias) => alias !== base.id),
    severity: union(base.severity, other.severity, (score) => `${score.type}\u0000${score.score}\u0000${score.source ?? ''}`),
    references: union(base.references, other.references, (reference) => reference.url),
  };
  const cwes = union(base.cwes ?? [], other.cwes ?? [], (cwe) => cwe);
  if (cwes.length > 0) merged.cwes = cwes;
  return merged;
}
