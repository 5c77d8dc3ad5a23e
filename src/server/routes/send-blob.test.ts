import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore, type BlobReader } from '../../storage/index.ts';
import { sendBlobRange } from './send-blob.ts';

/** A reader over bytes in memory that can be told to fail at a position or to end early. */
function memoryReader(bytes: Buffer, options: { failAt?: number; endAt?: number } = {}): BlobReader {
  return {
    size: bytes.length,
    async read(buffer, length, position) {
      if (options.failAt !== undefined && position + length > options.failAt) throw new Error('disk read failed');
      const end = Math.min(position + length, options.endAt ?? bytes.length);
      return bytes.copy(buffer, 0, position, Math.max(position, end));
    },
    async close() {},
  };
}

describe('sendBlobRange', () => {
  let server: Server;
  let url: string;
  let send: (response: ServerResponse) => Promise<Error | undefined>;
  let outcome: Promise<Error | undefined>;
  beforeEach(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200);
      outcome = send(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends a range of a stored blob of several chunks byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-send-blob-'));
    try {
      const store = await new FsBlobStore(dir).init();
      const bytes = randomBytes(3.5 * 1024 * 1024);
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      await store.put(digest, bytes);
      for (const [start, end] of [[0, bytes.length - 1], [1000, 2_300_000], [bytes.length - 1, bytes.length - 1]] as const) {
        const reader = await store.open(digest);
        send = (response) => sendBlobRange(response, reader, start, end);
        const body = Buffer.from(await (await fetch(url)).arrayBuffer());
        assert.equal(await outcome, undefined);
        await reader.close();
        assert.ok(body.equals(bytes.subarray(start, end + 1)), `bytes ${start}-${end}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses reads that are not whole byte counts inside the buffer, instead of letting fs abort the process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-send-blob-'));
    try {
      const store = await new FsBlobStore(dir).init();
      const digest = `sha256:${createHash('sha256').update('abc').digest('hex')}`;
      await store.put(digest, Buffer.from('abc'));
      const reader = await store.open(digest);
      try {
        for (const [length, position] of [[1.5, 0], [2, 0.5], [-1, 0], [9, 0], [1, -1]] as const) {
          await assert.rejects(reader.read(Buffer.alloc(4), length, position), /cannot read/);
        }
        send = (response) => sendBlobRange(response, reader, 0, 1.5);
        await assert.rejects(fetch(url).then((response) => response.arrayBuffer()));
        assert.match((await outcome)?.message ?? '', /cannot read/);
      } finally {
        await reader.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('only ends the response for an empty range, as of an empty blob', async () => {
    send = (response) => sendBlobRange(response, memoryReader(Buffer.alloc(0)), 0, -1);
    const response = await fetch(url);
    assert.equal((await response.arrayBuffer()).byteLength, 0);
    assert.equal(await outcome, undefined);
  });

  it('stops without an error when the client goes away in the middle', async () => {
    const bytes = randomBytes(64 * 1024 * 1024);
    send = (response) => sendBlobRange(response, memoryReader(bytes), 0, bytes.length - 1);
    const received = await new Promise<number>((resolve) => {
      let count = 0;
      const client = httpRequest(url, (response) => {
        response.on('data', (chunk: Buffer) => {
          count += chunk.length;
          if (count > 2 * 1024 * 1024) client.destroy();
        });
      });
      client.on('close', () => resolve(count));
      client.on('error', () => undefined);
      client.end();
    });
    assert.ok(received < bytes.length);
    assert.equal(await outcome, undefined, 'a client that went away is not an error of the blob');
  });

  it('returns the read error and cuts the body short when the blob cannot be read', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    for (const reader of [memoryReader(bytes, { failAt: 2 * 1024 * 1024 }), memoryReader(bytes, { endAt: 2 * 1024 * 1024 })]) {
      send = (response) => sendBlobRange(response, reader, 0, bytes.length - 1);
      const response = await fetch(url);
      await assert.rejects(response.arrayBuffer(), 'the client sees a broken body, not a complete one');
      assert.match((await outcome)?.message ?? '', /disk read failed|ended at byte 2097152/);
    }
  });
});
