/**
 * Decodes the build info blob the Go linker writes into every binary (`.go.buildinfo`): a 32-byte
 * header starting with `\xff Go buildinf:`, then, in the inline format of Go 1.18 and later, the
 * toolchain version and the module info as two varint-length-prefixed strings.
 */

/** The magic that starts the blob; the linker aligns it to 16 bytes. */
export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
export const BUILDINFO_ALIGN = 16;
const HEADER_BYTES = 32;
/** Flag bit 1: the strings follow the header inline (Go 1.18+); otherwise the header holds pointers. */
const FLAG_INLINE = 2;

/** Real toolchain versions are short ("go1.21.3 X:boringcrypto"); anything longer is hostile. */
export const MAX_VERSION_BYTES = 1024;
/** Module info of the largest real programs is well under 1 MiB; 4 MiB leaves room, and bounds memory. */
export const MAX_MODINFO_BYTES = 4 * 1024 * 1024;
/** The module info string is wrapped in two 16-byte sentinels, the last followed by its newline. */
const SENTINEL_BYTES = 16;

/** A Go uvarint takes at most 10 bytes. */
const MAX_VARINT_BYTES = 10;

export type BuildInfoDecoding =
  | { kind: 'inline'; goVersion: Buffer; modinfo: Buffer }
  /** The pre-Go 1.18 pointer format: the strings must be found through the addresses in `header`. */
  | { kind: 'pointer'; header: Buffer }
  /** More bytes are needed: at least `needed` in total. */
  | { kind: 'incomplete'; needed: number }
  | { kind: 'invalid'; reason: string };

/** Decodes a blob that starts with the magic; never reads past `blob`'s end. */
export function decodeBuildInfo(blob: Buffer): BuildInfoDecoding {
  if (blob.length < HEADER_BYTES) return { kind: 'incomplete', needed: HEADER_BYTES };
  const pointerSize = blob[14]!;
  const flags = blob[15]!;
  if (pointerSize !== 4 && pointerSize !== 8) return { kind: 'invalid', reason: `pointer size ${pointerSize} is neither 4 nor 8` };
  if ((flags & FLAG_INLINE) === 0) return { kind: 'pointer', header: blob.subarray(0, HEADER_BYTES) };

  const version = readString(blob, HEADER_BYTES, MAX_VERSION_BYTES, 'toolchain version');
  if (version.kind !== 'string') return version;
  const modinfo = readString(blob, version.end, MAX_MODINFO_BYTES, 'module info');
  if (modinfo.kind !== 'string') return modinfo;
  return { kind: 'inline', goVersion: version.value, modinfo: stripSentinels(modinfo.value) };
}

type StringRead = { kind: 'string'; value: Buffer; end: number } | Extract<BuildInfoDecoding, { kind: 'incomplete' | 'invalid' }>;

function readString(blob: Buffer, at: number, maxBytes: number, what: string): StringRead {
  const length = readUvarint(blob, at);
  if (length.kind !== 'varint') return length;
  if (length.value > maxBytes) return { kind: 'invalid', reason: `${what} declares ${length.value} bytes, over the ${maxBytes}-byte limit` };
  const end = length.end + length.value;
  if (blob.length < end) return { kind: 'incomplete', needed: end };
  return { kind: 'string', value: blob.subarray(length.end, end), end };
}

type VarintRead = { kind: 'varint'; value: number; end: number } | Extract<BuildInfoDecoding, { kind: 'incomplete' | 'invalid' }>;

/** Go's unsigned varint (LEB128): 7 bits a byte, low bits first, high bit set on all but the last. */
export function readUvarint(blob: Buffer, at: number): VarintRead {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = blob[at + i];
    if (byte === undefined) return { kind: 'incomplete', needed: at + i + 1 };
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) return { kind: 'invalid', reason: 'length varint overflows' };
      return { kind: 'varint', value, end: at + i + 1 };
    }
  }
  return { kind: 'invalid', reason: `length varint longer than ${MAX_VARINT_BYTES} bytes` };
}

/** As Go's debug/buildinfo does: without both sentinels and the final newline there is no module info. */
export function stripSentinels(modinfo: Buffer): Buffer {
  if (modinfo.length > 2 * SENTINEL_BYTES && modinfo[modinfo.length - SENTINEL_BYTES - 1] === 0x0a) {
    return modinfo.subarray(SENTINEL_BYTES, modinfo.length - SENTINEL_BYTES);
  }
  return Buffer.alloc(0);
}
