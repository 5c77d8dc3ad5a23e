/**
 * Build info in the pointer format of Go 1.13 to 1.17: after the magic, pointer size and flags
 * (bit 0: big-endian), the 32-byte header holds two addresses, of the Go string headers
 * (data pointer, length) of the toolchain version and of the module info. Reading them means
 * translating addresses to file offsets through the PT_LOAD segments, twice per string.
 *
 * Written as a generator of byte requests so the streaming scanner can answer each request from
 * its look-behind window or once the stream reaches it; `undefined` answers "out of reach".
 */
import type { LoadSegment } from './elf.ts';
import { MAX_MODINFO_BYTES, MAX_VERSION_BYTES, stripSentinels } from './buildinfo.ts';

export interface ByteRequest {
  offset: number;
  length: number;
}

export type PointerResolution = { kind: 'strings'; goVersion: Buffer; modinfo: Buffer } | { kind: 'invalid'; reason: string };

type Steps<T> = Generator<ByteRequest, T, Buffer | undefined>;

export function* resolvePointerFormat(header: Buffer, segments: readonly LoadSegment[]): Steps<PointerResolution> {
  const pointerSize = header[14] === 4 ? 4 : 8;
  const bigEndian = (header[15]! & 1) !== 0;
  const readPointer = (bytes: Buffer, at: number): number => {
    if (pointerSize === 4) return bigEndian ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at);
    const value = bigEndian ? bytes.readBigUInt64BE(at) : bytes.readBigUInt64LE(at);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
  };

  function* goString(address: number, maxBytes: number, what: string): Steps<Buffer | string> {
    const headerOffset = fileOffset(segments, address, 2 * pointerSize);
    if (headerOffset === undefined) return `${what} string header address 0x${address.toString(16)} is not in the file`;
    const stringHeader = yield { offset: headerOffset, length: 2 * pointerSize };
    if (stringHeader === undefined) return `${what} string header is out of reach`;
    const dataAddress = readPointer(stringHeader, 0);
    const length = readPointer(stringHeader, pointerSize);
    if (length > maxBytes) return `${what} declares ${length} bytes, over the ${maxBytes}-byte limit`;
    if (length === 0) return Buffer.alloc(0);
    const dataOffset = fileOffset(segments, dataAddress, length);
    if (dataOffset === undefined) return `${what} address 0x${dataAddress.toString(16)} is not in the file`;
    const data = yield { offset: dataOffset, length };
    return data ?? `${what} lies out of reach, too far before the build info`;
  }

  const goVersion = yield* goString(readPointer(header, 16), MAX_VERSION_BYTES, 'toolchain version');
  if (typeof goVersion === 'string') return { kind: 'invalid', reason: goVersion };
  const modinfo = yield* goString(readPointer(header, 16 + pointerSize), MAX_MODINFO_BYTES, 'module info');
  if (typeof modinfo === 'string') return { kind: 'invalid', reason: modinfo };
  return { kind: 'strings', goVersion, modinfo: stripSentinels(modinfo) };
}

/** The file offset of `length` bytes at virtual `address`, when one loaded segment holds them all. */
function fileOffset(segments: readonly LoadSegment[], address: number, length: number): number | undefined {
  const segment = segments.find((candidate) => address >= candidate.vaddr && address + length <= candidate.vaddr + candidate.fileSize);
  return segment === undefined ? undefined : segment.fileOffset + (address - segment.vaddr);
}
