/**
 * Turns a layer blob (gzip, zstd or plain tar) into its uncompressed bytes, as a stream.
 * The format is chosen from the first bytes, never from the media type: registries and tools in
 * the wild label zstd layers as gzip and plain tars as compressed. Every uncompressed byte is
 * counted against the image's read budget as it flows, so a decompression bomb stops at the limit
 * with at most one zlib chunk in memory.
 */
import { Readable, pipeline, type Transform } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { PortcullisError, inputError } from '../core/index.ts';
import type { ReadBudget } from './budget.ts';
import { ByteReader } from './byte-reader.ts';

export type Compression = 'gzip' | 'zstd' | 'none';

export interface DecompressOptions {
  budget: ReadBudget;
  /** Prefixes every error message, verbatim: "layer 2 (sha256:…)". */
  layerName: string;
}

const GZIP_MAGIC = 0x1f8b;
const ZSTD_FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames carry metadata (zstd:chunked puts its table of contents in one). */
const ZSTD_SKIPPABLE_MAGIC_HIGH = 0x184d2a5;
/** RFC 8878: no block may be larger than 128 KiB. */
const ZSTD_MAX_BLOCK_BYTES = 128 * 1024;
/** Larger than zlib's 16 KiB default: fewer, larger chunks make the tar reader cheaper per byte. */
const OUTPUT_CHUNK_BYTES = 64 * 1024;

export function detectCompression(head: Uint8Array): Compression {
  const view = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (view.length >= 2 && view.readUInt16BE(0) === GZIP_MAGIC) return 'gzip';
  if (view.length >= 4 && isZstdMagic(view.readUInt32LE(0))) return 'zstd';
  return 'none';
}

export async function* decompressLayer(blob: AsyncIterable<Buffer>, options: DecompressOptions): AsyncGenerator<Buffer> {
  const { budget, layerName } = options;
  const iterator = blob[Symbol.asyncIterator]();
  const head = await readHead(iterator, 4);
  const compression = detectCompression(head.length === 1 ? (head[0] ?? Buffer.alloc(0)) : Buffer.concat(head));
  const source = withHead(head, iterator);
  if (compression === 'none') {
    for await (const chunk of source) {
      budget.addBytes(chunk.length);
      yield chunk;
    }
    return;
  }

  // Errors of the blob itself (digest mismatch, network) pass through unchanged; only the
  // decompressor's own failures mean the layer is corrupt.
  let sourceFailure: unknown;
  async function* guarded(): AsyncGenerator<Buffer> {
    try {
      yield* source;
    } catch (error) {
      sourceFailure = error;
      throw error;
    }
  }
  const corrupt = (reason: string, cause?: unknown): PortcullisError =>
    inputError(`${layerName}: corrupt ${compression} data: ${reason}`, cause);
  const inflated =
    compression === 'gzip'
      ? through(guarded(), createGunzip({ chunkSize: OUTPUT_CHUNK_BYTES }))
      : inflateZstd(new ByteReader(guarded()), corrupt);
  try {
    for await (const chunk of inflated) {
      budget.addBytes(chunk.length);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof PortcullisError || error === sourceFailure) throw error;
    throw corrupt(error instanceof Error ? error.message : String(error), error);
  }
}

function isZstdMagic(magic: number): boolean {
  return magic === ZSTD_FRAME_MAGIC || magic >>> 4 === ZSTD_SKIPPABLE_MAGIC_HIGH;
}

/** Streams chunks through a zlib transform; stopping the consumer tears the whole chain down. */
async function* through(input: AsyncIterable<Buffer>, transform: Transform): AsyncGenerator<Buffer> {
  // Failures surface through the iteration; the callback only keeps pipeline from throwing.
  const output = pipeline(Readable.from(input, { objectMode: false }), transform, () => {});
  try {
    yield* output as AsyncIterable<Buffer>;
  } finally {
    output.destroy();
  }
}

/**
 * zstd streams may hold many frames (zstd:chunked layers hold one per file chunk plus skippable
 * metadata frames), but node:zlib's decoder stops silently after the first frame. So frames are
 * delimited here from their block headers, without decompressing, and each gets its own decoder.
 */
async function* inflateZstd(input: ByteReader, corrupt: (reason: string) => PortcullisError): AsyncGenerator<Buffer> {
  for (;;) {
    const magic = await input.read(4);
    if (magic.length === 0) return;
    if (magic.length < 4) throw corrupt('truncated frame');
    const value = magic.readUInt32LE(0);
    if (value === ZSTD_FRAME_MAGIC) {
      yield* through(zstdFrame(input, magic, corrupt), createZstdDecompress({ chunkSize: OUTPUT_CHUNK_BYTES }));
    } else if (value >>> 4 === ZSTD_SKIPPABLE_MAGIC_HIGH) {
      const size = await input.read(4);
      if (size.length < 4 || (await input.skip(size.readUInt32LE(0))) < size.readUInt32LE(0)) {
        throw corrupt('truncated skippable frame');
      }
    } else {
      throw corrupt(`unknown frame magic 0x${value.toString(16)} at byte ${input.position - 4}`);
    }
  }
}

/** The bytes of one zstd frame (RFC 8878 section 3.1.1), starting with its magic. */
async function* zstdFrame(input: ByteReader, magic: Buffer, corrupt: (reason: string) => PortcullisError): AsyncGenerator<Buffer> {
  const exactly = async (length: number): Promise<Buffer> => {
    const bytes = await input.read(length);
    if (bytes.length < length) throw corrupt('unexpected end of file');
    return bytes;
  };
  yield magic;
  const descriptorByte = await exactly(1);
  yield descriptorByte;
  const descriptor = descriptorByte[0] ?? 0;
  if ((descriptor & 0x08) !== 0) throw corrupt('reserved frame header bit set');
  const singleSegment = (descriptor & 0x20) !== 0;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6] ?? 0;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03] ?? 0;
  const headerRest = (singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes;
  if (headerRest > 0) yield await exactly(headerRest);
  for (let last = false; !last; ) {
    const blockHeader = await exactly(3);
    yield blockHeader;
    const fields = blockHeader.readUIntLE(0, 3);
    last = (fields & 1) === 1;
    const blockType = (fields >> 1) & 0x03;
    const blockSize = fields >>> 3;
    if (blockType === 3) throw corrupt('reserved block type');
    if (blockSize > ZSTD_MAX_BLOCK_BYTES) throw corrupt(`block of ${blockSize} bytes exceeds 128 KiB`);
    // An RLE block stores one byte however many it stands for.
    for (let remaining = blockType === 1 ? 1 : blockSize; remaining > 0; ) {
      const part = await input.next(remaining);
      if (part === null) throw corrupt('unexpected end of file');
      remaining -= part.length;
      yield part;
    }
  }
  const hasChecksum = (descriptor & 0x04) !== 0;
  if (hasChecksum) yield await exactly(4);
}

/** Reads chunks until at least `bytes` bytes (or the end) are in hand, without copying them. */
async function readHead(iterator: AsyncIterator<Buffer>, bytes: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done === true) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  return chunks;
}

async function* withHead(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  try {
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}
