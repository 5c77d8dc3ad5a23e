/**
 * The few facts of an ELF file's prologue (its header and program headers, both near the start of
 * the file) that let the Go build info search stay inside the data segment. Section headers sit at
 * the end of the file, so a streaming reader cannot use them; program headers are enough.
 */

/** `\x7fELF`: every ELF file starts with it. */
export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Bytes of the ELF header of a 64-bit file: enough to locate the program headers of either class. */
export const ELF_HEADER_BYTES = 64;

const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;

/** A loadable segment: where its bytes are in the file and where they are mapped in memory. */
export interface LoadSegment {
  fileOffset: number;
  fileSize: number;
  vaddr: number;
  writable: boolean;
  executable: boolean;
}

export interface ElfHeader {
  is64: boolean;
  littleEndian: boolean;
  /** Byte range (offset, length) of the program header table. */
  programHeaders: { offset: number; length: number; entrySize: number; count: number };
}

export function isElf(head: Buffer): boolean {
  return head.length >= ELF_MAGIC.length && head.subarray(0, ELF_MAGIC.length).equals(ELF_MAGIC);
}

/** Reads the ELF header; undefined when it is too short or declares an unknown class or byte order. */
export function readElfHeader(head: Buffer): ElfHeader | undefined {
  if (!isElf(head) || head.length < ELF_HEADER_BYTES) return undefined;
  const elfClass = head[4];
  const byteOrder = head[5];
  if ((elfClass !== 1 && elfClass !== 2) || (byteOrder !== 1 && byteOrder !== 2)) return undefined;
  const is64 = elfClass === 2;
  const le = byteOrder === 1;
  const u16 = (at: number) => (le ? head.readUInt16LE(at) : head.readUInt16BE(at));
  const offset = is64 ? readU64(head, 0x20, le) : le ? head.readUInt32LE(0x1c) : head.readUInt32BE(0x1c);
  const entrySize = u16(is64 ? 0x36 : 0x2a);
  const count = u16(is64 ? 0x38 : 0x2c);
  return { is64, littleEndian: le, programHeaders: { offset, length: entrySize * count, entrySize, count } };
}

/**
 * The PT_LOAD segments of the program header table `table` (exactly the bytes the header points
 * to). Entries too short for their class are ignored: hostile files get no segments, not a crash.
 */
export function readLoadSegments(header: ElfHeader, table: Buffer): LoadSegment[] {
  const { entrySize, count } = header.programHeaders;
  const minimum = header.is64 ? 56 : 32;
  if (entrySize < minimum) return [];
  const le = header.littleEndian;
  const u32 = (at: number) => (le ? table.readUInt32LE(at) : table.readUInt32BE(at));
  const segments: LoadSegment[] = [];
  for (let i = 0; i < count && (i + 1) * entrySize <= table.length; i++) {
    const at = i * entrySize;
    if (u32(at) !== PT_LOAD) continue;
    const flags = header.is64 ? u32(at + 4) : u32(at + 24);
    segments.push({
      fileOffset: header.is64 ? readU64(table, at + 8, le) : u32(at + 4),
      vaddr: header.is64 ? readU64(table, at + 16, le) : u32(at + 8),
      fileSize: header.is64 ? readU64(table, at + 32, le) : u32(at + 16),
      writable: (flags & PF_W) !== 0,
      executable: (flags & PF_X) !== 0,
    });
  }
  return segments;
}

/**
 * The segment Go's linker puts the build info at the start of: the first writable, non-executable
 * PT_LOAD (the same place Go's own debug/buildinfo looks when section headers are missing).
 */
export function goDataSegment(segments: readonly LoadSegment[]): LoadSegment | undefined {
  return segments.find((segment) => segment.writable && !segment.executable && segment.fileSize > 0);
}

/** A 64-bit field as a JS number; values past 2^53 become Infinity so range checks fail safely. */
function readU64(buffer: Buffer, at: number, le: boolean): number {
  const value = le ? buffer.readBigUInt64LE(at) : buffer.readBigUInt64BE(at);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}
