import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { smallImageLayout } from '../../test/helpers/registry.ts';
import { layoutImage, taggedManifest, taggedManifestBytes, warmPageCache } from './oci-layout.ts';

describe('layoutImage', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-oci-layout-'));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('gives the tagged manifest digest and the bytes of manifest, config and layers (umoci layout)', async () => {
    const layout = await smallImageLayout();
    const image = await layoutImage(layout, 'amd64');
    const manifestHex = image.digest.slice('sha256:'.length);
    const manifestBytes = await readFile(join(layout, 'blobs', 'sha256', manifestHex));
    assert.equal(createHash('sha256').update(manifestBytes).digest('hex'), manifestHex);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as { config: { size: number }; layers: Array<{ digest: string; size: number }> };
    assert.equal(image.layers, manifest.layers.length);
    const largest = Math.max(...manifest.layers.map((layer) => layer.size));
    const expected = manifest.layers.find((layer) => layer.size === largest);
    assert.deepEqual(image.largestLayer, { digest: expected?.digest, size: expected?.size });
    assert.equal(image.bytes, manifestBytes.length + manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0));
    await warmPageCache(layout, 'amd64');
    const tagged = await taggedManifestBytes(layout, 'amd64');
    assert.equal(tagged.digest, image.digest);
    assert.deepEqual(tagged.bytes, manifestBytes);
    assert.equal(tagged.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  });

  it('refuses a missing tag, a bad digest, a missing size and a non-object index', async () => {
    const write = async (name: string, index: string) => {
      const dir = join(work, name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'index.json'), index);
      return dir;
    };
    const entry = (fields: Record<string, unknown>) => JSON.stringify({ manifests: [{ annotations: { 'org.opencontainers.image.ref.name': 't' }, ...fields }] });
    await assert.rejects(taggedManifest(await write('no-tag', entry({ digest: `sha256:${'a'.repeat(64)}`, size: 1 })), 'other'), /no manifest tagged other/);
    await assert.rejects(taggedManifest(await write('traversal', entry({ digest: 'sha256:../../etc/passwd', size: 1 })), 't'), /no sha256 digest/);
    await assert.rejects(taggedManifest(await write('no-size', entry({ digest: `sha256:${'a'.repeat(64)}` })), 't'), /no size/);
    await assert.rejects(taggedManifest(await write('array', '[]'), 't'), /not a JSON object/);
    await assert.rejects(taggedManifest(await write('truncated', '{"manifests":['), 't'), /truncated\/index.json: not JSON/);
  });
});
