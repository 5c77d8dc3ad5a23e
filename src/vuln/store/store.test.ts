import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PortcullisError } from '../../core/index.ts';
import type { AffectedPackage } from '../model.ts';
import { createMemoryLookup } from '../match/index.ts';
import { importPaths } from '../sources/import.ts';
import { collect } from '../sources/testing.ts';
import { osvSource } from '../sources/osv/source.ts';
import { vulndata } from '../sources/testing.ts';
import { SCHEMA_VERSION, defaultDatabasePath, openAdvisoryStore, type AdvisoryRecord } from './index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portcullis-store-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(scratch, `db-${++counter}.db`);
const osvTestdata = (relative: string) => fileURLToPath(new URL(`../sources/osv/testdata/${relative}`, import.meta.url));

function record(source: string, id: string, aliases: string[], packages: Array<[string, string]> = []): AdvisoryRecord {
  return {
    advisory: { id, aliases, severity: [], references: [], source },
    affected: packages.map(([ecosystem, name]) => ({
      advisoryId: id,
      ecosystem,
      name,
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }],
      versions: [],
    })),
  };
}

const rejectsWith = (code: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof PortcullisError, String(error));
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return true;
};

describe('advisory store: the file', () => {
  it('creates a versioned WAL database with the package index, and checkpoints on close', () => {
    const path = freshPath();
    const store = openAdvisoryStore(path);
    assert.equal(store.status().schemaVersion, SCHEMA_VERSION);
    store.close();
    assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0);
    const db = new DatabaseSync(path, { readOnly: true });
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT data FROM affected WHERE ecosystem = 'npm' AND name = 'x'").all() as Array<{ detail: string }>;
    assert.match(plan.map((row) => row.detail).join('\n'), /USING PRIMARY KEY \(ecosystem=\? AND name=\?\)/);
    db.close();
  });

  it('refuses a missing file read-only, a file that is not SQLite, and a newer schema', () => {
    assert.throws(() => openAdvisoryStore(join(scratch, 'missing.db'), { readOnly: true }), rejectsWith('NOT_FOUND', /no advisory database/));
    const garbage = join(scratch, 'garbage.db');
    writeFileSync(garbage, 'this is not a database at all, just text that is long enough to fill a header page');
    assert.throws(() => openAdvisoryStore(garbage), rejectsWith('INPUT', /not a readable advisory database/));
    const newer = freshPath();
    const db = new DatabaseSync(newer);
    db.exec('PRAGMA user_version = 99');
    db.close();
    assert.throws(() => openAdvisoryStore(newer), rejectsWith('UNSUPPORTED', /schema version 99, newer/));
  });

  it('refuses to write through a read-only store', async () => {
    const path = freshPath();
    openAdvisoryStore(path).close();
    const store = openAdvisoryStore(path, { readOnly: true });
    await assert.rejects(store.importRun(async () => {}), rejectsWith('USAGE', /read-only/));
    store.close();
  });

  it('resolves the path: --db, then $PORTCULLIS_DB, then the cache directory', () => {
    assert.equal(defaultDatabasePath('/flag.db', { PORTCULLIS_DB: '/env.db' }), '/flag.db');
    assert.equal(defaultDatabasePath(undefined, { PORTCULLIS_DB: '/env.db' }), '/env.db');
    assert.equal(defaultDatabasePath('/flag.db', {}), '/flag.db');
    assert.equal(defaultDatabasePath(undefined, { XDG_CACHE_HOME: '/xdg' }), '/xdg/portcullis/advisories.db');
  });
});

describe('advisory store: content', () => {
  it('looks up affected packages by exact ecosystem and name, and merges repeated advisories', async () => {
    const store = openAdvisoryStore(freshPath());
    await store.importRun(async (run) => {
      run.put(record('alpine-secdb', 'CVE-2099-1', [], [['Alpine:v3.20', 'musl']]));
      run.put(record('alpine-secdb', 'CVE-2099-1', [], [['Alpine:v3.19', 'musl']]));
      run.put(record('alpine-secdb', 'CVE-2099-1', [], [['Alpine:v3.19', 'musl']]));
    });
    const found = store.affected('Alpine:v3.20', 'musl');
    assert.deepEqual(found.map((entry: AffectedPackage) => [entry.advisoryId, entry.ecosystem]), [['CVE-2099-1', 'Alpine:v3.20']]);
    assert.equal(store.affected('Alpine:v3.19', 'musl').length, 1);
    assert.deepEqual(store.affected('Alpine', 'musl'), []);
    assert.equal(store.advisory('CVE-2099-1')?.source, 'alpine-secdb');
    assert.equal(store.advisory('CVE-2099-404'), undefined);
    assert.deepEqual(store.status().sources.map((source) => [source.name, source.advisories, source.affected]), [['alpine-secdb', 1, 2]]);
    store.close();
  });

  it('looks names up in their normalised form (PEP 503 for PyPI), keeping the published spelling', async () => {
    const store = openAdvisoryStore(freshPath());
    await importPaths(store, [vulndata('pypa-advisory-database/vulns/django')]);
    const django = store.affected('PyPI', 'django');
    assert.ok(django.length > 10);
    assert.deepEqual(store.affected('PyPI', 'Django'), django);
    assert.deepEqual(store.affected('PyPI', 'DJANGO'), django);
    assert.ok(django.every((record) => record.name === 'django'));
    assert.deepEqual(store.affected('npm', 'Django'), []);
    store.close();
  });

  it('answers exactly as the in-memory lookup does for the same records', async () => {
    const paths = [vulndata('ghsa'), vulndata('golang-vulndb'), vulndata('pypa-advisory-database/vulns/django')];
    const store = openAdvisoryStore(freshPath());
    await importPaths(store, paths);
    const records = (await Promise.all(paths.map((path) => collect(osvSource, path)))).flatMap((collected) => collected.records);
    const memory = createMemoryLookup(
      records.map((entry) => entry.advisory),
      records.flatMap((entry) => entry.affected),
    );
    const sorted = (list: AffectedPackage[]) => list.map((entry) => JSON.stringify(entry)).sort();
    for (const { advisory, affected } of records) {
      for (const entry of affected) assert.deepEqual(sorted(store.affected(entry.ecosystem, entry.name)), sorted(memory.affected(entry.ecosystem, entry.name)));
      assert.deepEqual(store.advisory(advisory.id), memory.advisory(advisory.id));
      for (const id of [advisory.id, ...advisory.aliases]) assert.deepEqual(store.aliasGroup(id), [...memory.aliasGroup(id)].sort());
    }
    store.close();
  });

  it('returns records no caller can change for the next', async () => {
    const store = openAdvisoryStore(freshPath());
    await store.importRun(async (run) => {
      run.put(record('osv', 'GHSA-test-0001', [], [['npm', 'x']]));
    });
    const first = store.affected('npm', 'x');
    first.pop();
    assert.throws(() => {
      (store.affected('npm', 'x')[0]!.versions as string[]).push('9');
    }, TypeError);
    assert.equal(store.affected('npm', 'x').length, 1);
    store.close();
  });

  it('links aliases transitively, across sources, in both directions', async () => {
    const store = openAdvisoryStore(freshPath());
    await store.importRun(async (run) => {
      run.put(record('osv', 'GHSA-aaaa-bbbb-cccc', ['CVE-2099-10']));
      run.put(record('osv', 'PYSEC-2099-1', ['CVE-2099-10', 'GHSA-dddd-eeee-ffff']));
      run.put(record('debian-dsa', 'DSA-9999-1', ['CVE-2099-10', 'CVE-2099-11']));
      run.put(record('osv', 'GO-2099-0001', ['CVE-2099-99']));
    });
    const group = ['CVE-2099-10', 'CVE-2099-11', 'DSA-9999-1', 'GHSA-aaaa-bbbb-cccc', 'GHSA-dddd-eeee-ffff', 'PYSEC-2099-1'];
    for (const id of group) assert.deepEqual(store.aliasGroup(id), group);
    assert.deepEqual(store.aliasGroup('GO-2099-0001'), ['CVE-2099-99', 'GO-2099-0001']);
    assert.deepEqual(store.aliasGroup('CVE-2099-404'), ['CVE-2099-404']);
    store.close();
  });

  it('links real advisories: log4j GHSA <-> CVE <-> DSA', async () => {
    const store = openAdvisoryStore(freshPath());
    await importPaths(store, [vulndata('ghsa/maven'), vulndata('debian-security-tracker/data/DSA/list')]);
    assert.deepEqual(store.aliasGroup('GHSA-jfh8-c2jp-5v3q'), ['CVE-2021-44228', 'DSA-5020-1', 'GHSA-jfh8-c2jp-5v3q']);
    assert.equal(store.affected('Maven', 'org.apache.logging.log4j:log4j-core').filter((entry) => entry.advisoryId === 'GHSA-jfh8-c2jp-5v3q').length, 3);
    assert.equal(store.affected('Debian:11', 'apache-log4j2').some((entry) => entry.advisoryId === 'DSA-5020-1'), true);
    store.close();
  });

  it('re-importing a source replaces it: same content, no duplicates, dropped records gone', async () => {
    const store = openAdvisoryStore(freshPath());
    const snapshot = () => ({
      status: store.status().sources.map(({ updatedAt: _updated, ...rest }) => rest),
      ecosystems: store.status().ecosystems,
      lodash: store.affected('npm', 'lodash'),
    });
    await importPaths(store, [vulndata('ghsa')]);
    const first = snapshot();
    assert.equal(first.status[0]?.advisories, 25);
    await importPaths(store, [vulndata('ghsa')]);
    assert.deepEqual(snapshot(), first);
    await importPaths(store, [vulndata('ghsa/maven')]);
    assert.equal(store.status().sources[0]?.advisories, 5);
    assert.deepEqual(store.affected('npm', 'lodash'), []);
    store.close();
  });

  it('removes an advisory withdrawn later in the run and counts it', async () => {
    const store = openAdvisoryStore(freshPath());
    await importPaths(store, [osvTestdata('withdrawn/a-live')]);
    assert.equal(store.affected('PyPI', 'example').length, 1);
    assert.deepEqual(store.aliasGroup('PORT-TEST-7'), ['CVE-2099-0007', 'PORT-TEST-7']);
    const [report] = await importPaths(store, [osvTestdata('withdrawn/a-live'), osvTestdata('withdrawn/b-withdrawn')]);
    assert.equal(report?.withdrawn, 1);
    assert.deepEqual(store.affected('PyPI', 'example'), []);
    assert.equal(store.advisory('PORT-TEST-7'), undefined);
    assert.deepEqual(store.aliasGroup('PORT-TEST-7'), ['PORT-TEST-7']);
    assert.equal(store.status().sources[0]?.withdrawn, 1);
    store.close();
  });

  it('counts malformed records as skipped and names their files in warnings', async () => {
    const store = openAdvisoryStore(freshPath());
    const warnings: string[] = [];
    const logger = { error() {}, info() {}, debug() {}, warn: (line: string) => warnings.push(line) };
    const [report] = await importPaths(store, [osvTestdata('malformed')], { logger });
    assert.equal(report?.records, 1);
    assert.equal(report?.skipped, 6);
    assert.equal(store.status().sources[0]?.skipped, 6);
    assert.ok(warnings.some((line) => line.includes('truncated.json: skipped: ')));
    store.close();
  });

  it('keeps the previous content when an import fails midway', async () => {
    const path = freshPath();
    const store = openAdvisoryStore(path);
    await importPaths(store, [vulndata('ghsa/npm')]);
    const before = store.status().sources;
    const lodash = store.affected('npm', 'lodash');
    assert.ok(lodash.length > 0);
    await assert.rejects(
      store.importRun(async (run) => {
        run.replace('osv');
        run.put(record('osv', 'GHSA-new0-0000-0000', [], [['npm', 'lodash']]));
        throw new PortcullisError('INPUT', 'the feed broke');
      }),
      /the feed broke/,
    );
    assert.deepEqual(store.status().sources, before);
    assert.deepEqual(store.affected('npm', 'lodash'), lodash);
    store.close();
  });

  it('is a single complete file after close: a copy reads the same', async () => {
    const path = freshPath();
    const store = openAdvisoryStore(path);
    await importPaths(store, [vulndata('ghsa')]);
    const expected = store.affected('npm', 'minimist');
    store.close();
    const copy = join(scratch, 'air-gapped.db');
    copyFileSync(path, copy);
    const copied = openAdvisoryStore(copy, { readOnly: true });
    assert.deepEqual(copied.affected('npm', 'minimist'), expected);
    assert.equal(copied.status().sources[0]?.advisories, 25);
    copied.close();
  });

  it('answers affected() warm in well under 50 µs per call', async () => {
    const store = openAdvisoryStore(freshPath());
    await importPaths(store, [vulndata('ghsa'), vulndata('golang-vulndb'), vulndata('rustsec-advisory-db-osv')]);
    const db = new DatabaseSync(store.path, { readOnly: true });
    const packages = db.prepare('SELECT DISTINCT ecosystem, name FROM affected').all() as Array<{ ecosystem: string; name: string }>;
    db.close();
    assert.ok(packages.length > 1000);
    for (const { ecosystem, name } of packages) store.affected(ecosystem, name);
    const started = process.hrtime.bigint();
    let rows = 0;
    for (let round = 0; round < 5; round++) {
      for (const { ecosystem, name } of packages) rows += store.affected(ecosystem, name).length;
    }
    const microseconds = Number(process.hrtime.bigint() - started) / 1000 / (5 * packages.length);
    assert.ok(rows > 0);
    assert.ok(microseconds < 50, `affected() took ${microseconds.toFixed(1)} µs per call`);
    store.close();
  });
});
