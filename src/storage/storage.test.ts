/** Runs the storage contract suite against every implementation, plus filesystem-specific checks. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { blobStoreContract, metadataStoreContract } from './contract-suite.ts';
import { FsBlobStore } from './fs-blob-store.ts';
import { SqliteMetadataStore } from './sqlite-metadata-store.ts';

async function temporaryDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'portcullis-storage-'));
}

blobStoreContract('filesystem', async () => {
  const dir = await temporaryDir();
  return { store: await new FsBlobStore(dir).init(), close: () => rm(dir, { recursive: true, force: true }) };
});

metadataStoreContract('sqlite (file)', async () => {
  const dir = await temporaryDir();
  const store = new SqliteMetadataStore(join(dir, 'metadata.db'));
  return {
    store,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('FsBlobStore on disk', () => {
  it('shows no blob for upload data that was never committed, and resumes it after a restart', async () => {
    const dir = await temporaryDir();
    try {
      const store = await new FsBlobStore(dir).init();
      const upload = await store.startUpload('app');
      await store.append(upload.id, 0, (async function* () { yield Buffer.from('half'); })());
      // A new store on the same directory: what a restarted server sees (no hash state in memory).
      const restarted = await new FsBlobStore(dir).init();
      const listed = [];
      for await (const blob of restarted.list()) listed.push(blob);
      assert.deepEqual(listed, []);
      assert.equal((await restarted.uploadState(upload.id)).size, 4);
      await restarted.append(upload.id, 4, (async function* () { yield Buffer.from(' done'); })());
      const digest = `sha256:${createHash('sha256').update('half done').digest('hex')}`;
      assert.equal((await restarted.commit(upload.id, digest)).size, 9);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ignores files in blobs/ that are not named by a digest', async () => {
    const dir = await temporaryDir();
    try {
      const store = await new FsBlobStore(dir).init();
      await store.put(`sha256:${createHash('sha256').update('x').digest('hex')}`, Buffer.from('x'));
      const [prefix] = await readdir(join(dir, 'blobs', 'sha256'));
      await writeFile(join(dir, 'blobs', 'sha256', prefix ?? '', 'stray.tmp'), 'junk');
      const listed = [];
      for await (const blob of store.list()) listed.push(blob.digest);
      assert.equal(listed.length, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
