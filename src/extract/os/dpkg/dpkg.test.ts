import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ExtractedPackage } from '../../../inventory/index.ts';
import { runExtractor } from '../../testing.ts';
import { dpkgExtractor } from './index.ts';

const testdata = join(import.meta.dirname, 'testdata');
const fixture = (...parts: string[]) => readFile(join(testdata, ...parts));
const summary = (pkg: ExtractedPackage) => `${pkg.name} ${pkg.version} ${pkg.arch} ${pkg.sourceName} ${pkg.sourceVersion} ${pkg.epoch ?? '-'}`;
const STATUS = 'var/lib/dpkg/status';

describe('os/dpkg fileRequired', () => {
  it('accepts the status database, distroless status.d files and .list files', () => {
    const accepted = [STATUS, 'var/lib/dpkg/status.d/libssl3', 'var/lib/dpkg/info/bash.list', 'var/lib/dpkg/info/libc6:amd64.list'];
    const rejected = [
      'var/lib/dpkg/status-old',
      'var/lib/dpkg/status.d/libssl3.md5sums',
      'var/lib/dpkg/status.d/sub/dir',
      'var/lib/dpkg/info/bash.md5sums',
      'var/lib/dpkg/info/bash.conffiles',
      'usr/var/lib/dpkg/status',
      'var/lib/dpkg/available',
    ];
    for (const path of accepted) assert.equal(dpkgExtractor.fileRequired({ path, size: 10, mode: 0o644 }), true, path);
    for (const path of rejected) assert.equal(dpkgExtractor.fileRequired({ path, size: 10, mode: 0o644 }), false, path);
  });
});

describe('os/dpkg status database', () => {
  it('keeps installed and held packages only, with epoch, source and architecture', async () => {
    const { result, warnings } = await runExtractor(dpkgExtractor, STATUS, await fixture('status-mixed', 'status'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(result.packages.map(summary), [
      'base-files 12.4+deb12u6 amd64 base-files 12.4+deb12u6 -',
      'login 1:4.13+dfsg1-1+deb12u1 amd64 shadow 1:4.13+dfsg1-1+deb12u1 1',
      'bsdutils 1:2.38.1-5+deb12u3 amd64 util-linux 2.38.1-5+deb12u3 1',
      'libc6 2.36-9+deb12u14 amd64 glibc 2.36-9+deb12u14 -',
      'libc6 2.36-9+deb12u14 i386 glibc 2.36-9+deb12u14 -',
    ]);
  });

  it('keeps maintainer and homepage as metadata, licenses empty, the file as location', async () => {
    const { result } = await runExtractor(dpkgExtractor, STATUS, await fixture('status-mixed', 'status'));
    const baseFiles = result.packages[0];
    assert.deepEqual(baseFiles, {
      type: 'deb',
      name: 'base-files',
      version: '12.4+deb12u6',
      arch: 'amd64',
      sourceName: 'base-files',
      sourceVersion: '12.4+deb12u6',
      licenses: [],
      locations: [STATUS],
      metadata: { maintainer: 'Santiago Vila <sanvila@debian.org>', homepage: 'https://tracker.debian.org/pkg/base-files' },
    });
  });
});

describe('os/dpkg distroless status.d', () => {
  it('reads each control file as an installed package', async () => {
    const baseFiles = await runExtractor(dpkgExtractor, 'var/lib/dpkg/status.d/base-files', await fixture('distroless', 'status.d', 'base-files'));
    const libssl = await runExtractor(dpkgExtractor, 'var/lib/dpkg/status.d/libssl3', await fixture('distroless', 'status.d', 'libssl3'));
    assert.deepEqual(baseFiles.result.packages.map(summary), ['base-files 12.4+deb12u10 amd64 base-files 12.4+deb12u10 -']);
    assert.deepEqual(libssl.result.packages.map(summary), ['libssl3 3.0.15-1~deb12u1 amd64 openssl 3.0.15-1~deb12u1 -']);
    assert.deepEqual(libssl.result.packages[0]?.locations, ['var/lib/dpkg/status.d/libssl3']);
    assert.deepEqual([...baseFiles.warnings, ...libssl.warnings], []);
  });

  it('still honours a Status field when a status.d file has one', async () => {
    const text = 'Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n';
    const { result } = await runExtractor(dpkgExtractor, 'var/lib/dpkg/status.d/gone', text);
    assert.deepEqual(result.packages, []);
  });
});

describe('os/dpkg file lists', () => {
  it('turns a .list file into ownership without the leading "/" and without "/."', async () => {
    const { result, warnings } = await runExtractor(dpkgExtractor, 'var/lib/dpkg/info/python3-six.list', await fixture('file-lists', 'python3-six.list'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(result.packages, []);
    assert.equal(result.fileOwnership?.length, 1);
    const ownership = result.fileOwnership?.[0];
    assert.equal(ownership?.type, 'deb');
    assert.equal(ownership?.name, 'python3-six');
    assert.ok(ownership?.paths.includes('usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA'));
    assert.equal(ownership?.paths.length, 9);
    assert.ok(ownership?.paths.every((path) => !path.startsWith('/') && path !== '.'));
  });

  it('drops the architecture qualifier from the package name', async () => {
    const { result } = await runExtractor(dpkgExtractor, 'var/lib/dpkg/info/libc6:amd64.list', await fixture('file-lists', 'libc6-amd64.list'));
    assert.deepEqual(result.fileOwnership, [{ type: 'deb', name: 'libc6', paths: ['lib64', 'lib64/ld-linux-x86-64.so.2'] }]);
  });
});

describe('os/dpkg hostile input', () => {
  const good = 'Package: good\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n';

  it('warns about paragraphs without Package or Version and keeps the rest', async () => {
    const text = `Status: install ok installed\nVersion: 1.0\n\nPackage: noversion\nStatus: install ok installed\n\n${good}`;
    const { result, warnings } = await runExtractor(dpkgExtractor, STATUS, text);
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['good']);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /line 1: no Package field/);
    assert.match(warnings[1] ?? '', /line 4: noversion: no Version field/);
  });

  it('skips a paragraph with bad UTF-8 and keeps its neighbours', async () => {
    const bad = Buffer.concat([Buffer.from('Package: bad\nStatus: install ok installed\nVersion: 1.0\nMaintainer: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const content = Buffer.concat([Buffer.from(`${good}\n`), bad, Buffer.from(`\n${good.replace('good', 'good2')}`)]);
    const { result, warnings } = await runExtractor(dpkgExtractor, STATUS, content);
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['good', 'good2']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /paragraph at line 6: not valid UTF-8/);
  });

  it('reads a truncated database up to the cut and rejects the cut paragraph only if it lost its fields', async () => {
    const full = await fixture('status-mixed', 'status');
    const cut = full.subarray(0, full.indexOf('Version: 1:2.38.1') + 'Version: 1:2'.length);
    const { result } = await runExtractor(dpkgExtractor, STATUS, cut);
    assert.deepEqual(result.packages.map((pkg) => `${pkg.name} ${pkg.version}`), ['base-files 12.4+deb12u6', 'login 1:4.13+dfsg1-1+deb12u1', 'bsdutils 1:2']);
    const cutBeforeVersion = full.subarray(0, full.indexOf('Version: 1:2.38.1'));
    const truncated = await runExtractor(dpkgExtractor, STATUS, cutBeforeVersion);
    assert.deepEqual(truncated.result.packages.map((pkg) => pkg.name), ['base-files', 'login']);
    assert.match(truncated.warnings.join('\n'), /bsdutils: no Version field/);
  });

  it('rejects invalid versions, names and sources with a warning', async () => {
    const paragraphs = [
      'Package: epochword\nStatus: install ok installed\nVersion: abc:1.0\n',
      'Package: spaced\nStatus: install ok installed\nVersion: 1.0 beta\n',
      'Package: hugeepoch\nStatus: install ok installed\nVersion: 99999999999:1.0\n',
      'Package: ../../etc/passwd\nStatus: install ok installed\nVersion: 1.0\n',
      'Package: badsource\nStatus: install ok installed\nVersion: 1.0\nSource: a (b) (c)\n',
      good,
    ];
    const { result, warnings } = await runExtractor(dpkgExtractor, STATUS, paragraphs.join('\n'));
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['good']);
    assert.equal(warnings.length, 5, warnings.join('\n'));
    assert.match(warnings.join('\n'), /epoch is not a number/);
    assert.match(warnings.join('\n'), /contains whitespace/);
    assert.match(warnings.join('\n'), /epoch is too big/);
    assert.match(warnings.join('\n'), /invalid package name/);
    assert.match(warnings.join('\n'), /invalid Source/);
  });

  it('skips lines that are not fields, and duplicate fields, with a warning', async () => {
    const text = ' orphan continuation\nPackage: odd\nStatus: install ok installed\nthis is not a field\nVersion: 2.0\nVersion: 3.0\n';
    const { result, warnings } = await runExtractor(dpkgExtractor, STATUS, text);
    assert.deepEqual(result.packages.map(summary), ['odd 2.0 undefined odd 2.0 -']);
    assert.equal(warnings.length, 3, warnings.join('\n'));
  });

  it('survives a huge single line and huge paragraph counts in linear time', async () => {
    const hugeLine = `Package: big\nStatus: install ok installed\nVersion: 1.0\nDescription: ${'x'.repeat(8 * 1024 * 1024)}\n`;
    const many = Array.from({ length: 20_000 }, (_, index) => `Package: p${index}\nStatus: install ok installed\nVersion: 1.${index}\n`).join('\n');
    const started = performance.now();
    const huge = await runExtractor(dpkgExtractor, STATUS, `${hugeLine}\n${many}`);
    assert.equal(huge.result.packages.length, 20_001);
    assert.ok(performance.now() - started < 10_000, 'parsing took too long');
    const garbage = await runExtractor(dpkgExtractor, STATUS, 'x'.repeat(1024 * 1024));
    assert.deepEqual(garbage.result.packages, []);
    assert.equal(garbage.warnings.length, 2);
    assert.ok(garbage.warnings.every((warning) => warning.length < 500), 'warnings quote untrusted text in full');
  });

  it('caps the warnings of a file full of bad lines', async () => {
    const text = `${'not a field\n'.repeat(100_000)}\n${good}`;
    const { result, warnings } = await runExtractor(dpkgExtractor, STATUS, text);
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['good']);
    assert.equal(warnings.length, 51);
    assert.match(warnings[50] ?? '', /^99951 more problem\(s\) not listed$/);
  });

  it('reports a database larger than the file limit as a warning', async () => {
    const { result, warnings } = await runExtractor(dpkgExtractor, STATUS, good, 16);
    assert.deepEqual(result.packages, []);
    assert.match(warnings[0] ?? '', /limit/);
  });

  it('handles empty files, binary junk and a .list with bad UTF-8', async () => {
    assert.deepEqual((await runExtractor(dpkgExtractor, STATUS, '')).result.packages, []);
    const junk = await runExtractor(dpkgExtractor, STATUS, Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)));
    assert.deepEqual(junk.result.packages, []);
    assert.ok(junk.warnings.length > 0);
    const list = Buffer.concat([Buffer.from('/.\n/usr/bin/ok\n/usr/bin/'), Buffer.from([0xff, 0xfe]), Buffer.from('\n/usr/bin/also-ok')]);
    const listed = await runExtractor(dpkgExtractor, 'var/lib/dpkg/info/tool.list', list);
    assert.deepEqual(listed.result.fileOwnership, [{ type: 'deb', name: 'tool', paths: ['usr/bin/ok', 'usr/bin/also-ok'] }]);
    assert.match(listed.warnings[0] ?? '', /1 line\(s\) not valid UTF-8/);
    const nameless = await runExtractor(dpkgExtractor, 'var/lib/dpkg/info/:amd64.list', '/usr/bin/x\n');
    assert.equal(nameless.result.fileOwnership, undefined);
    assert.equal(nameless.warnings.length, 1);
  });
});
