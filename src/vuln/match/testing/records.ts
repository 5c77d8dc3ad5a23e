/** Test-only builders for hand-made records, in the shapes the importers write. */
import type { Advisory, AffectedPackage } from '../../model.ts';

export function advisory(id: string, fields: Partial<Advisory> = {}): Advisory {
  return { id, aliases: [], severity: [], references: [], source: 'test', ...fields };
}

/** A record affected from the beginning up to `fixed`. */
export function fixedIn(advisoryId: string, ecosystem: string, name: string, fixed: string, extra: Partial<AffectedPackage> = {}): AffectedPackage {
  return { advisoryId, ecosystem, name, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }], versions: [], ...extra };
}
