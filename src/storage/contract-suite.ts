/**
 * The one contract test suite every BlobStore and MetadataStore implementation must pass (called
 * from storage.test.ts for each implementation). A new backend (S3, PostgreSQL) adds one call there.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import type { BlobStore } from './blob-store.ts';
import type { ManifestRecord, MetadataStore } from './metadata-store.ts';

interface Opened<T> {
  store: T;
  close(): Promise<void>;
}

function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function readAll(stream: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function hasCode(code: string) {
  return (error: unknown) => error instanceof PortcullisError && error.code === code;
}

export function blobStoreContract(name: string, open: () => Promise<Opened<BlobStore>>): void {
  describe(`BlobStore contract: ${name}`, () => {
    const withStore = (test: (store: BlobStore) => Promise<void>) => async () => {
      const opened = await open();
      try {
        await test(opened.store);
      } finally {
        await opened.close();
      }
    };

    it('commits a chunked upload only after its digest matches, then serves it and ranges of it', withStore(async (store) => {
      const upload = await store.startUpload('repo/a');
      assert.equal(upload.size, 0);
      assert.equal((await store.append(upload.id, 0, chunks('hello '))).size, 6);
      assert.equal((await store.append(upload.id, 6, chunks('world'))).size, 11);
      const digest = sha256('hello world');
      assert.equal(await store.stat(digest), undefined, 'no blob before commit');
      const info = await store.commit(upload.id, digest);
      assert.equal(info.size, 11);
      assert.equal(await readAll(await store.read(digest)), 'hello world');
      assert.equal(await readAll(await store.read(digest, { start: 6, end: 10 })), 'world');
      await assert.rejects(store.uploadState(upload.id), hasCode('NOT_FOUND'), 'a committed upload is gone');
    }));

    it('opens a committed blob for positional reads into a buffer of the caller', withStore(async (store) => {
      const digest = sha256('hello world');
      await store.put(digest, Buffer.from('hello world'));
      const reader = await store.open(digest);
      try {
        assert.equal(reader.size, 11);
        const buffer = Buffer.alloc(8, '.');
        assert.equal(await reader.read(buffer, 5, 6), 5);
        assert.equal(buffer.toString(), 'world...');
        assert.equal(await reader.read(buffer, 8, 9), 2, 'a read past the end returns what there is');
        assert.equal(buffer.subarray(0, 2).toString(), 'ld');
        assert.equal(await reader.read(buffer, 8, 11), 0, 'at the end: nothing');
      } finally {
        await reader.close();
      }
      await assert.rejects(store.open(sha256('missing')), hasCode('NOT_FOUND'));
    }));

    it('refuses a digest mismatch and keeps the upload for a retry', withStore(async (store) => {
      const upload = await store.startUpload('repo/a');
      await store.append(upload.id, 0, chunks('payload'));
      await assert.rejects(store.commit(upload.id, sha256('other')), hasCode('DIGEST_MISMATCH'));
      assert.equal(await store.stat(sha256('other')), undefined);
      assert.equal(await store.stat(sha256('payload')), undefined);
      assert.equal((await store.uploadState(upload.id)).size, 7);
      await store.commit(upload.id, sha256('payload'));
      assert.equal((await store.stat(sha256('payload')))?.size, 7);
    }));

    it('refuses an append at the wrong offset and past the size limit', withStore(async (store) => {
      const upload = await store.startUpload('repo/a');
      await store.append(upload.id, 0, chunks('abc'));
      await assert.rejects(store.append(upload.id, 0, chunks('abc')), (error: unknown) => hasCode('INPUT')(error) && /offset/.test((error as Error).message));
      await assert.rejects(store.append(upload.id, 3, chunks('defg'), 2), hasCode('LIMIT'));
    }));

    it('keeps the owner of an upload and lists uploads until they are cancelled', withStore(async (store) => {
      const upload = await store.startUpload('team/app');
      assert.equal((await store.uploadState(upload.id)).owner, 'team/app');
      const listed: string[] = [];
      for await (const state of store.listUploads()) listed.push(state.id);
      assert.deepEqual(listed, [upload.id]);
      await store.cancelUpload(upload.id);
      await assert.rejects(store.uploadState(upload.id), hasCode('NOT_FOUND'));
      await store.cancelUpload(upload.id); // twice is fine
    }));

    it('treats hostile upload ids as unknown, never as paths', withStore(async (store) => {
      for (const id of ['../../etc/passwd', '..', '', 'a/b', '%2e%2e']) {
        await assert.rejects(store.uploadState(id), hasCode('NOT_FOUND'), id);
      }
    }));

    it('stores whole blobs with put, lists and deletes them', withStore(async (store) => {
      const digest = sha256('{"a":1}');
      await assert.rejects(store.put(digest, Buffer.from('{"a":2}')), hasCode('DIGEST_MISMATCH'));
      await store.put(digest, Buffer.from('{"a":1}'));
      const listed: string[] = [];
      for await (const blob of store.list()) listed.push(blob.digest);
      assert.deepEqual(listed, [digest]);
      await store.delete(digest);
      assert.equal(await store.stat(digest), undefined);
      await assert.rejects(store.read(digest), hasCode('NOT_FOUND'));
      await store.delete(digest); // a missing blob is not an error
    }));

    it('commits the same content from two uploads at once', withStore(async (store) => {
      const digest = sha256('layer');
      const first = await store.startUpload('one');
      const second = await store.startUpload('two');
      await Promise.all([store.append(first.id, 0, chunks('layer')), store.append(second.id, 0, chunks('la', 'yer'))]);
      const [a, b] = await Promise.all([store.commit(first.id, digest), store.commit(second.id, digest)]);
      assert.equal(a.size, 5);
      assert.equal(b.size, 5);
      assert.equal(await readAll(await store.read(digest)), 'layer');
    }));
  });
}

function record(repository: string, content: string, extra: Partial<ManifestRecord> = {}): ManifestRecord {
  return {
    repository,
    digest: sha256(content),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: content.length,
    content: Buffer.from(content),
    createdAt: 1000,
    ...extra,
  };
}

export function metadataStoreContract(name: string, open: () => Promise<Opened<MetadataStore>>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    const withStore = (test: (store: MetadataStore) => Promise<void>) => async () => {
      const opened = await open();
      try {
        await test(opened.store);
      } finally {
        await opened.close();
      }
    };

    it('links blobs per repository', withStore(async (store) => {
      await store.linkBlob('a/x', sha256('b'), 1);
      assert.equal(await store.isBlobLinked('a/x', sha256('b')), true);
      assert.equal(await store.isBlobLinked('a/y', sha256('b')), false);
      assert.equal(await store.repositoryExists('a/x'), true);
      assert.equal(await store.unlinkBlob('a/x', sha256('b')), true);
      assert.equal(await store.unlinkBlob('a/x', sha256('b')), false);
    }));

    it('stores manifests with tags, moves tags, and lists tags in lexical order with n and last', withStore(async (store) => {
      const first = record('app', 'one');
      const second = record('app', 'two');
      for (const tag of ['v2', 'latest', 'v10', 'A']) await store.putManifest(first, [], tag);
      await store.putManifest(second, [], 'latest');
      assert.equal(await store.resolveTag('app', 'latest'), second.digest);
      assert.equal(await store.resolveTag('app', 'v2'), first.digest);
      assert.deepEqual(await store.listTags('app', {}), ['A', 'latest', 'v10', 'v2']);
      assert.deepEqual(await store.listTags('app', { n: 2 }), ['A', 'latest']);
      assert.deepEqual(await store.listTags('app', { n: 2, last: 'latest' }), ['v10', 'v2']);
      assert.deepEqual(Buffer.from((await store.getManifest('app', first.digest))?.content ?? []).toString(), 'one');
    }));

    it('deletes a manifest with its tags and references, and single tags', withStore(async (store) => {
      const manifest = record('app', 'm');
      await store.putManifest(manifest, [sha256('layer')], 'a');
      await store.putManifest(manifest, [], 'b');
      assert.equal(await store.isDigestInUse(sha256('layer'), Number.MAX_SAFE_INTEGER), true);
      assert.equal(await store.deleteTag('app', 'a'), true);
      assert.equal(await store.deleteTag('app', 'a'), false);
      assert.equal(await store.deleteManifest('app', manifest.digest), true);
      assert.equal(await store.resolveTag('app', 'b'), undefined);
      assert.equal(await store.getManifest('app', manifest.digest), undefined);
      assert.equal(await store.isDigestInUse(sha256('layer'), Number.MAX_SAFE_INTEGER), false);
      assert.equal(await store.deleteManifest('app', manifest.digest), false);
    }));

    it('lists referrers of a subject in one repository', withStore(async (store) => {
      const subject = sha256('image');
      await store.putManifest(record('app', 'sig', { subject, artifactType: 'application/vnd.dev.cosign' }), []);
      await store.putManifest(record('app', 'sbom', { subject, artifactType: 'application/spdx+json', annotations: { k: 'v' } }), []);
      await store.putManifest(record('other', 'sig2', { subject }), []);
      const referrers = await store.listReferrers('app', subject);
      assert.deepEqual(referrers.map((entry) => entry.artifactType).sort(), ['application/spdx+json', 'application/vnd.dev.cosign']);
      assert.deepEqual(referrers.find((entry) => entry.annotations !== undefined)?.annotations, { k: 'v' });
    }));

    it('lists manifests by digest with their tags, and deletes a whole repository', withStore(async (store) => {
      const one = record('app', 'one');
      const two = record('app', 'two');
      await store.putManifest(one, [sha256('layer')], 'v1');
      await store.putManifest(one, [], 'latest');
      await store.putManifest(two, []);
      await store.linkBlob('app', sha256('layer'), 1);
      const sorted = [one.digest, two.digest].sort();
      assert.deepEqual((await store.listManifests('app', {})).map((entry) => entry.digest), sorted);
      assert.deepEqual((await store.listManifests('app', { n: 1, last: sorted[0] })).map((entry) => entry.digest), sorted.slice(1));
      assert.deepEqual(await store.tagsOf('app', one.digest), ['latest', 'v1']);
      assert.equal(await store.deleteRepository('app'), true);
      assert.equal(await store.repositoryExists('app'), false);
      assert.deepEqual(await store.listManifests('app', {}), []);
      assert.equal(await store.isBlobLinked('app', sha256('layer')), false);
      assert.equal(await store.isDigestInUse(sha256('layer'), Number.MAX_SAFE_INTEGER), false);
      assert.equal(await store.deleteRepository('app'), false);
    }));

    it('lists repositories in lexical order with pagination', withStore(async (store) => {
      for (const name of ['b/app', 'a/app', 'c']) await store.linkBlob(name, sha256('x'), 1);
      assert.deepEqual(await store.listRepositories({}), ['a/app', 'b/app', 'c']);
      assert.deepEqual(await store.listRepositories({ n: 1, last: 'a/app' }), ['b/app']);
    }));

    it('reports digests in use: referenced by manifests, or linked since a time', withStore(async (store) => {
      await store.putManifest(record('app', 'm'), [sha256('config'), sha256('layer')]);
      await store.linkBlob('app', sha256('old'), 100);
      await store.linkBlob('app', sha256('new'), 200);
      const inUse = await store.digestsInUse(150);
      assert.deepEqual([...inUse].sort(), [sha256('config'), sha256('layer'), sha256('new')].sort());
      assert.equal(await store.isDigestInUse(sha256('old'), 150), false);
      assert.equal(await store.isDigestInUse(sha256('old'), 50), true);
      await store.forgetBlob(sha256('old'));
      assert.equal(await store.isBlobLinked('app', sha256('old')), false);
    }));
  });
}
