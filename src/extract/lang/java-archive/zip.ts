/**
 * A reader for the ZIP archives Java ships in (jar, war, ear, ...), over a buffer already in memory.
 * Hand-written rather than a library because the extractor needs only the central directory and a
 * handful of entries, synchronously, from buffers (nested jars are slices of their parent), with
 * its own limits on every count and size; node:zlib does the inflating.
 *
 * Every problem with the bytes is a PortcullisError: INPUT for malformed archives, LIMIT for zip
 * bombs and absurd counts, UNSUPPORTED for encryption or unknown compression methods.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { PortcullisError, inputError } from '../../../core/index.ts';
import { quote } from '../support/fields.ts';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x1;
export const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the local header, from the start of the archive's own bytes. */
  localOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Bytes before the archive proper (a launch script prepended to an executable jar). */
  prefix: number;
}

export interface ZipLimits {
  /** Entries one archive may list. */
  maxEntries: number;
}

/**
 * Reads the central directory. Entries whose names are not UTF-8 or try path tricks (absolute,
 * '..', backslashes, NUL) are skipped and reported through `skip`: they name nothing Portcullis reads.
 */
export function openZip(bytes: Buffer, limits: ZipLimits, skip: (reason: string) => void): ZipArchive {
  const classic = findEndOfCentralDirectory(bytes);
  const { count, size, offset } = classic;
  const end = count === 0xffff || size === 0xffffffff || offset === 0xffffffff ? readZip64End(bytes, classic.at) : classic;
  if (end.count > limits.maxEntries) {
    throw new PortcullisError('LIMIT', `archive lists ${end.count} entries, over the ${limits.maxEntries}-entry limit`);
  }
  if (end.count * CENTRAL_BYTES > end.size) {
    throw inputError(`central directory of ${end.size} bytes cannot hold the ${end.count} entries it declares`);
  }
  // The directory ends where the (ZIP64) end record starts; a gap to its recorded offset is prepended data.
  const directoryStart = end.at - end.size;
  const prefix = directoryStart - end.offset;
  if (directoryStart < 0 || prefix < 0) throw inputError('central directory lies outside the archive');

  const entries: ZipEntry[] = [];
  let at = directoryStart;
  for (let index = 0; index < end.count; index++) {
    if (at + CENTRAL_BYTES > end.at || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw inputError(`central directory is corrupted at entry ${index} (offset ${at})`);
    }
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const next = at + CENTRAL_BYTES + nameLength + extraLength + commentLength;
    if (next > end.at) throw inputError(`central directory entry ${index} runs past the directory's end`);
    const nameBytes = bytes.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength);
    const entry = {
      method: bytes.readUInt16LE(at + 10),
      flags: bytes.readUInt16LE(at + 8),
      crc: bytes.readUInt32LE(at + 16),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    };
    applyZip64Extra(entry, bytes.subarray(at + CENTRAL_BYTES + nameLength, at + CENTRAL_BYTES + nameLength + extraLength));
    at = next;
    const name = decodeName(nameBytes);
    if (name === undefined) {
      skip(`entry ${index}: name is not valid UTF-8; skipped`);
      continue;
    }
    if (isPathTrick(name)) {
      skip(`entry ${quote(name)}: unsafe path; skipped`);
      continue;
    }
    entries.push({ name, ...entry });
  }
  return { entries, prefix };
}

export interface ReadLimits {
  /** Largest uncompressed size accepted for this entry. */
  maxBytes: number;
  /** Largest uncompressed:compressed ratio accepted: real jar content stays far below it, bombs far above. */
  maxRatio: number;
}

/** The uncompressed content of one entry, checked against its declared size and CRC-32. */
export function readZipEntry(bytes: Buffer, archive: ZipArchive, entry: ZipEntry, limits: ReadLimits): Buffer {
  const what = `entry ${quote(entry.name)}`;
  if (entry.size > limits.maxBytes) {
    throw new PortcullisError('LIMIT', `${what}: ${entry.size} bytes uncompressed, over the ${limits.maxBytes}-byte limit`);
  }
  if (entry.size / Math.max(1, entry.compressedSize) > limits.maxRatio) {
    throw new PortcullisError('LIMIT', `${what}: compresses ${entry.compressedSize} bytes to ${entry.size} (over ${limits.maxRatio}:1), a zip bomb`);
  }
  if ((entry.flags & FLAG_ENCRYPTED) !== 0) throw new PortcullisError('UNSUPPORTED', `${what}: encrypted`);
  const local = archive.prefix + entry.localOffset;
  if (local + LOCAL_BYTES > bytes.length || bytes.readUInt32LE(local) !== LOCAL_SIGNATURE) {
    throw inputError(`${what}: no local header at offset ${local}`);
  }
  const start = local + LOCAL_BYTES + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw inputError(`${what}: data runs past the end of the archive (truncated)`);
  const data = bytes.subarray(start, end);

  let content: Buffer;
  switch (entry.method) {
    case METHOD_STORED:
      content = data;
      break;
    case METHOD_DEFLATED:
      try {
        // The output cap makes a lying size field harmless: inflating stops one byte past it.
        content = inflateRawSync(data, { maxOutputLength: entry.size + 1 });
      } catch (error) {
        throw inputError(`${what}: cannot be inflated (corrupt, or larger than declared)`, error);
      }
      break;
    default:
      throw new PortcullisError('UNSUPPORTED', `${what}: compression method ${entry.method}`);
  }
  if (content.length !== entry.size) throw inputError(`${what}: ${content.length} bytes, but ${entry.size} declared`);
  if (crc32(content) !== entry.crc) throw inputError(`${what}: CRC-32 mismatch`);
  return content;
}

function findEndOfCentralDirectory(bytes: Buffer): DirectoryEnd {
  const lowest = Math.max(0, bytes.length - EOCD_BYTES - MAX_COMMENT_BYTES);
  for (let at = bytes.length - EOCD_BYTES; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) !== EOCD_SIGNATURE) continue;
    return { at, count: bytes.readUInt16LE(at + 10), size: bytes.readUInt32LE(at + 12), offset: bytes.readUInt32LE(at + 16) };
  }
  throw inputError('not a ZIP archive (no end of central directory record; truncated?)');
}

interface DirectoryEnd {
  /** Where the end record (ZIP64 or classic) starts: the central directory ends there. */
  at: number;
  count: number;
  size: number;
  offset: number;
}

function readZip64End(bytes: Buffer, eocdAt: number): DirectoryEnd {
  const locator = eocdAt - 20;
  if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) throw inputError('ZIP64 archive without its locator');
  const at = safeNumber(bytes.readBigUInt64LE(locator + 8));
  if (at + 56 > locator || bytes.readUInt32LE(at) !== ZIP64_EOCD_SIGNATURE) throw inputError('ZIP64 end of central directory record is missing');
  return {
    at,
    count: safeNumber(bytes.readBigUInt64LE(at + 32)),
    size: safeNumber(bytes.readBigUInt64LE(at + 40)),
    offset: safeNumber(bytes.readBigUInt64LE(at + 48)),
  };
}

/** ZIP64 entries keep their large sizes and offset in an extra field, in this order, only for fields set to 0xffffffff. */
function applyZip64Extra(entry: { size: number; compressedSize: number; localOffset: number }, extra: Buffer): void {
  const fields = (['size', 'compressedSize', 'localOffset'] as const).filter((field) => entry[field] === 0xffffffff);
  if (fields.length === 0) return;
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID) {
      fields.forEach((field, index) => {
        const fieldAt = at + 4 + index * 8;
        if (fieldAt + 8 <= at + 4 + length && fieldAt + 8 <= extra.length) entry[field] = safeNumber(extra.readBigUInt64LE(fieldAt));
      });
      return;
    }
    at += 4 + length;
  }
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw inputError(`ZIP64 field ${value} is out of range`);
  return Number(value);
}

/** Jar tools write UTF-8 names (with or without the language-encoding flag); anything else is refused. */
function decodeName(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function isPathTrick(name: string): boolean {
  return name.startsWith('/') || name.includes('\\') || name.includes('\0') || name.split('/').includes('..');
}
