import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OCI_MANIFEST } from '../oci/index.ts';
import { type TestRegistry, manifestBytes, openTestRegistry, pushBlob, pushImage } from './testing.ts';

const HOUR = 60 * 60 * 1000;

describe('garbage collection', () => {
  let test: TestRegistry;
  beforeEach(async () => {
    test = await openTestRegistry();
  });
  afterEach(async () => {
    await test.close();
  });

  it('deletes old unreferenced blobs and keeps referenced and recent ones', async () => {
    const { registry } = test;
    const image = await pushImage(registry, 'app', 'v1', 'kept');
    const orphan = await pushBlob(registry, 'app', 'never referenced');
    test.advance(2 * HOUR);
    const recent = await pushBlob(registry, 'app', 'pushed just now');

    const dry = await registry.collectGarbage({ dryRun: true });
    assert.deepEqual(dry.deleted, [orphan.digest]);
    assert.equal(await registry.statBlob('app', orphan.digest), orphan.size, 'a dry run deletes nothing');

    const report = await registry.collectGarbage();
    assert.deepEqual(report.deleted, [orphan.digest]);
    assert.equal(report.bytesFreed, orphan.size);
    await assert.rejects(registry.statBlob('app', orphan.digest), /not found/);
    for (const blob of [image.layer, image.config, recent]) assert.equal(await registry.statBlob('app', blob.digest), blob.size);
  });

  it('removes uploads abandoned for longer than the expiry, and keeps active ones', async () => {
    const { registry } = test;
    const abandoned = await registry.uploads.start('app');
    const active = await registry.uploads.start('app');
    // The filesystem keeps upload times: age the abandoned upload's data as a day without writes would.
    const dayAgo = new Date(Date.now() - 25 * HOUR);
    await utimes(join(test.dataDir, 'uploads', abandoned.id, 'data'), dayAgo, dayAgo);
    const report = await registry.collectGarbage();
    assert.deepEqual(report.expiredUploads, [abandoned.id]);
    await assert.rejects(registry.uploads.status('app', abandoned.id), /not known/);
    assert.equal((await registry.uploads.status('app', active.id)).size, 0);
  });

  it('frees the blobs of a deleted image', async () => {
    const { registry } = test;
    const image = await pushImage(registry, 'app', 'v1', 'gone');
    await registry.manifests.delete('app', image.digest);
    test.advance(2 * HOUR);
    const report = await registry.collectGarbage();
    assert.deepEqual(report.deleted.sort(), [image.config.digest, image.layer.digest].sort());
  });

  it('loses nothing that is pushed while it runs', async () => {
    const { registry } = test;
    const garbage = await Promise.all(Array.from({ length: 20 }, (_, index) => pushBlob(registry, 'old', `garbage ${index}`)));
    test.advance(2 * HOUR);
    // Layers uploaded before the run whose manifests arrive during it: the grace period covers them.
    const early = await pushBlob(registry, 'app', 'uploaded before the run');
    const earlyConfig = await pushBlob(registry, 'app', '{"early":true}', 'application/vnd.oci.image.config.v1+json');

    const pushes = Array.from({ length: 12 }, (_, index) => pushImage(registry, `app${index % 3}`, `v${index}`, `image ${index % 4}`));
    const collection = registry.collectGarbage({ graceMs: 60_000 });
    const lateManifest = registry.manifests.put('app', 'early', manifestBytes(earlyConfig, [early]), OCI_MANIFEST);
    const [report, images] = await Promise.all([collection, Promise.all(pushes), lateManifest]);

    assert.equal(report.deleted.length, garbage.length);
    for (const [index, image] of images.entries()) {
      const repository = `app${index % 3}`;
      assert.equal((await registry.manifests.get(repository, `v${index}`)).digest, image.digest);
      assert.equal(await registry.statBlob(repository, image.layer.digest), image.layer.size);
      assert.equal(await registry.statBlob(repository, image.config.digest), image.config.size);
    }
    assert.equal(await registry.statBlob('app', early.digest), early.size);
    const again = await registry.collectGarbage({ graceMs: 0 });
    assert.deepEqual(again.deleted, [], 'everything left is referenced');
  });

  it('never stores a manifest whose blobs it deletes when deleted images are pushed again during the run', async () => {
    const { registry } = test;
    const images = await Promise.all(Array.from({ length: 10 }, (_, index) => pushImage(registry, 'app', `v${index}`, `image ${index}`)));
    for (const image of images) await registry.manifests.delete('app', image.digest);
    test.advance(2 * HOUR);
    // Clients pushing the same images again find the blobs stored and send only the manifests.
    const collection = registry.collectGarbage({ graceMs: 60_000 });
    const repushes = images.map((image, index) =>
      registry.manifests.put('app', `v${index}`, manifestBytes(image.config, [image.layer]), OCI_MANIFEST).then(
        () => true,
        (error: unknown) => {
          assert.match((error as Error).message, /is not in app/, 'a push that loses the race is refused, not stored');
          return false;
        },
      ),
    );
    const [report, stored] = await Promise.all([collection, Promise.all(repushes)]);
    for (const [index, image] of images.entries()) {
      if (!stored[index]) {
        await assert.rejects(registry.manifests.get('app', `v${index}`), /not found/);
        continue;
      }
      assert.equal(await registry.statBlob('app', image.layer.digest), image.layer.size);
      assert.equal(await registry.statBlob('app', image.config.digest), image.config.size);
      assert.ok(!report.deleted.includes(image.layer.digest) && !report.deleted.includes(image.config.digest));
    }
  });
});
