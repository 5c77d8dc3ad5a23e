/**
 * Writing to registries: blob uploads (existing, mounted, monolithic, chunked), manifest pushes with
 * digest checks, and referrers (the referrers tag schema on distribution 2.8, the API on a server
 * that has one), against the real Debian docker-registry; and against node:http servers that lie.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { PortcullisError, sha256Digest } from '../core/index.ts';
import { OCI_INDEX, OCI_MANIFEST } from '../oci/index.ts';
import { startRegistry, type StartedRegistry } from '../../test/helpers/registry.ts';
import { RegistryClient, addToReferrersTag, listReferrers, referrersTag } from './index.ts';

function isError(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

const EMPTY = Buffer.from('{}');

function artifact(layer: Buffer, subject?: { digest: string; size: number }): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(EMPTY), size: 2 },
      layers: [{ mediaType: 'application/octet-stream', digest: sha256Digest(layer), size: layer.length }],
      ...(subject !== undefined && { subject: { mediaType: OCI_MANIFEST, ...subject } }),
    }),
  );
}

describe('pushing to docker-registry', () => {
  let registry: StartedRegistry;
  let client: RegistryClient;
  before(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ domain: registry.host, env: {} });
  });
  after(() => registry?.stop());

  it('uploads a blob once, then finds it, then mounts it into another repository', async () => {
    const blob = randomBytes(3000);
    assert.equal((await client.pushBlob('push/a', blob)).how, 'uploaded');
    assert.equal((await client.pushBlob('push/a', blob)).how, 'existed');
    assert.equal((await client.pushBlob('push/b', blob, { mountFrom: 'push/a' })).how, 'mounted');
    assert.deepEqual(await client.getBlob('push/b', { digest: sha256Digest(blob), size: blob.length }, 10_000), blob);
  });

  it('uploads a stream in chunks, one chunk in memory at a time', async () => {
    const blob = randomBytes(10_000);
    const pushed = await client.pushBlob('push/chunks', { digest: sha256Digest(blob), size: blob.length, open: async () => pieces(blob, 777) }, { chunkBytes: 4096 });
    assert.equal(pushed.how, 'uploaded');
    assert.deepEqual(await client.getBlob('push/chunks', { digest: pushed.digest, size: blob.length }, 20_000), blob);
  });

  it('refuses sources that do not match their digest or size', async () => {
    const blob = randomBytes(2000);
    const wrongDigest = { digest: sha256Digest('other'), size: blob.length, open: async () => pieces(blob, 500) };
    await assert.rejects(client.pushBlob('push/bad', wrongDigest, { chunkBytes: 1024 }), isError('INPUT', /DIGEST_INVALID|digest/i));
    const tooLong = { digest: sha256Digest(blob), size: 1000, open: async () => pieces(blob, 500) };
    await assert.rejects(client.pushBlob('push/bad', tooLong, { chunkBytes: 1024 }), isError('INPUT', /more than its declared/));
  });

  it('pushes manifests by tag and digest, refusing a digest that is not the bytes\'', async () => {
    const layer = randomBytes(100);
    await client.pushBlob('push/m', EMPTY);
    await client.pushBlob('push/m', layer);
    const bytes = artifact(layer);
    assert.equal((await client.pushManifest('push/m', 'v1', bytes, OCI_MANIFEST)).digest, sha256Digest(bytes));
    assert.equal(await client.hasManifest('push/m', sha256Digest(bytes)), true);
    assert.equal(await client.hasManifest('push/m', 'v2'), false);
    await assert.rejects(client.pushManifest('push/m', sha256Digest('x'), bytes, OCI_MANIFEST), isError('INPUT', /hash to/));
    await assert.rejects(client.pushManifest('push/m', 'bad tag!', bytes, OCI_MANIFEST), isError('INPUT'));
  });

  it('keeps referrers in the referrers tag when the registry has no referrers API', async () => {
    const subjectLayer = randomBytes(50);
    await client.pushBlob('push/r', EMPTY);
    await client.pushBlob('push/r', subjectLayer);
    const subjectBytes = artifact(subjectLayer);
    const subject = (await client.pushManifest('push/r', 'subject', subjectBytes, OCI_MANIFEST)).digest;
    assert.deepEqual(await listReferrers(client, 'push/r', subject), { descriptors: [], source: 'tag' });

    const referrerBytes = artifact(subjectLayer, { digest: subject, size: subjectBytes.length });
    const pushed = await client.pushManifest('push/r', sha256Digest(referrerBytes), referrerBytes, OCI_MANIFEST);
    assert.equal(pushed.subjectProcessed, false);
    const descriptor = { mediaType: OCI_MANIFEST, digest: pushed.digest, size: referrerBytes.length, artifactType: 'application/vnd.example+json' };
    await addToReferrersTag(client, 'push/r', subject, descriptor);
    await addToReferrersTag(client, 'push/r', subject, descriptor);
    const found = await listReferrers(client, 'push/r', subject);
    assert.equal(found.source, 'tag');
    assert.deepEqual(found.descriptors.map((entry) => entry.digest), [pushed.digest]);
    assert.deepEqual((await listReferrers(client, 'push/r', subject, 'application/other')).descriptors, []);
    assert.equal(referrersTag(subject), subject.replace(':', '-'));
  });
});

describe('pushing to registries that misbehave', { timeout: 20_000 }, () => {
  const servers: Array<ReturnType<typeof createServer>> = [];
  after(() => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  async function fake(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<RegistryClient> {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => handle(request, response));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RegistryClient({ domain: `127.0.0.1:${(server.address() as AddressInfo).port}`, insecure: true, env: {} });
  }

  it('catches a registry that stores a manifest under another digest', async () => {
    const client = await fake((_, response) => {
      response.writeHead(201, { 'docker-content-digest': sha256Digest('not the manifest') }).end();
    });
    await assert.rejects(client.pushManifest('a/b', 'v1', Buffer.from('{}'), OCI_MANIFEST), isError('DIGEST_MISMATCH', /stored/));
  });

  it('fails clearly on an upload session without a Location', async () => {
    const client = await fake((request, response) => {
      response.writeHead(request.method === 'HEAD' ? 404 : 202).end();
    });
    await assert.rejects(client.pushBlob('a/b', Buffer.from('x')), isError('NETWORK', /without a Location/));
  });

  it('refuses a malformed referrers answer and a referrers tag holding garbage', async () => {
    const garbage = await fake((_, response) => {
      response.writeHead(200, { 'content-type': OCI_INDEX }).end('{"manifests": 5}');
    });
    await assert.rejects(listReferrers(garbage, 'a/b', sha256Digest('s')), isError('INPUT', /manifests/));
    const notJson = await fake((request, response) => {
      if (request.url?.includes('/referrers/')) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': OCI_INDEX }).end('\u00ff{');
    });
    await assert.rejects(listReferrers(notJson, 'a/b', sha256Digest('s')), isError('INPUT'));
  });

  it('honours OCI-Chunk-Min-Length for chunked uploads', async () => {
    const ranges: string[] = [];
    const client = await fake((request, response) => {
      if (request.method === 'HEAD') response.writeHead(404).end();
      else if (request.method === 'POST') response.writeHead(202, { location: '/v2/a/b/blobs/uploads/1', 'oci-chunk-min-length': '5000' }).end();
      else if (request.method === 'PATCH') {
        ranges.push(String(request.headers['content-range']));
        response.writeHead(202, { location: '/v2/a/b/blobs/uploads/1' }).end();
      } else response.writeHead(201).end();
    });
    const blob = randomBytes(8000);
    await client.pushBlob('a/b', { digest: sha256Digest(blob), size: blob.length, open: async () => pieces(blob, 999) }, { chunkBytes: 1000 });
    assert.deepEqual(ranges, ['0-4999', '5000-7999']);
  });

  it('uses the referrers API when the registry has one', async () => {
    const subject = sha256Digest('s');
    const entry = { mediaType: OCI_MANIFEST, digest: sha256Digest('r'), size: 10, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' };
    const client = await fake((request, response) => {
      assert.equal(request.url, `/v2/a/b/referrers/${subject}?artifactType=${encodeURIComponent(entry.artifactType)}`);
      response.writeHead(200, { 'content-type': OCI_INDEX }).end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry, { ...entry, digest: sha256Digest('q'), artifactType: 'application/x' }] }));
    });
    const found = await listReferrers(client, 'a/b', subject, entry.artifactType);
    assert.equal(found.source, 'api');
    assert.deepEqual(found.descriptors.map((descriptor) => descriptor.digest), [entry.digest]);
  });
});
