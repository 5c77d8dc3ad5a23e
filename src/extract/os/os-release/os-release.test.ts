import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { debianRootfs } from '../../../../test/fixtures/debian.ts';
import { runExtractor } from '../../testing.ts';
import { osReleaseExtractor } from './index.ts';
import { parseOsRelease } from './parse.ts';
import { selectOS } from './precedence.ts';

const testdata = join(import.meta.dirname, 'testdata');
const fixture = (...parts: string[]) => readFile(join(testdata, ...parts));

describe('os/os-release fileRequired', () => {
  it('accepts the release files and nothing else', () => {
    const wanted = ['etc/os-release', 'usr/lib/os-release', 'etc/alpine-release', 'etc/debian_version', 'etc/redhat-release'];
    for (const path of wanted) assert.equal(osReleaseExtractor.fileRequired({ path, size: 100, mode: 0o644 }), true, path);
    for (const path of ['etc/os-release.bak', 'usr/etc/os-release', 'os-release', 'etc/lsb-release', 'etc/constructor']) {
      assert.equal(osReleaseExtractor.fileRequired({ path, size: 100, mode: 0o644 }), false, path);
    }
  });
});

describe('os/os-release os-release files', () => {
  it('reads Debian bookworm', async () => {
    const { result, warnings } = await runExtractor(osReleaseExtractor, 'usr/lib/os-release', await fixture('debian-bookworm', 'os-release'));
    assert.deepEqual(result.os, {
      id: 'debian',
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      source: 'usr/lib/os-release',
    });
    assert.deepEqual(result.packages, []);
    assert.deepEqual(warnings, []);
  });

  it('reads Ubuntu, Alpine and RHEL', async () => {
    const ubuntu = await runExtractor(osReleaseExtractor, 'etc/os-release', await fixture('ubuntu-noble', 'os-release'));
    assert.deepEqual(ubuntu.result.os, { id: 'ubuntu', versionId: '24.04', codename: 'noble', prettyName: 'Ubuntu 24.04.1 LTS', source: 'etc/os-release' });
    const alpine = await runExtractor(osReleaseExtractor, 'etc/os-release', await fixture('alpine-3.20', 'os-release'));
    assert.deepEqual(alpine.result.os, { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20', source: 'etc/os-release' });
    const rhel = await runExtractor(osReleaseExtractor, 'etc/os-release', await fixture('rhel-9', 'os-release'));
    assert.deepEqual(rhel.result.os, { id: 'rhel', versionId: '9.4', prettyName: 'Red Hat Enterprise Linux 9.4 (Plow)', source: 'etc/os-release' });
    assert.deepEqual([...ubuntu.warnings, ...alpine.warnings, ...rhel.warnings], []);
  });

  it('unquotes values exactly as a POSIX shell does', async () => {
    const path = join(testdata, 'quoting', 'os-release');
    const keys = ['ID', 'VERSION_ID', 'PRETTY_NAME', 'VERSION_CODENAME', 'NAME'];
    const script = `. "$1"; printf '%s\\0' ${keys.map((key) => `"$${key}"`).join(' ')}`;
    const shellValues = execFileSync('sh', ['-c', script, 'sh', path], { encoding: 'utf8' }).split('\0').slice(0, -1);
    const { fields, problems } = parseOsRelease(await readFile(path, 'utf8'));
    assert.deepEqual(problems, []);
    assert.deepEqual(keys.map((key) => fields.get(key)), shellValues);
  });

  it('lower-cases ID and tolerates CRLF line ends', async () => {
    const quoted = await runExtractor(osReleaseExtractor, 'etc/os-release', await fixture('quoting', 'os-release'));
    assert.equal(quoted.result.os?.id, 'quoted-distro');
    const crlf = await runExtractor(osReleaseExtractor, 'etc/os-release', await fixture('quoting', 'os-release-crlf'));
    assert.deepEqual(crlf.result.os, { id: 'debian', versionId: '12', source: 'etc/os-release' });
    assert.deepEqual(crlf.warnings, []);
  });

  it('ignores a UTF-8 byte-order mark', async () => {
    const { result, warnings } = await runExtractor(osReleaseExtractor, 'etc/os-release', '\uFEFFID=alpine\nVERSION_ID=3.20.3\n');
    assert.deepEqual(result.os, { id: 'alpine', versionId: '3.20.3', source: 'etc/os-release' });
    assert.deepEqual(warnings, []);
  });

  it('defaults ID to "linux" when the file has none', async () => {
    const { result } = await runExtractor(osReleaseExtractor, 'etc/os-release', 'NAME="Nameless"\nVERSION_ID=1\n');
    assert.deepEqual(result.os, { id: 'linux', versionId: '1', source: 'etc/os-release' });
  });

  it('reads the real debootstrap root (etc/os-release and usr/lib/os-release)', async () => {
    const root = await debianRootfs();
    for (const path of ['etc/os-release', 'usr/lib/os-release']) {
      const { result, warnings } = await runExtractor(osReleaseExtractor, path, await readFile(join(root, path)));
      assert.equal(result.os?.id, 'debian');
      assert.equal(result.os?.versionId, '12');
      assert.equal(result.os?.codename, 'bookworm');
      assert.equal(result.os?.source, path);
      assert.deepEqual(warnings, []);
    }
  });
});

describe('os/os-release fallback release files', () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ['etc/alpine-release', 'alpine-release', { id: 'alpine', versionId: '3.20.3' }],
    ['etc/debian_version', 'debian_version', { id: 'debian', versionId: '12', codename: 'bookworm' }],
    ['etc/debian_version', 'debian_version-testing', { id: 'debian', codename: 'trixie' }],
    ['etc/redhat-release', 'redhat-release-rhel9', { id: 'rhel', versionId: '9.4', prettyName: 'Red Hat Enterprise Linux release 9.4 (Plow)' }],
    ['etc/redhat-release', 'redhat-release-rhel7', { id: 'rhel', versionId: '7.9', prettyName: 'Red Hat Enterprise Linux Server release 7.9 (Maipo)' }],
    ['etc/redhat-release', 'redhat-release-rocky', { id: 'rocky', versionId: '9.3', prettyName: 'Rocky Linux release 9.3 (Blue Onyx)' }],
    ['etc/redhat-release', 'redhat-release-alma', { id: 'almalinux', versionId: '9.3', prettyName: 'AlmaLinux release 9.3 (Shamrock Pampas Cat)' }],
    ['etc/redhat-release', 'redhat-release-centos7', { id: 'centos', versionId: '7', prettyName: 'CentOS Linux release 7.9.2009 (Core)' }],
    ['etc/redhat-release', 'redhat-release-centos-stream', { id: 'centos', versionId: '9', prettyName: 'CentOS Stream release 9' }],
    ['etc/redhat-release', 'redhat-release-fedora', { id: 'fedora', versionId: '40', prettyName: 'Fedora release 40 (Forty)' }],
  ];
  for (const [path, file, expected] of cases) {
    it(`${file} -> ${expected.id} ${expected.versionId ?? expected.codename}`, async () => {
      const { result, warnings } = await runExtractor(osReleaseExtractor, path, await fixture('fallbacks', file));
      assert.deepEqual(result.os, { ...expected, source: path });
      assert.deepEqual(warnings, []);
    });
  }
});

describe('os/os-release precedence', () => {
  it('prefers etc/os-release over usr/lib/os-release over the fallbacks, whatever the order', () => {
    const etc = { id: 'ubuntu', source: 'etc/os-release' };
    const usr = { id: 'debian', source: 'usr/lib/os-release' };
    const fallback = { id: 'debian', source: 'etc/debian_version' };
    assert.equal(selectOS([usr, fallback, etc]), etc);
    assert.equal(selectOS([fallback, usr]), usr);
    assert.equal(selectOS([fallback]), fallback);
    assert.equal(selectOS([]), undefined);
  });

  it('lets the upper layer win between two copies of the same file', () => {
    const lower = { id: 'debian', versionId: '11', source: 'etc/os-release' };
    const upper = { id: 'debian', versionId: '12', source: 'etc/os-release' };
    assert.equal(selectOS([lower, upper]), upper);
  });
});

describe('os/os-release hostile input', () => {
  it('skips malformed lines with a warning each and keeps the rest', async () => {
    const { result, warnings } = await runExtractor(osReleaseExtractor, 'etc/os-release', await fixture('malformed', 'os-release'));
    assert.deepEqual(result.os, { id: 'acme', source: 'etc/os-release' });
    assert.equal(warnings.length, 6, warnings.join('\n'));
    assert.match(warnings.join('\n'), /line 2: not a KEY=value/);
    assert.match(warnings.join('\n'), /line 3: VERSION_ID: unterminated double quote/);
    assert.match(warnings.join('\n'), /line 4: PRETTY_NAME: unquoted whitespace/);
    assert.match(warnings.join('\n'), /line 6: VERSION_CODENAME: unescaped \$/);
  });

  it('ignores a file that is not UTF-8, with a warning', async () => {
    const { result, warnings } = await runExtractor(osReleaseExtractor, 'etc/os-release', Buffer.from([0x49, 0x44, 0x3d, 0xff, 0xfe, 0x0a]));
    assert.equal(result.os, undefined);
    assert.match(warnings[0] ?? '', /not valid UTF-8/);
  });

  it('does not read an oversized release file', async () => {
    const huge = `ID=debian\nPRETTY_NAME="${'x'.repeat(200_000)}"\n`;
    const { result, warnings } = await runExtractor(osReleaseExtractor, 'etc/os-release', huge);
    assert.equal(result.os, undefined);
    assert.match(warnings[0] ?? '', /limit/);
  });

  it('rejects release lines that are not versions', async () => {
    for (const [path, content] of [
      ['etc/alpine-release', 'edge; rm -rf /\n'],
      ['etc/debian_version', '\n'],
      ['etc/redhat-release', 'Acme Linux release 1.0 (Road Runner)\n'],
      ['etc/redhat-release', 'Fedora release\n'],
    ] as const) {
      const { result, warnings } = await runExtractor(osReleaseExtractor, path, content);
      assert.equal(result.os, undefined, `${path}: ${content}`);
      assert.equal(warnings.length, 1, `${path}: ${content}`);
    }
  });

  it('reports a file the walker refuses to hand over as a warning', async () => {
    const { result, warnings } = await runExtractor(osReleaseExtractor, 'etc/os-release', 'ID=debian\n', 4);
    assert.equal(result.os, undefined);
    assert.match(warnings[0] ?? '', /limit/);
  });
});
