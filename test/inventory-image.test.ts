/**
 * End to end: a multi-layer image built from files, read through every local transport, gives one
 * inventory with whiteouts applied, each package attributed to the layer that introduced it, and
 * Debian's own Python packages linked to the dpkg package that owns them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventory } from '../src/index.ts';
import type { Inventory, Package } from '../src/index.ts';
import { writeDockerArchive, writeOciArchive, writeOciLayout } from './helpers/image-builder.ts';
import { SAMPLE_IMAGE as SPEC } from './helpers/sample-image.ts';

function find(result: Inventory, purlPrefix: string): Package | undefined {
  return result.packages.find((pkg) => pkg.purl.startsWith(purlPrefix));
}

function checkInventory(result: Inventory): void {
  assert.equal(result.os?.id, 'debian');
  assert.equal(result.os?.versionId, '12');
  assert.equal(find(result, 'pkg:npm/lodash@'), undefined, 'lodash was deleted by a whiteout in layer 2');

  const leftPad = find(result, 'pkg:npm/left-pad@1.3.0');
  assert.equal(leftPad?.layer?.index, 1);
  assert.equal(leftPad?.layer?.createdBy, 'COPY app /app # buildkit');
  assert.deepEqual(leftPad?.locations, ['app/node_modules/left-pad/package.json']);
  assert.equal(find(result, 'pkg:npm/%40babel/core@7.22.0')?.namespace, '@babel');
  assert.equal(find(result, 'pkg:npm/express@4.17.1')?.layer?.index, 2);

  const libfoo = find(result, 'pkg:deb/debian/libfoo1@1.0-1+b1');
  assert.ok(libfoo, `libfoo1 missing: ${result.packages.map((p) => p.purl).join(' ')}`);
  assert.equal(libfoo.layer?.index, 0, 'libfoo1 survives the status rewrite of layer 2 and stays attributed to layer 0');
  assert.equal(libfoo.sourceName, 'foo');
  assert.match(libfoo.purl, /distro=debian-12/);
  const libbar = find(result, 'pkg:deb/debian/libbar2@2.0-3');
  assert.equal(libbar?.layer?.index, 2);
  assert.match(libbar?.purl ?? '', /epoch=1/);

  const requestsDeb = find(result, 'pkg:deb/debian/python3-requests@');
  const requestsEgg = find(result, 'pkg:pypi/requests@2.28.1');
  assert.ok(requestsDeb && requestsEgg);
  assert.equal(requestsEgg.ownedBy, requestsDeb.purl, 'the egg-info belongs to the dpkg package');

  const app = find(result, 'pkg:npm/shop@3.1.0');
  assert.equal(app?.isRoot, true, 'the application itself is marked as root');
  assert.deepEqual(result.image?.labels, { team: 'payments' });
  assert.equal(result.image?.layers.length, 3);
  assert.ok(result.image?.layers.every((layer) => layer.diffId?.startsWith('sha256:')));
}

test('one inventory through oci, oci-archive and docker-archive', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-inventory-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeOciLayout(join(dir, 'layout'), SPEC, 'v1');
  await writeOciArchive(join(dir, 'image.oci.tar'), SPEC, 'v1');
  await writeDockerArchive(join(dir, 'image.docker.tar'), SPEC, 'shop:v1');

  const results: Inventory[] = [];
  for (const target of [`oci:${join(dir, 'layout')}:v1`, `oci-archive:${join(dir, 'image.oci.tar')}`, `docker-archive:${join(dir, 'image.docker.tar')}`]) {
    const result = await inventory(target);
    checkInventory(result);
    results.push(result);
  }
  const purls = results.map((result) => result.packages.map((pkg) => `${pkg.purl} ${pkg.layer?.index}`));
  assert.deepEqual(purls[1], purls[0]);
  assert.deepEqual(purls[2], purls[0]);
});
