import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PortcullisError } from '../../../core/index.ts';
import { buildZip, collect, vulndata } from '../testing.ts';
import { osvSource } from './source.ts';

const testdata = (relative: string) => fileURLToPath(new URL(`testdata/${relative}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'portcullis-osv-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('osv source: real data', () => {
  it('reads the GHSA subset, log4j CVE-2021-44228 with all three ranges', async () => {
    const { records, skipped, warnings } = await collect(osvSource, vulndata('ghsa'));
    assert.equal(records.length, 25);
    assert.deepEqual(skipped, []);
    assert.deepEqual(warnings, []);
    const log4j = records.find((record) => record.advisory.id === 'GHSA-jfh8-c2jp-5v3q');
    assert.ok(log4j);
    assert.deepEqual(log4j.advisory.aliases, ['CVE-2021-44228']);
    assert.equal(log4j.advisory.source, 'osv');
    assert.ok(log4j.advisory.severity.some((score) => score.type === 'CVSS_V3' && score.score.startsWith('CVSS:3.1/')));
    assert.deepEqual(
      log4j.affected.map((affected) => [affected.ecosystem, affected.name, affected.ranges[0]?.events]),
      [
        ['Maven', 'org.apache.logging.log4j:log4j-core', [{ introduced: '2.13.0' }, { fixed: '2.15.0' }]],
        ['Maven', 'org.apache.logging.log4j:log4j-core', [{ introduced: '0' }, { fixed: '2.3.1' }]],
        ['Maven', 'org.apache.logging.log4j:log4j-core', [{ introduced: '2.4' }, { fixed: '2.12.2' }]],
      ],
    );
  });

  it('accounts for every Go record: read or withdrawn', async () => {
    const root = vulndata('golang-vulndb/data/osv');
    const { records, withdrawn, skipped } = await collect(osvSource, root);
    assert.deepEqual(skipped, []);
    assert.equal(records.length + withdrawn.length, readdirSync(root).filter((name) => name.endsWith('.json')).length);
    assert.ok(withdrawn.includes('GO-2024-2730'));
    assert.ok(!records.some((record) => record.advisory.id === 'GO-2024-2730'));
    assert.ok(records.some((record) => record.affected.some((affected) => affected.ecosystem === 'Go' && affected.name === 'stdlib')));
  });

  it('reads PyPA YAML with explicit versions kept as strings', async () => {
    const { records, skipped } = await collect(osvSource, vulndata('pypa-advisory-database/vulns/ansible'));
    assert.deepEqual(skipped, []);
    assert.ok(records.length > 10);
    for (const record of records) {
      for (const affected of record.affected) assert.ok(affected.versions.every((version) => typeof version === 'string'));
    }
    assert.ok(records.every((record) => record.advisory.id.startsWith('PYSEC-')));
  });

  it('keeps release-specific ecosystems and GIT-only OSS-Fuzz ranges as published', async () => {
    const { records } = await collect(osvSource, vulndata('samples/google-osv.dev'));
    const dsa = records.find((record) => record.advisory.id === 'DSA-3029-1');
    assert.equal(dsa?.affected[0]?.ecosystem, 'Debian:7');
    const ubuntu = records.find((record) => record.advisory.id === 'UBUNTU-CVE-2025-38094');
    assert.equal(ubuntu?.affected[0]?.ecosystem, 'Ubuntu:Pro:14.04:LTS');
    assert.ok((ubuntu?.affected[0]?.versions.length ?? 0) > 0);
    const fuzz = await collect(osvSource, vulndata('oss-fuzz-vulns/vulns/zstd'));
    assert.ok(fuzz.records.length > 0);
    const git = fuzz.records.flatMap((record) => record.affected).filter((affected) => affected.ranges.some((range) => range.type === 'GIT'));
    assert.ok(git.length > 0);
    assert.ok(git.every((affected) => affected.ecosystem === 'OSS-Fuzz'));
  });
});

describe('osv source: hostile and malformed input', () => {
  it('skips each malformed record with a warning naming its file, and keeps the valid one', async () => {
    const { records, skipped } = await collect(osvSource, testdata('malformed'));
    assert.deepEqual(records.map((record) => record.advisory.id), ['PORT-TEST-1']);
    const byFile = new Map(skipped.map(({ file, reason }) => [file.split('/').at(-1), reason]));
    assert.deepEqual([...byFile.keys()].sort(), [
      'alias-bomb.yaml',
      'bad-fields.json',
      'bad-utf8.json',
      'missing-id.json',
      'not-an-object.json',
      'truncated.json',
    ]);
    assert.match(byFile.get('alias-bomb.yaml')!, /more than 100 aliases/);
    assert.match(byFile.get('bad-utf8.json')!, /not valid UTF-8/);
    assert.match(byFile.get('truncated.json')!, /malformed JSON/);
    assert.match(byFile.get('missing-id.json')!, /id: missing/);
    assert.match(byFile.get('bad-fields.json')!, /aliases: must be a list of strings/);
    assert.match(byFile.get('bad-fields.json')!, /package\.name: must be a non-empty string/);
    assert.match(byFile.get('bad-fields.json')!, /events\[0\]/);
  });

  it('skips a record over the size limit instead of reading it', async () => {
    const { records, skipped } = await collect(osvSource, testdata('malformed/good.json'), { maxRecordBytes: 100 });
    assert.equal(records.length, 0);
    assert.match(skipped[0]!.reason, /over the 100-byte limit/);
  });

  it('reports withdrawn records instead of yielding them', async () => {
    const { records, withdrawn } = await collect(osvSource, testdata('withdrawn/b-withdrawn'));
    assert.deepEqual(records, []);
    assert.deepEqual(withdrawn, ['PORT-TEST-7']);
  });
});

describe('osv source: all.zip exports', () => {
  const ghsaFiles = () => {
    const root = vulndata('ghsa/npm');
    return readdirSync(root).map((name) => ({ name, path: join(root, name) }));
  };

  it('reads an all.zip made by the zip tool exactly like the directory', async () => {
    const dir = join(scratch, 'zip-tool');
    mkdirSync(dir);
    const zipFile = join(dir, 'all.zip');
    try {
      execFileSync('zip', ['-q', '-j', zipFile, ...ghsaFiles().map((file) => file.path)]);
    } catch (error) {
      throw new Error(`the 'zip' tool is needed for this test (scripts/test-setup.sh installs it): ${(error as Error).message}`);
    }
    assert.equal(await osvSource.detect(zipFile), true);
    const fromZip = await collect(osvSource, zipFile);
    const fromDir = await collect(osvSource, vulndata('ghsa/npm'));
    assert.equal(fromZip.records.length, 16);
    assert.deepEqual(fromZip.records, fromDir.records);
  });

  it('skips a malformed entry naming archive and entry, ignores non-JSON entries', async () => {
    const file = join(scratch, 'mixed.zip');
    writeFileSync(
      file,
      buildZip([
        { name: 'README.txt', data: Buffer.from('not a record') },
        { name: 'broken.json', data: Buffer.from('{"id": ') },
        { name: 'good.json', data: Buffer.from(JSON.stringify({ id: 'PORT-TEST-9', modified: '2024-01-01T00:00:00Z' })) },
      ]),
    );
    const { records, skipped } = await collect(osvSource, file);
    assert.deepEqual(records.map((record) => record.advisory.id), ['PORT-TEST-9']);
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.file, `${file}:broken.json`);
  });

  const rejects = async (name: string, zip: Buffer, code: string, message: RegExp, limits = {}) => {
    const file = join(scratch, name);
    writeFileSync(file, zip);
    await assert.rejects(collect(osvSource, file, limits), (error: unknown) => {
      assert.ok(error instanceof PortcullisError, String(error));
      assert.equal(error.code, code);
      assert.match(error.message, message);
      return true;
    });
  };

  it('refuses a zip bomb (compression ratio)', async () => {
    await rejects('bomb.zip', buildZip([{ name: 'bomb.json', data: Buffer.alloc(4 * 1024 ** 2, 0x20) }]), 'LIMIT', /compression ratio over 200:1/);
  });

  it('refuses an entry that declares more than the record limit', async () => {
    const big = buildZip([{ name: 'big.json', data: Buffer.from('{}'), declaredSize: 0xfffffff0 }]);
    await rejects('big.zip', big, 'LIMIT', /declares 4294967280 bytes/);
  });

  it('refuses an entry that expands past its declared size', async () => {
    const liar = buildZip([{ name: 'liar.json', data: Buffer.alloc(5000, 0x20), declaredSize: 10 }]);
    await rejects('liar.zip', liar, 'INPUT', /corrupt zip archive/);
  });

  it('refuses an archive with too many entries before reading any', async () => {
    const many = buildZip(Array.from({ length: 50 }, (_, index) => ({ name: `${index}.json`, data: Buffer.from('{}') })));
    await rejects('many.zip', many, 'LIMIT', /lists 50 entries, over the 20-entry limit/, { maxZipEntries: 20 });
  });

  it('refuses a truncated archive', async () => {
    const whole = buildZip(ghsaFiles().map((file) => ({ name: file.name, data: Buffer.from(file.name) })));
    await rejects('truncated.zip', whole.subarray(0, Math.floor(whole.length / 2)), 'INPUT', /not a readable zip archive/);
  });

  it('refuses an archive that expands past the total limit', async () => {
    const entries = Array.from({ length: 4 }, (_, index) => ({ name: `${index}.json`, data: Buffer.alloc(1000, 0x20) }));
    await rejects('total.zip', buildZip(entries), 'LIMIT', /expands past the 2500-byte limit/, { maxZipBytes: 2500 });
  });
});
