/**
 * Test-only readers for the real advisory records in the shared vulndata folder (OSV JSON/YAML and
 * the Debian tracker's JSON), small enough to keep the matcher's tests independent of the
 * importers. Each checks only the fields the matcher reads, and fails loudly on anything else.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Advisory, AdvisoryLookup, AffectedPackage, RangeEvent, SeverityScore, VersionRange } from '../../model.ts';
import { createMemoryLookup } from '../memory-lookup.ts';

/** The shared vulndata folder: beside the checkout, or where PORTCULLIS_VULNDATA says. */
export function vulndataPath(...parts: string[]): string {
  const root = process.env.PORTCULLIS_VULNDATA ?? fileURLToPath(new URL('../../../../../shared/vulndata/', import.meta.url));
  const path = join(root, ...parts);
  if (!existsSync(path)) {
    throw new Error(`real advisory data missing: ${path} (the shared vulndata folder must sit beside the checkout, or set PORTCULLIS_VULNDATA)`);
  }
  return path;
}

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: not an object`);
  return value as Json;
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what}: not a string`);
  return value;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface LoadedRecord {
  advisory: Advisory;
  affected: AffectedPackage[];
}

/** One OSV record (JSON or YAML) as the advisory store would hold it. */
export function readOsv(path: string, source = 'osv'): LoadedRecord {
  const text = readFileSync(path, 'utf8');
  const doc = object(path.endsWith('.json') ? JSON.parse(text) : parseYaml(text), path);
  const id = string(doc.id, `${path} id`);
  const severity: SeverityScore[] = list(doc.severity).map((entry) => {
    const score = object(entry, `${id} severity`);
    return { type: string(score.type, `${id} severity type`) as SeverityScore['type'], score: string(score.score, `${id} severity score`) };
  });
  // GitHub's own rating word, kept as a DISTRO-typed score with its source named.
  const databaseSeverity = optionalString(object(doc.database_specific ?? {}, `${id} database_specific`).severity);
  if (databaseSeverity !== undefined) severity.push({ type: 'DISTRO', score: databaseSeverity, source: 'ghsa' });
  const advisory: Advisory = {
    id,
    aliases: list(doc.aliases).map((alias) => string(alias, `${id} alias`)),
    severity,
    references: list(doc.references).map((entry) => {
      const reference = object(entry, `${id} reference`);
      return { type: string(reference.type, `${id} reference type`), url: string(reference.url, `${id} reference url`) };
    }),
    source,
  };
  for (const field of ['summary', 'details', 'published', 'modified'] as const) {
    const value = optionalString(doc[field]);
    if (value !== undefined) advisory[field] = value;
  }
  const affected = list(doc.affected).map((entry): AffectedPackage => {
    const item = object(entry, `${id} affected`);
    const pkg = object(item.package, `${id} package`);
    return {
      advisoryId: id,
      ecosystem: string(pkg.ecosystem, `${id} ecosystem`),
      name: string(pkg.name, `${id} name`),
      ranges: list(item.ranges).map((raw): VersionRange => {
        const range = object(raw, `${id} range`);
        return { type: string(range.type, `${id} range type`) as VersionRange['type'], events: list(range.events) as RangeEvent[] };
      }),
      versions: list(item.versions).map((version) => String(version)),
    };
  });
  return { advisory, affected };
}

const DEBIAN_RELEASES: Readonly<Record<string, string>> = { jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13' };

/**
 * The Debian security tracker's JSON (`{package: {CVE: {releases: {codename: {status,
 * fixed_version, urgency}}}}}`) as per-release records: fixed_version "0" means not affected,
 * "open" means affected without a fix.
 */
export function readDebianTrackerJson(path: string): LoadedRecord[] {
  const doc = object(JSON.parse(readFileSync(path, 'utf8')), path);
  const byCve = new Map<string, LoadedRecord>();
  for (const [pkg, cves] of Object.entries(doc)) {
    for (const [cve, rawEntry] of Object.entries(object(cves, pkg))) {
      const entry = object(rawEntry, `${pkg} ${cve}`);
      let loaded = byCve.get(cve);
      if (loaded === undefined) {
        const advisory: Advisory = { id: cve, aliases: [], severity: [], references: [], source: 'debian-tracker' };
        const description = optionalString(entry.description);
        if (description !== undefined) advisory.details = description;
        loaded = { advisory, affected: [] };
        byCve.set(cve, loaded);
      }
      const releases = entry.releases;
      if (typeof releases !== 'object' || releases === null || Array.isArray(releases)) continue;
      for (const [codename, rawRelease] of Object.entries(releases)) {
        const release = DEBIAN_RELEASES[codename];
        if (release === undefined) continue;
        const state = object(rawRelease, `${pkg} ${cve} ${codename}`);
        const fixed = optionalString(state.fixed_version);
        const record: AffectedPackage = { advisoryId: cve, ecosystem: `Debian:${release}`, name: pkg, ranges: [], versions: [] };
        if (fixed === '0') record.distroStatus = 'not-affected';
        else if (fixed !== undefined) {
          record.distroStatus = 'fixed';
          record.ranges.push({ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] });
        } else record.distroStatus = 'unfixed';
        const urgency = optionalString(state.urgency);
        if (urgency !== undefined) record.distroSeverity = urgency;
        loaded.affected.push(record);
      }
    }
  }
  return [...byCve.values()];
}

/** An in-memory lookup of some loaded records. */
export function lookupOf(records: readonly LoadedRecord[]): AdvisoryLookup {
  return createMemoryLookup(
    records.map((record) => record.advisory),
    records.flatMap((record) => record.affected),
  );
}

/** Every GitHub advisory in the vulndata subset (npm, Maven, RubyGems, NuGet). */
export function ghsaRecords(): LoadedRecord[] {
  const records: LoadedRecord[] = [];
  for (const ecosystem of ['npm', 'maven', 'rubygems', 'nuget']) {
    const folder = vulndataPath('ghsa', ecosystem);
    for (const file of readdirSync(folder).sort()) records.push(readOsv(join(folder, file), 'ghsa'));
  }
  return records;
}

/** The Debian tracker JSON sample (six source packages, releases jessie to trixie). */
export function debianTrackerSample(): LoadedRecord[] {
  return readDebianTrackerJson(vulndataPath('samples/anchore-vunnel/tests/unit/providers/debian/test-fixtures/input/debian.json'));
}
