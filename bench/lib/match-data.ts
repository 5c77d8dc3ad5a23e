/**
 * Generated advisory records and inventories for the matching benchmark, seeded so every run (and
 * the SQLite store cached from one run) sees the same data.
 *
 * The records take the shapes the real feeds have: GitHub-style introduced/fixed pairs and several
 * ranges per package (log4j-core), PyPI records with explicit `versions` lists, Go SEMVER ranges
 * with several introduced/fixed pairs, `last_affected` ceilings, and per-release Debian tracker
 * records with distro verdicts and urgencies. Name popularity falls off like the real feeds', so
 * popular packages carry many records. Most inventory packages miss (unknown name, or a version
 * past every fix); some hit.
 */
import type { Inventory, Package, PackageType } from '../../src/inventory/index.ts';
import type { Advisory, AffectedPackage, VersionRange } from '../../src/vuln/index.ts';
import { Rng } from '../../src/vuln/versions/testing/rng.ts';

/** Part of the cache key of stores built from these records: bump it when the generator changes. */
export const GENERATOR_VERSION = 1;
const RECORD_SEED = 20261122;
const INVENTORY_SEED = 20261123;
const NAMES_PER_ECOSYSTEM = 20_000;
const CVSS = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'];
const URGENCIES = ['low', 'medium', 'high', 'unimportant', 'not yet assigned'];

interface EcosystemShape {
  ecosystem: string;
  type: PackageType;
  /** Share of the records. */
  weight: number;
  name(i: number): string;
  /** Installed-package fields besides the name. */
  installed(name: string): Partial<Package>;
  version(rng: Rng, major: number): string;
}

const semverish = (rng: Rng, major: number) => `${major}.${rng.int(0, 20)}.${rng.int(0, 30)}`;
const SHAPES: EcosystemShape[] = [
  { ecosystem: 'npm', type: 'npm', weight: 0.25, name: (i) => (i % 7 === 0 ? `@scope${i % 50}/pkg-${i}` : `pkg-${i}`), installed: (name) => (name.startsWith('@') ? { namespace: name.split('/')[0]!, name: name.split('/')[1]! } : {}), version: semverish },
  { ecosystem: 'PyPI', type: 'pypi', weight: 0.12, name: (i) => `py_pkg.${i}`, installed: () => ({}), version: (rng, major) => `${major}.${rng.int(0, 20)}` },
  { ecosystem: 'Maven', type: 'maven', weight: 0.12, name: (i) => `org.example${i % 100}:artifact-${i}`, installed: (name) => ({ namespace: name.split(':')[0]!, name: name.split(':')[1]! }), version: semverish },
  { ecosystem: 'Go', type: 'golang', weight: 0.1, name: (i) => `github.com/org${i % 300}/mod${i}`, installed: () => ({}), version: semverish },
  { ecosystem: 'crates.io', type: 'cargo', weight: 0.05, name: (i) => `crate-${i}`, installed: () => ({}), version: semverish },
  { ecosystem: 'RubyGems', type: 'gem', weight: 0.05, name: (i) => `gem-${i}`, installed: () => ({}), version: semverish },
  { ecosystem: 'Debian:12', type: 'deb', weight: 0.31, name: (i) => `src${i}`, installed: (name) => ({ sourceName: name }), version: (rng, major) => `${major}.${rng.int(0, 20)}.${rng.int(0, 9)}-${rng.int(1, 5)}+deb12u${rng.int(0, 3)}` },
];

function ranges(rng: Rng, shape: EcosystemShape, major: number): { ranges: VersionRange[]; versions: string[] } {
  const fixed = shape.version(rng, major);
  const type = shape.ecosystem === 'Go' ? 'SEMVER' : 'ECOSYSTEM';
  const roll = rng.next();
  if (shape.ecosystem === 'PyPI') {
    const versions = Array.from({ length: rng.int(5, 40) }, () => shape.version(rng, major));
    return { ranges: [{ type, events: [{ introduced: '0' }, { fixed }] }], versions };
  }
  if (roll < 0.15) {
    // Several branches, one range each, as GitHub files log4j-core.
    return {
      ranges: [
        { type, events: [{ introduced: `${major}.0.0` }, { fixed }] },
        { type, events: [{ introduced: '0' }, { fixed: `${Math.max(0, major - 1)}.9.9` }] },
      ],
      versions: [],
    };
  }
  if (roll < 0.25) return { ranges: [{ type, events: [{ introduced: '0' }, { last_affected: fixed }] }], versions: [] };
  if (roll < 0.4) return { ranges: [{ type, events: [{ fixed }, { introduced: `${major}.1.0` }, { fixed: `${major + 1}.0.0` }, { introduced: `${major}.0.0` }] }], versions: [] };
  return { ranges: [{ type, events: [{ introduced: '0' }, { fixed }] }], versions: [] };
}

/** One advisory per affected record, `records` in all, spread over the ecosystems by weight. */
export interface GeneratedRecord {
  advisory: Advisory;
  affected: AffectedPackage;
}

export function generateRecords(records: number): GeneratedRecord[] {
  const rng = new Rng(RECORD_SEED);
  const generated: GeneratedRecord[] = [];
  const totalWeight = SHAPES.reduce((sum, shape) => sum + shape.weight, 0);
  let serial = 0;
  for (const shape of SHAPES) {
    const count = Math.round((records * shape.weight) / totalWeight);
    for (let i = 0; i < count; i++) {
      const nameIndex = Math.floor(NAMES_PER_ECOSYSTEM * rng.next() ** 2);
      const id = shape.type === 'deb' ? `CVE-2020-${100000 + serial}` : `GHSA-${serial.toString(36).padStart(4, '0')}-bench`;
      serial++;
      const { ranges: recordRanges, versions } = ranges(rng, shape, rng.int(1, 6));
      const affected: AffectedPackage = { advisoryId: id, ecosystem: shape.ecosystem, name: shape.name(nameIndex), ranges: recordRanges, versions };
      if (shape.type === 'deb') {
        const verdict = rng.next();
        affected.distroStatus = verdict < 0.1 ? 'not-affected' : verdict < 0.2 ? 'unfixed' : 'fixed';
        if (affected.distroStatus === 'unfixed') affected.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
        affected.distroSeverity = URGENCIES[rng.int(0, URGENCIES.length - 1)]!;
      }
      const vector = CVSS[serial % CVSS.length]!;
      generated.push({
        affected,
        advisory: {
          id,
          aliases: shape.type === 'deb' ? [] : [`CVE-2021-${100000 + serial}`],
          summary: `Generated flaw ${id}`,
          severity: [{ type: vector.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', score: vector }],
          references: [{ type: 'ADVISORY', url: `https://example.invalid/${id}` }],
          source: 'bench',
        },
      });
    }
  }
  return generated;
}

/** A Debian 12 inventory of `packages` packages across the ecosystems, a third unknown to the records. */
export function generateInventory(packages: number): Inventory {
  const rng = new Rng(INVENTORY_SEED);
  const list: Package[] = [];
  for (let i = 0; i < packages; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    const known = rng.chance(0.66);
    const fullName = known ? shape.name(Math.floor(NAMES_PER_ECOSYSTEM * rng.next() ** 2)) : `unlisted-${i}`;
    // Known packages mostly run a recent version, past the generated fixes.
    const version = shape.version(rng, rng.chance(0.9) ? 9 : rng.int(1, 6));
    list.push({
      type: shape.type,
      name: shape.type === 'deb' ? `bin-${fullName}` : fullName,
      version,
      ...shape.installed(fullName),
      purl: `pkg:${shape.type}/${encodeURIComponent(fullName)}@${encodeURIComponent(version)}`,
      extractor: 'bench',
      locations: [`bench/${i}`],
      layer: { index: i % 5 },
    });
  }
  return {
    schemaVersion: 1,
    target: { reference: 'bench', kind: 'image' },
    os: { id: 'debian', versionId: '12', codename: 'bookworm', source: 'etc/os-release' },
    packages: list,
    warnings: [],
  };
}
