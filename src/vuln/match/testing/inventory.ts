/** Test-only builders for inventories, with purls the way the inventory module writes them. */
import type { Inventory, OSInfo, Package } from '../../../inventory/index.ts';
import { purlFor } from '../../../inventory/index.ts';
import type { Finding } from '../../model.ts';

export type PackageFields = Pick<Package, 'type' | 'name' | 'version'> & Partial<Omit<Package, 'type' | 'name' | 'version'>>;

export function inventoryOf(os: OSInfo | undefined, fields: readonly PackageFields[]): Inventory {
  const packages = fields.map((field, index): Package => {
    const pkg = { locations: [`fixture/${index}`], extractor: 'test', purl: '', ...field };
    return { ...pkg, purl: field.purl ?? purlFor(pkg, os) };
  });
  const inventory: Inventory = { schemaVersion: 1, target: { reference: 'test', kind: 'directory' }, packages, warnings: [] };
  if (os !== undefined) inventory.os = os;
  return inventory;
}

export const BOOKWORM: OSInfo = { id: 'debian', versionId: '12', codename: 'bookworm', source: 'etc/os-release' };

/** The ids of some findings, sorted: for comparing sets of flaws. */
export function findingIds(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.id).sort();
}
