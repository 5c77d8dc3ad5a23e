/**
 * `node bench/match.ts`: warm matching time of a 2,000-package inventory against an in-memory
 * lookup of 500,000 affected-package records, the matcher's hot path (target: under 200 ms).
 *
 * The records are generated (seeded, so every run sees the same data) in the shapes the real feeds
 * have: GitHub-style introduced/fixed pairs and several ranges per package (log4j-core), PyPI
 * records with explicit `versions` lists, Go SEMVER ranges with several introduced/fixed pairs,
 * `last_affected` ceilings, and per-release Debian tracker records with distro verdicts and
 * urgencies. Most inventory packages miss (unknown name, or a version past every fix); some hit.
 *
 *   node bench/match.ts [--records 500000] [--packages 2000] [--runs 9]
 */
import { parseArgs } from 'node:util';
import type { Inventory, Package, PackageType } from '../src/inventory/index.ts';
import { createMemoryLookup, matchInventory, type Advisory, type AffectedPackage, type VersionRange } from '../src/vuln/index.ts';
import { Rng } from '../src/vuln/versions/testing/rng.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '500000' },
    packages: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '9' },
  },
});
const RECORDS = Number(values.records);
const PACKAGES = Number(values.packages);
const RUNS = Number(values.runs);

interface EcosystemShape {
  ecosystem: string;
  type: PackageType;
  /** Share of the records. */
  weight: number;
  name(i: number): string;
  /** Installed-package fields besides the name. */
  installed(name: string, version: string): Partial<Package>;
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

const rng = new Rng(20261122);
const NAMES_PER_ECOSYSTEM = 20_000;
const CVSS = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'];
const URGENCIES = ['low', 'medium', 'high', 'unimportant', 'not yet assigned'];

function ranges(shape: EcosystemShape, major: number): { ranges: VersionRange[]; versions: string[] } {
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

function generateDatabase(): { advisories: Advisory[]; affected: AffectedPackage[] } {
  const advisories: Advisory[] = [];
  const affected: AffectedPackage[] = [];
  const totalWeight = SHAPES.reduce((sum, shape) => sum + shape.weight, 0);
  let serial = 0;
  for (const shape of SHAPES) {
    const count = Math.round((RECORDS * shape.weight) / totalWeight);
    for (let i = 0; i < count; i++) {
      // Popular packages carry many records: name popularity falls off like real feeds.
      const nameIndex = Math.floor(NAMES_PER_ECOSYSTEM * rng.next() ** 2);
      const id = shape.type === 'deb' ? `CVE-2020-${100000 + serial}` : `GHSA-${(serial++).toString(36).padStart(4, '0')}-bench`;
      if (shape.type === 'deb') serial++;
      const { ranges: recordRanges, versions } = ranges(shape, rng.int(1, 6));
      const record: AffectedPackage = { advisoryId: id, ecosystem: shape.ecosystem, name: shape.name(nameIndex), ranges: recordRanges, versions };
      if (shape.type === 'deb') {
        const verdict = rng.next();
        record.distroStatus = verdict < 0.1 ? 'not-affected' : verdict < 0.2 ? 'unfixed' : 'fixed';
        if (record.distroStatus === 'unfixed') record.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
        record.distroSeverity = URGENCIES[rng.int(0, URGENCIES.length - 1)]!;
      }
      affected.push(record);
      const aliases = shape.type === 'deb' ? [] : [`CVE-2021-${100000 + serial}`];
      advisories.push({
        id,
        aliases,
        summary: `Generated flaw ${id}`,
        severity: [{ type: CVSS[serial % 3]!.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', score: CVSS[serial % 3]! }],
        references: [{ type: 'ADVISORY', url: `https://example.invalid/${id}` }],
        source: 'bench',
      });
    }
  }
  return { advisories, affected };
}

function generateInventory(): Inventory {
  const packages: Package[] = [];
  for (let i = 0; i < PACKAGES; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    // A third of the names are unknown to the database; known ones mostly run a recent version.
    const known = rng.chance(0.66);
    const fullName = known ? shape.name(Math.floor(NAMES_PER_ECOSYSTEM * rng.next() ** 2)) : `unlisted-${i}`;
    const version = shape.version(rng, rng.chance(0.9) ? 9 : rng.int(1, 6));
    const base = shape.type === 'deb' ? `bin-${fullName}` : fullName;
    packages.push({
      type: shape.type,
      name: base,
      version,
      ...shape.installed(fullName, version),
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
    packages,
    warnings: [],
  };
}

const buildStart = performance.now();
const database = generateDatabase();
const lookup = createMemoryLookup(database.advisories, database.affected);
const inventory = generateInventory();
const buildMs = performance.now() - buildStart;

const times: number[] = [];
let findings = 0;
// Cold run: JIT, parse caches, per-record event sorting.
const packagesHit = new Set(matchInventory(inventory, lookup).map((finding) => finding.package.purl)).size;
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  findings = matchInventory(inventory, lookup).length;
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;

console.log(`records: ${database.affected.length.toLocaleString('en')} affected, ${database.advisories.length.toLocaleString('en')} advisories (generated in ${(buildMs / 1000).toFixed(1)} s)`);
console.log(`inventory: ${inventory.packages.length.toLocaleString('en')} packages -> ${findings} findings in ${packagesHit} packages`);
console.log(`warm matching, median of ${RUNS}: ${median.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[times.length - 1]!.toFixed(1)}; target < 200 ms)`);
