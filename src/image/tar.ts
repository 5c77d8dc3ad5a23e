/**
 * A streaming tar reader: ustar, GNU long names ('L'/'K') and PAX extended headers ('x'; global 'g'
 * headers are skipped). Hand-written rather than taken from a library because it is the hot path of
 * every scan and must enforce Portcullis' limits itself: metadata records are bounded, every header
 * checksum is verified, numbers are range-checked, truncation is an error, and file content streams
 * straight from the decompressor's chunks (zero-copy slices) without ever buffering a whole file.
 */
import { PortcullisError, inputError } from '../core/index.ts';
import { ByteReader } from './byte-reader.ts';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** Name as stored (PAX path, GNU long name, or ustar prefix/name), not normalised. */
  path: string;
  /** Link target as stored, for symlinks and hardlinks; '' otherwise. */
  linkname: string;
  type: TarEntryType;
  /** The raw type flag ('0', '5', 'S', ...): tells apart the kinds folded into 'other'. */
  typeflag: string;
  /** Bytes of content (0 for everything but files). */
  size: number;
  /** Permission bits. */
  mode: number;
  /**
   * The content, streamed. Valid only until the next entry is requested; content left unread is
   * skipped by the reader.
   */
  content(): AsyncIterable<Buffer>;
}

export interface TarReadOptions {
  /** Names the archive in error messages. */
  what: string;
  onWarning?: (message: string, path?: string) => void;
}

const BLOCK = 512;
/** PAX records carry paths and xattrs; anything larger is an attack, not an archive. */
const MAX_PAX_BYTES = 1024 * 1024;
/** Linux paths stop at 4096 bytes; GNU long names far beyond that are hostile. */
const MAX_LONG_NAME_BYTES = 64 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Header-only types carry no data whatever their size field says (as Go's archive/tar reads them). */
const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\u0000': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '5': 'directory',
};
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
const LEGACY_FILE = '\u0000';

/** Overrides collected from PAX and GNU headers for the next real entry. */
interface PendingMeta {
  path?: string;
  linkname?: string;
  size?: number;
  sparse?: boolean;
}

export async function* readTar(source: AsyncIterable<Buffer>, options: TarReadOptions): AsyncGenerator<TarEntry> {
  const input = new ByteReader(source);
  const fail = (message: string): PortcullisError =>
    inputError(`${options.what}: ${message} (at byte ${input.position})`);
  const decode = (bytes: Buffer): string => decodeName(bytes, options);
  let pending: PendingMeta = {};
  try {
    for (;;) {
      const header = await input.read(BLOCK);
      if (header.length === 0) {
        if (Object.keys(pending).length > 0) throw fail('truncated tar: archive ends after an extended header');
        return;
      }
      if (header.length < BLOCK) throw fail('truncated tar: archive ends inside a header');
      if (isZeroBlock(header)) {
        // The end is two zero blocks. A zero block followed by a header is refused, as container
        // runtimes (Go's archive/tar) refuse it, so no entry can hide where a runtime would fail.
        const second = await input.read(BLOCK);
        if (second.length > 0 && (second.length < BLOCK || !isZeroBlock(second))) {
          throw fail('malformed tar: a single zero block followed by more data');
        }
        // Whatever follows is padding or garbage, but it is still read so that the compressed
        // stream's own integrity check (gzip CRC) and the diffId cover it.
        await input.drain();
        return;
      }
      verifyChecksum(header, fail);
      const typeflag = String.fromCharCode(header[156] ?? 0);
      const size = parseNumber(header, 124, 12, 'size', fail);
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        const limit = typeflag === 'x' || typeflag === 'g' ? MAX_PAX_BYTES : MAX_LONG_NAME_BYTES;
        if (size > limit) throw fail(`tar extended header of ${size} bytes exceeds the limit of ${limit}`);
        const data = await input.read(size);
        if (data.length < size || (await input.skip(padding(size))) < padding(size)) {
          throw fail('truncated tar: archive ends inside an extended header');
        }
        if (typeflag === 'x') pending = { ...pending, ...parsePax(data, decode, fail) };
        else if (typeflag === 'L') pending.path = decode(cString(data));
        else if (typeflag === 'K') pending.linkname = decode(cString(data));
        continue;
      }

      const path = pending.path ?? ustarName(header, decode);
      const linkname = pending.linkname ?? decode(field(header, 157, 100));
      // Pre-POSIX tars mark directories only by a trailing slash on a NUL type flag.
      const legacyDirectory = typeflag === LEGACY_FILE && path.endsWith('/');
      let type = legacyDirectory ? 'directory' : (TYPES[typeflag] ?? 'other');
      const dataSize = HEADER_ONLY.has(typeflag) || legacyDirectory ? 0 : (pending.size ?? size);
      if (pending.sparse === true || typeflag === 'S') {
        options.onWarning?.(`${options.what}: GNU sparse file is not read`, path);
        type = 'other';
      }
      pending = {};
      const content = new ContentState(input, dataSize, fail);
      yield {
        path,
        linkname,
        type,
        typeflag,
        size: type === 'file' ? dataSize : 0,
        mode: parseNumber(header, 100, 8, 'mode', fail) & 0o7777,
        content: () => content.stream(),
      };
      content.current = false;
      const unread = content.remaining;
      const truncated = () => fail(`truncated tar: archive ends inside the content of ${path}`);
      if ((await input.skip(unread)) < unread) throw truncated();
      // Some writers (umoci's insert among them) stop right after the last file's content, with
      // neither block padding nor end-of-archive blocks. Container runtimes read that as the end,
      // as Go's archive/tar does; padding cut short is still truncation.
      const pad = padding(dataSize);
      const skipped = await input.skip(pad);
      if (skipped === 0 && pad > 0) return;
      if (skipped < pad) throw truncated();
    }
  } finally {
    await input.close();
  }
}

/** The unread part of one entry's content. */
class ContentState {
  remaining: number;
  current = true;
  #started = false;
  readonly #input: ByteReader;
  readonly #fail: (message: string) => PortcullisError;

  constructor(input: ByteReader, size: number, fail: (message: string) => PortcullisError) {
    this.#input = input;
    this.remaining = size;
    this.#fail = fail;
  }

  async *stream(): AsyncGenerator<Buffer> {
    if (this.#started) throw new PortcullisError('INTERNAL', 'tar entry content read twice');
    this.#started = true;
    while (this.remaining > 0) {
      if (!this.current) throw new PortcullisError('INTERNAL', 'tar entry content read after the next entry');
      const chunk = await this.#input.next(this.remaining);
      if (chunk === null) throw this.#fail('truncated tar: archive ends inside file content');
      this.remaining -= chunk.length;
      yield chunk;
    }
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function isZeroBlock(block: Buffer): boolean {
  for (let index = 0; index < BLOCK; index += 1) if (block[index] !== 0) return false;
  return true;
}

/** The checksum is the byte sum with its own field read as spaces; old tars summed signed bytes. */
function verifyChecksum(header: Buffer, fail: (message: string) => PortcullisError): void {
  const stored = parseNumber(header, 148, 8, 'checksum', fail);
  let unsigned = 0;
  let signed = 0;
  for (let index = 0; index < BLOCK; index += 1) {
    const byte = index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) throw fail('bad tar header checksum');
}

/** Octal (NUL/space terminated) or GNU base-256 (high bit set) numeric field. */
function parseNumber(
  header: Buffer,
  offset: number,
  length: number,
  name: string,
  fail: (message: string) => PortcullisError,
): number {
  const first = header[offset] ?? 0;
  if ((first & 0x80) !== 0) {
    if (first === 0xff) throw fail(`negative tar ${name} field`);
    let value = first & 0x7f;
    for (let index = offset + 1; index < offset + length; index += 1) {
      value = value * 256 + (header[index] ?? 0);
      if (value > Number.MAX_SAFE_INTEGER) throw fail(`tar ${name} field out of range`);
    }
    return value;
  }
  let value = 0;
  let index = offset;
  const end = offset + length;
  while (index < end && header[index] === 0x20) index += 1;
  for (; index < end; index += 1) {
    const byte = header[index] ?? 0;
    if (byte === 0 || byte === 0x20) break;
    if (byte < 0x30 || byte > 0x37) throw fail(`invalid tar ${name} field`);
    value = value * 8 + (byte - 0x30);
  }
  return value;
}

function field(header: Buffer, offset: number, length: number): Buffer {
  return cString(header.subarray(offset, offset + length));
}

function cString(bytes: Buffer): Buffer {
  const end = bytes.indexOf(0);
  return end === -1 ? bytes : bytes.subarray(0, end);
}

/** POSIX ustar splits long names into prefix/name; GNU tars use the prefix bytes for other things. */
function ustarName(header: Buffer, decode: (bytes: Buffer) => string): string {
  const name = decode(field(header, 0, 100));
  const isPosixUstar = header.toString('latin1', 257, 263) === 'ustar\u0000';
  const prefix = isPosixUstar ? decode(field(header, 345, 155)) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** Names are bytes; undecodable ones are kept (with U+FFFD) and reported, not dropped. */
function decodeName(bytes: Buffer, options: TarReadOptions): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const lossy = bytes.toString('utf8');
    options.onWarning?.(`${options.what}: entry name is not valid UTF-8`, lossy);
    return lossy;
  }
}

/** PAX records: "<length> <key>=<value>\n", where length counts the whole record. */
function parsePax(data: Buffer, decode: (bytes: Buffer) => string, fail: (message: string) => PortcullisError): PendingMeta {
  const meta: PendingMeta = {};
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    const lengthText = space === -1 ? '' : data.toString('latin1', position, space);
    if (!/^[1-9][0-9]{0,7}$/.test(lengthText)) throw fail('malformed PAX record length');
    const end = position + Number(lengthText);
    if (end > data.length || end <= space + 1 || data[end - 1] !== 0x0a) {
      throw fail('PAX record length does not match its content');
    }
    const record = data.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw fail('malformed PAX record');
    const key = record.toString('utf8', 0, equals);
    const value = record.subarray(equals + 1);
    // An empty value removes an earlier override (POSIX), falling back to the ustar field.
    if (key === 'path') meta.path = value.length === 0 ? undefined : decode(value);
    else if (key === 'linkpath') meta.linkname = value.length === 0 ? undefined : decode(value);
    else if (key === 'size') meta.size = value.length === 0 ? undefined : parsePaxSize(value.toString('latin1'), fail);
    else if (key.startsWith('GNU.sparse.')) meta.sparse = true;
    position = end;
  }
  return meta;
}

function parsePaxSize(text: string, fail: (message: string) => PortcullisError): number {
  const value = /^[0-9]{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw fail(`invalid PAX size ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}
