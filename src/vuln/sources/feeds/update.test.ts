import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PortcullisError } from '../../../core/index.ts';
import { openAdvisoryStore, type AdvisoryStore } from '../../store/index.ts';
import { served, startFeedServer, type FeedServer } from './testing/feed-server.ts';
import { updateDatabase } from './update.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portcullis-update-'));
let server: FeedServer;
before(async () => {
  server = await startFeedServer();
});
after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});
let counter = 0;

function fresh(): { store: AdvisoryStore; cacheDir: string } {
  const path = join(scratch, `db-${++counter}.db`);
  return { store: openAdvisoryStore(path), cacheDir: `${path}.feeds` };
}

const sourceCounts = (store: AdvisoryStore) => store.status().sources.map((source) => [source.name, source.advisories, source.updatedAt]);

/** A port with nothing listening: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('db update against a local feed server', () => {
  it('downloads every feed (200), then finds them unchanged (304 with the stored ETag)', async () => {
    const { store, cacheDir } = fresh();
    const first = await updateDatabase(store, { cacheDir, baseUrl: server.url });
    assert.equal(first.feeds.length, server.files.size);
    assert.ok(first.feeds.every((feed) => feed.changed));
    assert.deepEqual(first.imported.map((report) => report.source).sort(), ['alpine-secdb', 'debian-tracker', 'osv']);
    assert.equal(store.status().sources.find((source) => source.name === 'osv')?.advisories, 21);
    assert.equal(store.affected('Alpine:v3.20', 'musl').length, 6);
    assert.equal(store.affected('Debian:12', 'sope')[0]?.distroStatus, 'fixed');
    const npmUrl = new URL('osv/npm/all.zip', server.url).href;
    assert.equal(store.feed(npmUrl)?.etag, server.files.get('/osv/npm/all.zip')?.etag);
    const before = sourceCounts(store);

    server.requests.length = 0;
    const second = await updateDatabase(store, { cacheDir, baseUrl: server.url });
    assert.ok(second.feeds.every((feed) => !feed.changed));
    assert.deepEqual(second.imported, []);
    assert.ok(server.requests.every((request) => request.status === 304 && request.headers['if-none-match'] !== undefined));
    assert.deepEqual(sourceCounts(store), before);

    server.files.set('/osv/npm/all.zip', served(readFileSync(join(cacheDir, 'osv-Maven.zip'))));
    const third = await updateDatabase(store, { cacheDir, baseUrl: server.url });
    assert.deepEqual(third.imported.map((report) => report.source), ['osv']);
    assert.equal(store.status().sources.find((source) => source.name === 'osv')?.advisories, 5);
    assert.deepEqual(
      sourceCounts(store).filter(([name]) => name !== 'osv'),
      before.filter(([name]) => name !== 'osv'),
    );
    store.close();
  });

  it('resumes a download cut midway with Range/If-Range', async () => {
    const { store, cacheDir } = fresh();
    const file = server.files.get('/debian-tracker/data.json')!;
    file.cutAfter = Math.floor(file.body.length / 2);
    server.requests.length = 0;
    await updateDatabase(store, { cacheDir, baseUrl: server.url, sources: ['debian-tracker'] });
    const requests = server.requests.filter((request) => request.path === '/debian-tracker/data.json');
    assert.deepEqual(requests.map((request) => request.status), [200, 206]);
    assert.equal(requests[1]?.headers.range, `bytes=${Math.floor(file.body.length / 2)}-`);
    assert.equal(requests[1]?.headers['if-range'], file.etag);
    assert.deepEqual(readFileSync(join(cacheDir, 'debian-tracker.json')), file.body);
    assert.equal(store.status().sources.find((source) => source.name === 'debian-tracker')?.advisories, 7);
    store.close();
  });

  it('rejects a download whose MD5 does not match x-goog-hash and keeps the old database', async () => {
    const { store, cacheDir } = fresh();
    await updateDatabase(store, { cacheDir, baseUrl: server.url, sources: ['osv'] });
    const before = sourceCounts(store);
    const lodash = store.affected('npm', 'lodash');
    const original = server.files.get('/osv/npm/all.zip')!;
    server.files.set('/osv/npm/all.zip', { ...served(readFileSync(join(cacheDir, 'osv-Maven.zip'))), wrongMd5: true });
    try {
      await assert.rejects(updateDatabase(store, { cacheDir, baseUrl: server.url, sources: ['osv'] }), (error: unknown) => {
        assert.ok(error instanceof PortcullisError);
        assert.equal(error.code, 'DIGEST_MISMATCH');
        assert.match(error.message, /MD5 of the download does not match/);
        return true;
      });
    } finally {
      server.files.set('/osv/npm/all.zip', original);
    }
    assert.deepEqual(sourceCounts(store), before);
    assert.deepEqual(store.affected('npm', 'lodash'), lodash);
    assert.equal(existsSync(join(cacheDir, 'osv-npm.zip.part')), false);
    store.close();
  });

  it('fails with a clear offline error when the server is down, and keeps the old database', async () => {
    const { store, cacheDir } = fresh();
    await updateDatabase(store, { cacheDir, baseUrl: server.url, sources: ['alpine-secdb'] });
    const before = sourceCounts(store);
    const down = `http://127.0.0.1:${await closedPort()}/`;
    await assert.rejects(updateDatabase(store, { cacheDir, baseUrl: down, attempts: 2 }), (error: unknown) => {
      assert.ok(error instanceof PortcullisError);
      assert.equal(error.code, 'NETWORK');
      assert.match(error.message, /cannot download http:\/\/127\.0\.0\.1:\d+\/osv\/npm\/all\.zip: ECONNREFUSED \(offline\? the advisory database was not changed\)/);
      return true;
    });
    assert.deepEqual(sourceCounts(store), before);
    store.close();
  });

  it('refuses an unknown source and a base URL that is not http(s)', async () => {
    const { store, cacheDir } = fresh();
    await assert.rejects(updateDatabase(store, { cacheDir, baseUrl: server.url, sources: ['nvd'] }), /unknown advisory source "nvd"/);
    await assert.rejects(updateDatabase(store, { cacheDir, baseUrl: 'file:///etc/' }), /must be http\(s\)/);
    store.close();
  });
});
