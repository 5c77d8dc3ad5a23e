/**
 * A header-only index of a tar FILE, so image archives (docker save, oci-archive) are read in place:
 * headers are read once by seeking from one to the next, and each member is later streamed from its
 * byte range. Nothing is extracted to disk and no member is buffered unless asked for.
 *
 * Hand-written rather than taken from a tar library because those stream the whole archive (every
 * layer byte) to list it; here only 512-byte headers are touched. Reads ustar, GNU long names
 * ('L'/'K') and PAX ('x') headers; base-256 sizes; stops at the first zero block or at EOF on a block boundary.
 *
 * Errors do not name the file: callers add it (withLocation).
 *
 * Member paths are untrusted: lookups only ever use paths Portcullis built itself, and links are
 * followed only inside the archive (never onto the host filesystem).
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { PortcullisError, inputError } from '../core/index.ts';

const BLOCK = 512;
/** PAX and GNU long-name records hold a path or two; anything bigger is hostile. */
const MAX_META_BYTES = 64 * 1024;
const MAX_LINK_HOPS = 16;
/** Headers that describe the next member: PAX extended and global, GNU long name and long link. */
const META_TYPES = new Set(['x', 'g', 'L', 'K']);
/** As in Go's archive/tar: these members have no data blocks whatever their size field says. */
const HEADER_ONLY_TYPES = new Set(['1', '2', '3', '4', '5', '6']);

export type TarMemberType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarMember {
  /** Normalised path: no leading '/' or './', no empty or '.' segments. */
  path: string;
  type: TarMemberType;
  /** Byte offset of the content in the file. */
  offset: number;
  size: number;
  linkname?: string;
}

export interface TarIndexOptions {
  /** Refuse archives with more members than this (LIMIT). */
  maxEntries: number;
}

export class TarIndex {
  readonly file: string;
  readonly #members: Map<string, TarMember>;

  private constructor(file: string, members: Map<string, TarMember>) {
    this.file = file;
    this.#members = members;
  }

  static async open(file: string, options: TarIndexOptions): Promise<TarIndex> {
    return new TarIndex(file, await indexMembers(file, options));
  }

  has(path: string): boolean {
    return this.#members.has(normalizeMemberPath(path));
  }

  paths(): string[] {
    return [...this.#members.keys()];
  }

  /** The regular file at `path`, following symlinks and hardlinks inside the archive. */
  resolveFile(path: string): TarMember {
    let current = normalizeMemberPath(path);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const member = this.#members.get(current);
      if (member === undefined) throw new PortcullisError('NOT_FOUND', `no member ${current} in the archive`);
      switch (member.type) {
        case 'file':
          return member;
        case 'hardlink':
          current = insideArchive(member.linkname ?? '', '', member.path);
          break;
        case 'symlink':
          current = insideArchive(member.linkname ?? '', posix.dirname(member.path), member.path);
          break;
        case 'directory':
        case 'other':
          throw inputError(`archive member ${current} is not a regular file`);
      }
    }
    throw inputError(`too many links from archive member ${path}`);
  }

  /** A member's bytes as a stream, read straight from its byte range. */
  stream(member: TarMember): Readable {
    if (member.size === 0) return Readable.from([]);
    return createReadStream(this.file, { start: member.offset, end: member.offset + member.size - 1 });
  }

  async readFile(path: string, maxBytes: number): Promise<Buffer> {
    const member = this.resolveFile(path);
    if (member.size > maxBytes) {
      throw new PortcullisError('LIMIT', `archive member ${member.path} is ${member.size} bytes, over the limit of ${maxBytes}`);
    }
    return this.readHead(member, member.size);
  }

  /** The first `length` bytes of a member (fewer when it is shorter), e.g. to sniff compression. */
  async readHead(member: TarMember, length: number): Promise<Buffer> {
    const wanted = Math.min(length, member.size);
    const handle = await open(this.file, 'r');
    try {
      const buffer = Buffer.alloc(wanted);
      const { bytesRead } = await handle.read(buffer, 0, wanted, member.offset);
      if (bytesRead !== wanted) throw inputError(`truncated archive (member ${member.path})`);
      return buffer;
    } finally {
      await handle.close();
    }
  }
}

export function normalizeMemberPath(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** Resolves a link target against `base` and refuses one that climbs out of the archive. */
function insideArchive(target: string, base: string, from: string): string {
  const joined = posix.normalize(posix.join(base, target.startsWith('/') ? target.slice(1) : target));
  if (joined === '..' || joined.startsWith('../')) throw inputError(`archive member ${from} links outside the archive`);
  return normalizeMemberPath(joined);
}

interface PendingMeta {
  path?: string;
  linkname?: string;
  size?: number;
}

async function indexMembers(file: string, options: TarIndexOptions): Promise<Map<string, TarMember>> {
  const handle = await open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const members = new Map<string, TarMember>();
    const header = Buffer.alloc(BLOCK);
    let pending: PendingMeta = {};
    let position = 0;
    let count = 0;
    while (position < fileSize) {
      if (position + BLOCK > fileSize) throw inputError(`truncated archive (partial header at offset ${position})`);
      await readExactly(handle, header, position);
      if (header.every((byte) => byte === 0)) break;
      verifyChecksum(header, position);
      const typeflag = String.fromCharCode(header[156] ?? 0);
      const isMeta = META_TYPES.has(typeflag);
      const headerSize = parseNumber(header.subarray(124, 136), position);
      // A PAX size applies to the member after it; links, directories and devices carry no data.
      const size = HEADER_ONLY_TYPES.has(typeflag) ? 0 : isMeta ? headerSize : (pending.size ?? headerSize);
      const dataOffset = position + BLOCK;
      if (dataOffset + size > fileSize) throw inputError(`truncated archive (member at offset ${position} runs past the end)`);
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;

      if (isMeta) {
        // Global PAX defaults ('g') carry nothing an index needs.
        if (typeflag === 'g') continue;
        const body = await readMeta(handle, dataOffset, size);
        if (typeflag === 'x') pending = { ...pending, ...parsePax(body) };
        else if (typeflag === 'L') pending.path = cString(body);
        else pending.linkname = cString(body);
        continue;
      }
      if (++count > options.maxEntries) throw new PortcullisError('LIMIT', `more than ${options.maxEntries} archive members`);
      const path = normalizeMemberPath(pending.path ?? headerPath(header));
      const linkname = pending.linkname ?? cString(header.subarray(157, 257));
      const type = memberType(typeflag);
      pending = {};
      if (path === '') continue;
      members.set(path, { path, type, offset: dataOffset, size: type === 'file' ? size : 0, ...(linkname && { linkname }) });
    }
    return members;
  } finally {
    await handle.close();
  }
}

async function readExactly(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  if (bytesRead !== buffer.length) throw inputError(`truncated archive at offset ${position}`);
}

async function readMeta(handle: FileHandle, offset: number, size: number): Promise<Buffer> {
  if (size > MAX_META_BYTES) throw inputError(`extended header at offset ${offset} is ${size} bytes, over ${MAX_META_BYTES}`);
  const body = Buffer.alloc(size);
  await readExactly(handle, body, offset);
  return body;
}

function memberType(typeflag: string): TarMemberType {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function headerPath(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const isUstar = header.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = isUstar ? cString(header.subarray(345, 500)) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

function verifyChecksum(header: Buffer, position: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  const stored = parseInt(cString(header.subarray(148, 156)).trim() || 'x', 8);
  if (stored !== sum) throw inputError(`not a tar archive or corrupt header at offset ${position} (bad checksum)`);
}

/** Numeric header field: NUL/space-terminated octal, or GNU base-256 when the high bit is set. */
function parseNumber(field: Buffer, position: number): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw inputError(`member size at offset ${position} is too large`);
    return value;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw inputError(`bad size field at offset ${position}`);
  return parseInt(text, 8);
}

/** PAX records: "<length> <key>=<value>\n"; only path, linkpath and size matter to an index. */
function parsePax(body: Buffer): PendingMeta {
  const meta: PendingMeta = {};
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    const length = space === -1 ? NaN : Number(body.subarray(offset, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= 0 || offset + length > body.length) throw inputError(`malformed PAX header`);
    const record = body.subarray(space + 1, offset + length - 1).toString('utf8');
    offset += length;
    const equals = record.indexOf('=');
    if (equals === -1) throw inputError(`malformed PAX record`);
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === 'path') meta.path = value;
    else if (key === 'linkpath') meta.linkname = value;
    else if (key === 'size') {
      if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) throw inputError(`bad PAX size ${value.slice(0, 30)}`);
      meta.size = Number(value);
    }
  }
  return meta;
}
