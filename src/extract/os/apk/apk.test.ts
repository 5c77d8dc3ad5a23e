import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { apkExtractor } from './index.ts';

const DATABASE = 'lib/apk/db/installed';
const fixture = () => readFile(join(import.meta.dirname, 'testdata', 'alpine-3.20', 'installed'));

describe('os/apk fileRequired', () => {
  it('accepts the installed database only', () => {
    for (const path of [DATABASE, 'usr/lib/apk/db/installed']) assert.equal(apkExtractor.fileRequired({ path, size: 1, mode: 0o644 }), true, path);
    for (const path of ['lib/apk/db/scripts.tar', 'lib/apk/db/triggers', 'etc/apk/world', 'x/lib/apk/db/installed']) {
      assert.equal(apkExtractor.fileRequired({ path, size: 1, mode: 0o644 }), false, path);
    }
  });
});

describe('os/apk installed database', () => {
  it('reads every package with version, arch, origin, license and maintainer', async () => {
    const { result, warnings } = await runExtractor(apkExtractor, DATABASE, await fixture());
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      result.packages.map((pkg) => [pkg.name, pkg.version, pkg.arch, pkg.sourceName, pkg.sourceVersion, pkg.licenses?.join('|')].join(' ')),
      [
        'alpine-baselayout-data 3.6.5-r0 x86_64 alpine-baselayout 3.6.5-r0 GPL-2.0-only',
        'musl 1.2.5-r0 x86_64 musl 1.2.5-r0 MIT',
        'py3-six 1.16.0-r9 noarch py-six 1.16.0-r9 MIT',
        'ssl_client 1.36.1-r29 x86_64 busybox 1.36.1-r29 GPL-2.0-only',
      ],
    );
    assert.deepEqual(result.packages[1]?.metadata, { maintainer: 'Timo Teräs <timo.teras@iki.fi>', homepage: 'https://musl.libc.org/' });
    assert.deepEqual(result.packages[1]?.locations, [DATABASE]);
  });

  it('joins F: directories and R: files into owned paths', async () => {
    const { result } = await runExtractor(apkExtractor, DATABASE, await fixture());
    const owned = new Map(result.fileOwnership?.map((entry) => [entry.name, entry.paths]));
    assert.deepEqual(owned.get('musl'), ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1']);
    assert.deepEqual(owned.get('py3-six'), [
      'usr/lib/python3.12/site-packages/six.py',
      'usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA',
      'usr/lib/python3.12/site-packages/six-1.16.0.dist-info/RECORD',
    ]);
    assert.ok(result.fileOwnership?.every((entry) => entry.type === 'apk'));
  });

  it('uses the package itself as source when there is no origin', async () => {
    const { result } = await runExtractor(apkExtractor, DATABASE, 'P:lonely\nV:1.0-r0\n');
    assert.equal(result.packages[0]?.sourceName, 'lonely');
    assert.deepEqual(result.packages[0]?.licenses, []);
  });
});

describe('os/apk hostile input', () => {
  const good = 'P:good\nV:1.0-r0\nA:x86_64\nF:usr/bin\nR:good\n';

  it('skips entries without name or version, or with invalid ones, and keeps the rest', async () => {
    const entries = ['V:1.0-r0\n', 'P:noversion\n', 'P:../../evil\nV:1.0\n', 'P:badversion\nV:latest and greatest\n', good];
    const { result, warnings } = await runExtractor(apkExtractor, DATABASE, entries.join('\n'));
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['good']);
    assert.deepEqual(result.fileOwnership, [{ type: 'apk', name: 'good', paths: ['usr/bin/good'] }]);
    assert.equal(warnings.length, 4, warnings.join('\n'));
  });

  it('refuses owned paths that escape the root', async () => {
    const text = 'P:tricky\nV:1.0-r0\nR:before-any-dir\nF:../../etc\nR:shadow\nF:usr/bin\nR:../sbin\nR:..\nR:fine\n';
    const { result, warnings } = await runExtractor(apkExtractor, DATABASE, text);
    assert.deepEqual(result.fileOwnership, [{ type: 'apk', name: 'tricky', paths: ['usr/bin/fine'] }]);
    assert.equal(warnings.length, 5, warnings.join('\n'));
  });

  it('skips an entry with bad UTF-8 and lines that are not "X:value"', async () => {
    const bad = Buffer.concat([Buffer.from('P:bad\nV:1.0-r0\nT:'), Buffer.from([0xe2, 0x82]), Buffer.from('\n')]);
    const content = Buffer.concat([bad, Buffer.from(`\n${good}garbage line\n`)]);
    const { result, warnings } = await runExtractor(apkExtractor, DATABASE, content);
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['good']);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /line 1: not valid UTF-8/);
    assert.match(warnings[1] ?? '', /not an "X:value" line/);
  });

  it('caps the warnings of a file full of bad lines', async () => {
    const text = `${good}${'R:../x\n'.repeat(10_000)}`;
    const { result, warnings } = await runExtractor(apkExtractor, DATABASE, text);
    assert.deepEqual(result.fileOwnership, [{ type: 'apk', name: 'good', paths: ['usr/bin/good'] }]);
    assert.equal(warnings.length, 51);
    assert.match(warnings[50] ?? '', /^9950 more problem\(s\) not listed$/);
  });

  it('reads a truncated database up to the cut', async () => {
    const full = await fixture();
    const cut = full.subarray(0, full.indexOf('P:py3-six') + 'P:py3'.length);
    const { result, warnings } = await runExtractor(apkExtractor, DATABASE, cut);
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['alpine-baselayout-data', 'musl']);
    assert.match(warnings.join('\n'), /py3: no version/);
  });

  it('survives huge lines and many entries, and an oversized file', async () => {
    const many = Array.from({ length: 20_000 }, (_, index) => `P:p${index}\nV:1.${index}-r0\nT:${index === 0 ? 'x'.repeat(4 * 1024 * 1024) : 'short'}\n`).join('\n');
    const { result } = await runExtractor(apkExtractor, DATABASE, many);
    assert.equal(result.packages.length, 20_000);
    const limited = await runExtractor(apkExtractor, DATABASE, good, 8);
    assert.deepEqual(limited.result.packages, []);
    assert.match(limited.warnings[0] ?? '', /limit/);
    const junk = await runExtractor(apkExtractor, DATABASE, Buffer.alloc(10_000, 0));
    assert.deepEqual(junk.result.packages, []);
    assert.ok(junk.warnings.length >= 1 && junk.warnings.every((warning) => warning.length < 500));
  });
});
