/**
 * A minimal tar writer for tests: builds small archives in memory from a list of entries.
 * Paths and link names are written exactly as given (no normalisation), so hostile-input tests can
 * produce '../x' or '/etc/x' entries. Names that do not fit the 100-byte ustar fields go into a PAX
 * 'x' extended header, as GNU tar and Go's archive/tar do.
 */

export interface TarSpecEntry {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

const BLOCK = 512;
const NAME_FIELD = 100;

const TYPE_FLAGS: Record<NonNullable<TarSpecEntry['type']>, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  dir: '5',
};

const DEFAULT_MODES: Record<NonNullable<TarSpecEntry['type']>, number> = {
  file: 0o644,
  hardlink: 0o644,
  symlink: 0o777,
  dir: 0o755,
};

export function buildTar(entries: TarSpecEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content = type === 'file' ? toBuffer(entry.content ?? '') : Buffer.alloc(0);
    const linkname = entry.linkname ?? '';
    const pax: Array<[string, string]> = [];
    if (Buffer.byteLength(entry.path) > NAME_FIELD) pax.push(['path', entry.path]);
    if (Buffer.byteLength(linkname) > NAME_FIELD) pax.push(['linkpath', linkname]);
    if (pax.length > 0) {
      const body = Buffer.from(pax.map(([key, value]) => paxRecord(key, value)).join(''));
      parts.push(header({ name: 'PaxHeaders/entry', typeflag: 'x', size: body.length, mode: 0o644, linkname: '' }));
      parts.push(padded(body));
    }
    parts.push(
      header({
        name: entry.path,
        typeflag: TYPE_FLAGS[type],
        size: content.length,
        mode: entry.mode ?? DEFAULT_MODES[type],
        linkname,
      }),
    );
    parts.push(padded(content));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function toBuffer(content: string | Buffer): Buffer {
  return typeof content === 'string' ? Buffer.from(content) : content;
}

/** A PAX record is "<length> <key>=<value>\n" where length counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLength = Buffer.byteLength(rest);
  let length = restLength + 1;
  while (String(length).length + restLength !== length) length = String(length).length + restLength;
  return `${length}${rest}`;
}

function padded(data: Buffer): Buffer {
  const remainder = data.length % BLOCK;
  return remainder === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - remainder)]);
}

interface HeaderFields {
  name: string;
  typeflag: string;
  size: number;
  mode: number;
  linkname: string;
}

function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  // Over-long names are carried by the PAX header; the ustar field keeps a truncated copy.
  block.write(fields.name, 0, NAME_FIELD, 'utf8');
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, 0); // mtime: fixed so archives are reproducible
  block.write(fields.typeflag, 156, 1, 'latin1');
  block.write(fields.linkname, 157, NAME_FIELD, 'utf8');
  block.write('ustar\u000000', 257, 8, 'latin1');
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}
