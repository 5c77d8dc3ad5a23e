/**
 * A real Debian root filesystem (debootstrap minbase), as an OCI image and as a directory: the
 * inventory lists exactly the packages dpkg-query lists, with the same versions and sources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inventory, type Inventory } from '../src/index.ts';
import { debianOciLayout, debianRootfs } from './fixtures/debian.ts';

const run = promisify(execFile);

async function dpkgQuery(root: string): Promise<string[]> {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${Package} ${Version} ${source:Package} ${source:Version}\\n', '--admindir', `${root}/var/lib/dpkg`]);
  return stdout.trim().split('\n').sort();
}

function debLines(result: Inventory): string[] {
  return result.packages
    .filter((pkg) => pkg.type === 'deb')
    .map((pkg) => `${pkg.name} ${pkg.version} ${pkg.sourceName ?? pkg.name} ${pkg.sourceVersion ?? pkg.version}`)
    .sort();
}

test('the OCI image of a debootstrap root lists what dpkg-query lists', async () => {
  const root = await debianRootfs();
  const { dir, tag } = await debianOciLayout();
  const result = await inventory(`oci:${dir}:${tag}`);
  const expected = await dpkgQuery(root);
  assert.ok(expected.length > 80, `a minbase root has many packages, dpkg-query listed ${expected.length}`);
  assert.deepEqual(debLines(result), expected);
  assert.equal(result.os?.id, 'debian');
  assert.equal(result.os?.versionId, '12');
  assert.ok(result.packages.filter((pkg) => pkg.type === 'deb').every((pkg) => pkg.layer?.index === 0 && /distro=debian-12/.test(pkg.purl)));
});

test('the same root as a directory gives the same packages', async () => {
  const root = await debianRootfs();
  const { dir, tag } = await debianOciLayout();
  const fromDirectory = await inventory(`dir:${root}`);
  const fromImage = await inventory(`oci:${dir}:${tag}`);
  assert.deepEqual(
    fromDirectory.packages.map((pkg) => pkg.purl),
    fromImage.packages.map((pkg) => pkg.purl),
  );
  assert.equal(fromDirectory.target.kind, 'directory');
  assert.ok(fromDirectory.packages.every((pkg) => pkg.layer === undefined));
});
