import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { walkFiles } from './files.ts';
import { detectSource, planImport, sourceNamed } from './list.ts';
import { vulndata } from './testing.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portcullis-list-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('source detection', () => {
  it('detects every real feed folder as its source', async () => {
    const expected: Array<[string, string]> = [
      ['ghsa', 'osv'],
      ['golang-vulndb', 'osv'],
      ['pypa-advisory-database', 'osv'],
      ['rustsec-advisory-db-osv', 'osv'],
      ['oss-fuzz-vulns', 'osv'],
      ['nodejs-security-wg', 'nodejs-security-wg'],
      ['ruby-advisory-db', 'rubysec'],
      ['debian-security-tracker/data/DSA/list', 'debian-dsa'],
      ['debian-security-tracker', 'debian-dsa'],
      ['vuln-list-debian', 'debian-cve-list'],
      ['vuln-list/alpine', 'alpine-secdb'],
      ['alpine-secdb', 'alpine-secdb'],
      ['samples/anchore-vunnel/tests/unit/providers/debian/test-fixtures/input/debian.json', 'debian-tracker'],
      ['samples/anchore-vunnel/tests/unit/providers/debian/test-fixtures/input/DSA', 'debian-dsa'],
    ];
    for (const [path, source] of expected) assert.equal((await detectSource(vulndata(path))).name, source, path);
  });

  it('splits a tree of several feeds into its parts', async () => {
    const plans = await planImport(vulndata());
    const relative = plans.map((plan) => [plan.path.slice(vulndata().length), plan.source.name]);
    assert.deepEqual(relative, [
      ['alpine-secdb', 'alpine-secdb'],
      ['debian-security-tracker', 'debian-dsa'],
      ['ghsa', 'osv'],
      ['golang-vulndb', 'osv'],
      ['nodejs-security-wg', 'nodejs-security-wg'],
      ['oss-fuzz-vulns', 'osv'],
      ['pypa-advisory-database', 'osv'],
      ['ruby-advisory-db', 'rubysec'],
      ['rustsec-advisory-db-osv', 'osv'],
      ['samples/anchore-vunnel/tests/unit/providers/alpine', 'alpine-secdb'],
      ['samples/anchore-vunnel/tests/unit/providers/debian/test-fixtures/input/DSA', 'debian-dsa'],
      ['samples/anchore-vunnel/tests/unit/providers/debian/test-fixtures/input/debian.json', 'debian-tracker'],
      ['samples/google-osv.dev', 'osv'],
      ['vuln-list', 'alpine-secdb'],
      ['vuln-list-debian', 'debian-cve-list'],
    ]);
  });

  it('names what it cannot read: a missing path, an unknown format, an unknown source', async () => {
    await assert.rejects(detectSource(join(scratch, 'nothing')), (error: unknown) => error instanceof PortcullisError && error.code === 'NOT_FOUND');
    const notes = join(scratch, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'README.md'), 'distroversion: v3.20 is mentioned here but this is prose\n');
    await assert.rejects(planImport(notes), (error: unknown) => error instanceof PortcullisError && error.code === 'UNSUPPORTED');
    assert.throws(() => sourceNamed('nvd'), /unknown advisory source "nvd"; known: debian-tracker/);
  });

  it('never follows symlinks out of a feed tree', async () => {
    const tree = join(scratch, 'tree');
    mkdirSync(join(tree, 'inner'), { recursive: true });
    writeFileSync(join(tree, 'inner', 'a.json'), '{}');
    symlinkSync(vulndata('ghsa'), join(tree, 'escape'));
    symlinkSync(tree, join(tree, 'inner', 'loop'));
    symlinkSync(vulndata('ghsa/npm/GHSA-27h2-hvpr-p74q.json'), join(tree, 'linked.json'));
    const files = [];
    for await (const file of walkFiles(tree, (name) => name.endsWith('.json'))) files.push(file.slice(tree.length));
    assert.deepEqual(files, ['/inner/a.json']);
  });
});
