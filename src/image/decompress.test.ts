import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createGzip, gzipSync, zstdCompressSync } from 'node:zlib';
import { PortcullisError } from '../core/index.ts';
import { createReadBudget, type ReadBudget } from './budget.ts';
import { decompressLayer, detectCompression } from './decompress.ts';
import { DEFAULT_LIMITS } from './limits.ts';

const CACHE = join(homedir(), '.cache', 'portcullis-test');
const GIB = 1024 ** 3;

async function* chunked(data: Buffer, size = data.length): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

function budgetOf(maxUncompressedBytes = DEFAULT_LIMITS.maxUncompressedBytes): ReadBudget {
  return createReadBudget({ ...DEFAULT_LIMITS, maxUncompressedBytes });
}

async function inflate(blob: AsyncIterable<Buffer>, budget = budgetOf()): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of decompressLayer(blob, { budget, layerName: 'layer 3 (sha256:feed)' })) parts.push(chunk);
  return Buffer.concat(parts);
}

function isLayerInputError(error: unknown): boolean {
  return error instanceof PortcullisError && error.code === 'INPUT' && /^layer 3 \(sha256:feed\): corrupt (gzip|zstd) data/.test(error.message);
}

function zstdCli(data: Buffer): Buffer {
  const result = spawnSync('zstd', ['-q', '-c'], { input: data });
  assert.equal(result.error, undefined, 'the zstd command is required: install the Debian package "zstd"');
  assert.equal(result.status, 0, result.stderr?.toString());
  return result.stdout;
}

/**
 * 4 GiB of zeros gzipped (about 18 MB), generated once by streaming through createGzip so the
 * zeros never exist in memory or on disk.
 */
async function zeroBomb(): Promise<string> {
  const path = join(CACHE, 'zero-bomb-4gib-v1.gz');
  if (existsSync(path)) return path;
  mkdirSync(CACHE, { recursive: true });
  const zeros = Buffer.alloc(1024 * 1024);
  const temporary = `${path}.${process.pid}.tmp`;
  await pipeline(
    Readable.from((function* () { for (let index = 0; index < 4096; index += 1) yield zeros; })()),
    createGzip({ level: 1 }),
    createWriteStream(temporary),
  );
  renameSync(temporary, path);
  return path;
}

function skippableFrame(content: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(0x184d2a5e, 0);
  header.writeUInt32LE(Buffer.byteLength(content), 4);
  return Buffer.concat([header, Buffer.from(content)]);
}

const TEXT = Buffer.from('layer bytes '.repeat(5000));

describe('detectCompression', () => {
  it('chooses by magic bytes only', () => {
    assert.equal(detectCompression(gzipSync('x')), 'gzip');
    assert.equal(detectCompression(zstdCompressSync('x')), 'zstd');
    assert.equal(detectCompression(Buffer.from('plain tar header')), 'none');
    assert.equal(detectCompression(Buffer.from([0x1f])), 'none');
    assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f])), 'none');
  });
});

describe('decompressLayer', () => {
  it('passes plain data through and counts it', async () => {
    const budget = budgetOf();
    assert.deepEqual(await inflate(chunked(TEXT, 1000), budget), TEXT);
    assert.equal(budget.bytes, TEXT.length);
    for (const tiny of ['', 'a', 'ab', 'abc']) assert.equal((await inflate(chunked(Buffer.from(tiny), 1))).toString(), tiny);
  });

  it('inflates gzip, whatever the chunking, and concatenated members', async () => {
    const budget = budgetOf();
    assert.deepEqual(await inflate(chunked(gzipSync(TEXT), 1), budget), TEXT);
    assert.equal(budget.bytes, TEXT.length);
    const members = Buffer.concat([gzipSync('first '), gzipSync('second '), gzipSync('third')]);
    assert.equal((await inflate(chunked(members, 5))).toString(), 'first second third');
  });

  it('inflates zstd from node:zlib and from the zstd command, including several frames', async () => {
    assert.deepEqual(await inflate(chunked(zstdCompressSync(TEXT), 3)), TEXT);
    const frames = Buffer.concat([skippableFrame('leading'), zstdCli(Buffer.from('one ')), skippableFrame(''), zstdCli(TEXT), skippableFrame('toc')]);
    assert.equal((await inflate(chunked(frames, 100))).toString(), `one ${TEXT.toString()}`);
    // RLE and raw blocks, content checksum, single-segment headers: what the CLI writes for these.
    const zeros = Buffer.alloc(300_000);
    assert.deepEqual(await inflate(chunked(Buffer.concat([zstdCli(zeros), zstdCompressSync(zeros)]), 4096)), Buffer.concat([zeros, zeros]));
    const random = Buffer.from(Array.from({ length: 200_000 }, (_, index) => (index * 2654435761) >>> 24));
    assert.deepEqual(await inflate(chunked(zstdCli(random), 999)), random);
  });

  it('rejects truncated and corrupt gzip and zstd, naming the layer', async () => {
    const gzip = gzipSync(TEXT);
    await assert.rejects(inflate(chunked(gzip.subarray(0, gzip.length - 4))), isLayerInputError);
    await assert.rejects(inflate(chunked(gzip.subarray(0, 20))), isLayerInputError);
    const corruptGzip = Buffer.from(gzip);
    corruptGzip.writeUInt8((corruptGzip.at(-8) ?? 0) ^ 1, corruptGzip.length - 8); // first byte of the CRC
    await assert.rejects(inflate(chunked(corruptGzip)), isLayerInputError);
    await assert.rejects(inflate(chunked(Buffer.from([0x1f, 0x8b, 0x08, 0, 0xde, 0xad, 0xbe, 0xef]))), isLayerInputError);
    await assert.rejects(inflate(chunked(Buffer.concat([gzip, Buffer.from('trailing garbage')]))), isLayerInputError);
    const zstd = zstdCli(TEXT);
    await assert.rejects(inflate(chunked(zstd.subarray(0, zstd.length - 3))), isLayerInputError);
    await assert.rejects(inflate(chunked(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff]))), isLayerInputError);
    await assert.rejects(inflate(chunked(Buffer.concat([zstd, Buffer.from('trailing garbage')]))), isLayerInputError);
    await assert.rejects(inflate(chunked(skippableFrame('truncated').subarray(0, 10))), isLayerInputError);
  });

  it('refuses a zstd frame that asks for a 2 GiB window instead of allocating it', async () => {
    // magic, descriptor, window descriptor (exponent 21: 2^31 bytes), one last raw block holding 'x'
    const frame = (window: number): Buffer => Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, window, 0x09, 0x00, 0x00, 0x78]);
    assert.equal((await inflate(chunked(frame(0x00)))).toString(), 'x');
    await assert.rejects(inflate(chunked(frame(0xa8))), isLayerInputError);
  });

  it('lets errors of the blob itself through unchanged', async () => {
    for (const compress of [(data: Buffer) => data, gzipSync, zstdCompressSync]) {
      const failure = new PortcullisError('DIGEST_MISMATCH', 'blob digest mismatch');
      async function* failing(): AsyncGenerator<Buffer> {
        yield compress(TEXT).subarray(0, 50);
        throw failure;
      }
      await assert.rejects(inflate(failing()), (error: unknown) => error === failure);
    }
  });

  it('stops a decompression bomb at the budget with flat memory', async () => {
    const bomb = await zeroBomb();
    const budget = budgetOf(GIB);
    let compressedRead = 0;
    let peakRss = 0;
    async function* blob(): AsyncGenerator<Buffer> {
      for await (const chunk of createReadStream(bomb)) {
        compressedRead += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const baseline = process.memoryUsage().rss;
    await assert.rejects(
      async () => {
        for await (const chunk of decompressLayer(blob(), { budget, layerName: 'bomb' })) {
          assert.equal(chunk[chunk.length - 1], 0);
          if (budget.bytes % (64 * 1024 * 1024) < chunk.length) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }
      },
      (error: unknown) =>
        error instanceof PortcullisError &&
        error.code === 'LIMIT' &&
        error.message === `image exceeds the limit of ${GIB} uncompressed bytes (--max-image-bytes)`,
    );
    assert.ok(budget.bytes > GIB && budget.bytes < GIB + 1024 * 1024, `stopped after ${budget.bytes} bytes`);
    assert.ok(compressedRead < statSync(bomb).size / 2, `read ${compressedRead} compressed bytes: the source was not stopped`);
    // Buffering would cost the whole GiB; streaming costs a few chunks plus garbage not yet collected.
    assert.ok(peakRss - baseline < 256 * 1024 * 1024, `memory grew by ${peakRss - baseline} bytes`);
  });
});
