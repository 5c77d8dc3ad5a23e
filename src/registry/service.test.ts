import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OCI_INDEX, OCI_MANIFEST } from '../oci/index.ts';
import { RegistryError } from './errors.ts';
import type { ManifestDeleted, ManifestPushed } from './events.ts';
import { type TestRegistry, chunksOf, manifestBytes, openTestRegistry, pushBlob, pushImage, sha256 } from './testing.ts';

function code(expected: string) {
  return (error: unknown) => {
    assert.ok(error instanceof RegistryError, `expected a RegistryError, got ${String(error)}`);
    assert.equal(error.registryCode, expected, error.message);
    return true;
  };
}

describe('RegistryService', () => {
  let test: TestRegistry;
  beforeEach(async () => {
    test = await openTestRegistry();
  });
  afterEach(async () => {
    await test.close();
  });

  it('pushes an image and serves it back by tag and by digest', async () => {
    const { registry } = test;
    const { digest, layer } = await pushImage(registry, 'team/app', 'v1', 'a');
    const byTag = await registry.manifests.get('team/app', 'v1');
    const byDigest = await registry.manifests.get('team/app', digest);
    assert.equal(byTag.digest, digest);
    assert.equal(sha256(byDigest.content), digest);
    assert.equal(await registry.statBlob('team/app', layer.digest), layer.size);
    assert.deepEqual(await registry.catalog({}), ['team/app']);
  });

  it('resolves tags and digests to digests, and finds nothing without an error when there is nothing', async () => {
    const { registry } = test;
    const { digest } = await pushImage(registry, 'team/app', 'v1', 'a');
    assert.equal(await registry.manifests.resolve('team/app', 'v1'), digest);
    assert.equal(await registry.manifests.resolve('team/app', digest), digest);
    assert.equal(await registry.manifests.resolve('team/app', 'v2'), undefined);
    assert.equal(await registry.manifests.resolve('team/other', digest), undefined, 'a digest of another repository is not this one');
    assert.equal((await registry.manifests.find('team/app', 'v1'))?.digest, digest);
    assert.equal(await registry.manifests.find('team/app', 'v2'), undefined);
    await assert.rejects(registry.manifests.find('team/app', '../v1'), code('MANIFEST_UNKNOWN'), 'an invalid reference is still an error');
  });

  it('appends chunks at the reported offset and refuses a chunk at the wrong one', async () => {
    const { registry } = test;
    const upload = await registry.uploads.start('app');
    assert.equal((await registry.uploads.append('app', upload.id, chunksOf('abc'), { range: { start: 0, end: 2 }, length: 3 })).size, 3);
    await assert.rejects(registry.uploads.append('app', upload.id, chunksOf('abc'), { range: { start: 0, end: 2 } }), code('RANGE_INVALID'));
    await assert.rejects(registry.uploads.append('app', upload.id, chunksOf('de'), { range: { start: 3, end: 4 }, length: 3 }), code('RANGE_INVALID'));
    assert.equal((await registry.uploads.append('app', upload.id, chunksOf('de'), { range: { start: 3, end: 4 } })).size, 5);
    await registry.uploads.complete('app', upload.id, sha256('abcde'));
    assert.equal(await registry.statBlob('app', sha256('abcde')), 5);
  });

  it('refuses a body shorter than its declared length', async () => {
    const { registry } = test;
    const upload = await registry.uploads.start('app');
    await assert.rejects(registry.uploads.append('app', upload.id, chunksOf('ab'), { length: 5 }), code('SIZE_INVALID'));
  });

  it('keeps uploads to their repository', async () => {
    const upload = await test.registry.uploads.start('one');
    await assert.rejects(test.registry.uploads.status('two', upload.id), code('BLOB_UPLOAD_UNKNOWN'));
    await assert.rejects(test.registry.uploads.complete('two', upload.id, sha256('')), code('BLOB_UPLOAD_UNKNOWN'));
  });

  it('refuses a blob whose content does not match its digest, storing nothing', async () => {
    const { registry } = test;
    const upload = await registry.uploads.start('app');
    await assert.rejects(registry.uploads.complete('app', upload.id, sha256('expected'), { body: chunksOf('actual'), headers: {} }), code('DIGEST_INVALID'));
    await assert.rejects(registry.statBlob('app', sha256('expected')), code('BLOB_UNKNOWN'));
    await assert.rejects(registry.statBlob('app', sha256('actual')), code('BLOB_UNKNOWN'));
  });

  it('mounts a blob from another repository only when that repository has it', async () => {
    const { registry } = test;
    const layer = await pushBlob(registry, 'source', 'shared layer');
    assert.equal(await registry.uploads.mount('target', layer.digest, 'elsewhere'), false);
    await assert.rejects(registry.statBlob('target', layer.digest), code('BLOB_UNKNOWN'));
    assert.equal(await registry.uploads.mount('target', layer.digest, 'source'), true);
    assert.equal(await registry.statBlob('target', layer.digest), layer.size);
  });

  it('refuses manifests that reference missing blobs, blobs of another repository, or wrong sizes', async () => {
    const { registry } = test;
    const config = await pushBlob(registry, 'app', '{}', 'application/vnd.oci.image.config.v1+json');
    const foreign = await pushBlob(registry, 'other', 'foreign layer');
    const missing = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('never pushed'), size: 12 };
    await assert.rejects(registry.manifests.put('app', 'v1', manifestBytes(config, [missing]), OCI_MANIFEST), code('MANIFEST_BLOB_UNKNOWN'));
    await assert.rejects(registry.manifests.put('app', 'v1', manifestBytes(config, [foreign]), OCI_MANIFEST), code('MANIFEST_BLOB_UNKNOWN'));
    await assert.rejects(registry.manifests.put('app', 'v1', manifestBytes({ ...config, size: 99 }, []), OCI_MANIFEST), code('MANIFEST_INVALID'));
    await assert.rejects(registry.manifests.get('app', 'v1'), code('MANIFEST_UNKNOWN'));
  });

  it('refuses manifests that are not valid JSON, have the wrong digest, are too large or schema 1', async () => {
    const { registry } = test;
    const config = await pushBlob(registry, 'app', '{}', 'application/vnd.oci.image.config.v1+json');
    const good = manifestBytes(config, []);
    await assert.rejects(registry.manifests.put('app', 'v1', Buffer.from('{"schemaVersion":2,'), OCI_MANIFEST), code('MANIFEST_INVALID'));
    await assert.rejects(registry.manifests.put('app', 'v1', Buffer.from([0x7b, 0xff, 0x7d]), OCI_MANIFEST), code('MANIFEST_INVALID'));
    await assert.rejects(registry.manifests.put('app', 'v1', Buffer.from('{"schemaVersion":2,"config":"x"}'), OCI_MANIFEST), code('MANIFEST_INVALID'));
    await assert.rejects(registry.manifests.put('app', sha256('other'), good, OCI_MANIFEST), code('DIGEST_INVALID'));
    await assert.rejects(registry.manifests.put('app', 'v1', Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), OCI_MANIFEST), code('MANIFEST_TOO_LARGE'));
    await assert.rejects(registry.manifests.put('app', 'v1', Buffer.from('{"schemaVersion":1,"fsLayers":[]}'), undefined), code('UNSUPPORTED'));
    await assert.rejects(registry.manifests.put('app', 'v1', good, OCI_INDEX), code('MANIFEST_INVALID'));
    await assert.rejects(registry.manifests.put('app', '../etc', good, OCI_MANIFEST), code('MANIFEST_INVALID'));
    assert.deepEqual(await registry.manifests.tags('app', {}), []);
  });

  it('accepts an index only when its manifests are in the repository', async () => {
    const { registry } = test;
    const { digest } = await pushImage(registry, 'app', 'amd64', 'a');
    const entry = { mediaType: OCI_MANIFEST, digest, size: (await registry.manifests.get('app', digest)).size, platform: { os: 'linux', architecture: 'amd64' } };
    const missing = { ...entry, digest: sha256('missing manifest') };
    const index = (manifests: unknown[]) => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
    await assert.rejects(registry.manifests.put('app', 'multi', index([entry, missing]), OCI_INDEX), code('MANIFEST_BLOB_UNKNOWN'));
    const pushed = await registry.manifests.put('app', 'multi', index([entry]), OCI_INDEX);
    assert.equal((await registry.manifests.get('app', 'multi')).digest, pushed.digest);
  });

  it('lists tags in lexical order with n and last, and NAME_UNKNOWN for an unknown repository', async () => {
    const { registry } = test;
    const { digest } = await pushImage(registry, 'app', 'b', 'x');
    const bytes = (await registry.manifests.get('app', digest)).content;
    for (const tag of ['a', 'c', 'B', '1']) await registry.manifests.put('app', tag, bytes, OCI_MANIFEST);
    assert.deepEqual(await registry.manifests.tags('app', {}), ['1', 'B', 'a', 'b', 'c']);
    assert.deepEqual(await registry.manifests.tags('app', { n: 2, last: 'B' }), ['a', 'b']);
    await assert.rejects(registry.manifests.tags('nothing', {}), code('NAME_UNKNOWN'));
  });

  it('serves referrers with artifactType filtering and reports the subject of a push', async () => {
    const { registry } = test;
    const image = await pushImage(registry, 'app', 'v1', 'img');
    const subject = { mediaType: OCI_MANIFEST, digest: image.digest, size: (await registry.manifests.get('app', image.digest)).size };
    const empty = await pushBlob(registry, 'app', '{}', 'application/vnd.oci.empty.v1+json');
    const sbom = await registry.manifests.put('app', sha256(manifestBytes(empty, [], { artifactType: 'application/spdx+json', subject })), manifestBytes(empty, [], { artifactType: 'application/spdx+json', subject }), OCI_MANIFEST);
    assert.equal(sbom.subject, image.digest);
    const signature = manifestBytes(empty, [image.layer], { artifactType: 'application/vnd.dev.sigstore.bundle+json', subject, annotations: { who: 'ci' } });
    await registry.manifests.put('app', sha256(signature), signature, OCI_MANIFEST);
    const all = await registry.manifests.referrers('app', image.digest);
    assert.equal(all.index.mediaType, OCI_INDEX);
    assert.equal(all.index.manifests.length, 2);
    assert.equal(all.filtered, false);
    const onlySboms = await registry.manifests.referrers('app', image.digest, 'application/spdx+json');
    assert.deepEqual(onlySboms.index.manifests.map((entry) => entry.digest), [sbom.digest]);
    assert.equal(onlySboms.filtered, true);
    assert.deepEqual((await registry.manifests.referrers('app', sha256('no such subject'))).index.manifests, []);
  });

  it('deletes tags and manifests and emits events after pushes and deletes', async () => {
    const { registry } = test;
    const pushed: ManifestPushed[] = [];
    const deleted: ManifestDeleted[] = [];
    registry.events.on('manifestPushed', (event) => pushed.push(event));
    registry.events.on('manifestDeleted', (event) => deleted.push(event));
    registry.events.on('manifestPushed', () => {
      throw new Error('a broken listener must not fail the push');
    });
    const { digest } = await pushImage(registry, 'app', 'v1', 'x');
    await registry.manifests.put('app', 'v2', (await registry.manifests.get('app', digest)).content, OCI_MANIFEST);
    await registry.manifests.delete('app', 'v1');
    await assert.rejects(registry.manifests.get('app', 'v1'), code('MANIFEST_UNKNOWN'));
    assert.equal((await registry.manifests.get('app', 'v2')).digest, digest);
    await registry.manifests.delete('app', digest);
    await assert.rejects(registry.manifests.get('app', 'v2'), code('MANIFEST_UNKNOWN'));
    await assert.rejects(registry.manifests.delete('app', digest), code('MANIFEST_UNKNOWN'));
    assert.deepEqual(pushed.map((event) => event.tag), ['v1', 'v2']);
    assert.deepEqual(deleted, [{ repository: 'app', digest, tag: 'v1' }, { repository: 'app', digest }]);
  });

  it('pushes the same layer to two repositories at the same time', async () => {
    const { registry } = test;
    const [one, two] = await Promise.all([pushImage(registry, 'one', 'v1', 'same'), pushImage(registry, 'two', 'v1', 'same')]);
    assert.equal(one.layer.digest, two.layer.digest);
    const blobs = await Promise.all(['one', 'two'].map(async (repository) => {
      const stream = (await registry.readBlob(repository, one.layer.digest)).stream;
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(part as Buffer);
      return Buffer.concat(parts).toString();
    }));
    assert.deepEqual(blobs, ['layer of same', 'layer of same']);
  });

  it('serves byte ranges of a blob and refuses ranges outside it', async () => {
    const { registry } = test;
    const layer = await pushBlob(registry, 'app', '0123456789');
    const { stream } = await registry.readBlob('app', layer.digest, { start: 2, end: 4 });
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    assert.equal(Buffer.concat(parts).toString(), '234');
    await assert.rejects(registry.readBlob('app', layer.digest, { start: 5, end: 10 }), code('RANGE_INVALID'));
  });
});
