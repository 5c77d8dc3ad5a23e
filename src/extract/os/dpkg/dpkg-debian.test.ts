/**
 * The dpkg extractor against a real Debian root (debootstrap minbase bookworm), checked against
 * what dpkg-query itself reports for the same database.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { debianRootfs } from '../../../../test/fixtures/debian.ts';
import { runExtractor } from '../../testing.ts';
import { dpkgExtractor } from './index.ts';

function dpkgQuery(args: string[]): string {
  try {
    return execFileSync('dpkg-query', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('dpkg-query is not installed: install the Debian package "dpkg"');
    throw error;
  }
}

describe('os/dpkg on a debootstrap bookworm root', () => {
  let root = '';
  let adminDir = '';
  before(async () => {
    root = await debianRootfs();
    adminDir = join(root, 'var/lib/dpkg');
  });

  it('reports every installed package with the exact version and source dpkg-query gives', async () => {
    const format = '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n';
    const expected = dpkgQuery(['--admindir', adminDir, '-W', '-f', format])
      .split('\n')
      .filter((line) => /^[ih]i /.test(line))
      .map((line) => line.split('\t').slice(1).join('\t'))
      .sort();
    assert.ok(expected.length > 50, `dpkg-query listed only ${expected.length} packages`);

    const { result, warnings } = await runExtractor(dpkgExtractor, 'var/lib/dpkg/status', await readFile(join(adminDir, 'status')));
    assert.deepEqual(warnings, []);
    const actual = result.packages.map((pkg) => [pkg.name, pkg.version, pkg.arch, pkg.sourceName, pkg.sourceVersion].join('\t')).sort();
    assert.deepEqual(actual, expected);
  });

  it('parses epochs the way dpkg prints them', async () => {
    const { result } = await runExtractor(dpkgExtractor, 'var/lib/dpkg/status', await readFile(join(adminDir, 'status')));
    const withEpoch = result.packages.filter((pkg) => pkg.version.includes(':'));
    assert.ok(withEpoch.length > 0, 'bookworm minbase has packages with an epoch (login, bsdutils, ...)');
    for (const pkg of withEpoch) assert.equal(`${pkg.epoch}:`, pkg.version.slice(0, pkg.version.indexOf(':') + 1), pkg.name);
    assert.ok(result.packages.filter((pkg) => !pkg.version.includes(':')).every((pkg) => pkg.epoch === undefined));
  });

  it('gives for every .list file the paths dpkg-query -L lists', async () => {
    const lists = (await readdir(join(adminDir, 'info'))).filter((name) => name.endsWith('.list'));
    assert.ok(lists.length > 50);
    for (const list of lists) {
      const path = `var/lib/dpkg/info/${list}`;
      assert.equal(dpkgExtractor.fileRequired({ path, size: 1, mode: 0o644 }), true, path);
      const { result, warnings } = await runExtractor(dpkgExtractor, path, await readFile(join(adminDir, 'info', list)));
      assert.deepEqual(warnings, []);
      const ownership = result.fileOwnership?.[0];
      assert.ok(ownership, list);
      const expected = dpkgQuery(['--admindir', adminDir, '-L', list.slice(0, -'.list'.length)])
        .split('\n')
        .filter((line) => line.startsWith('/') && line !== '/.')
        .map((line) => line.slice(1));
      assert.deepEqual(ownership.paths, expected, list);
    }
  });
});
