import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { buildTar } from '../../test/helpers/tar-writer.ts';
import { readTar, type TarEntry } from './tar.ts';

interface ReadEntry {
  path: string;
  type: TarEntry['type'];
  typeflag: string;
  size: number;
  mode: number;
  linkname: string;
  content: string;
}

async function* chunked(data: Buffer, size = data.length): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

async function readAll(data: Buffer, chunkSize?: number, warnings: string[] = []): Promise<ReadEntry[]> {
  const entries: ReadEntry[] = [];
  const onWarning = (message: string): number => warnings.push(message);
  for await (const entry of readTar(chunked(data, chunkSize), { what: 'test.tar', onWarning })) {
    const parts: Buffer[] = [];
    for await (const chunk of entry.content()) parts.push(chunk);
    const { path, type, typeflag, size, mode, linkname } = entry;
    entries.push({ path, type, typeflag, size, mode, linkname, content: Buffer.concat(parts).toString('latin1') });
  }
  return entries;
}

function isInputError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message);
}

/** Rewrites header fields of the block at `offset` and recomputes its checksum. */
function patchHeader(tar: Buffer, offset: number, fields: Array<[number, Buffer | string]>): Buffer {
  const copy = Buffer.from(tar);
  for (const [at, value] of fields) {
    (typeof value === 'string' ? Buffer.from(value, 'latin1') : value).copy(copy, offset + at);
  }
  copy.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let index = offset; index < offset + 512; index += 1) sum += copy[index] ?? 0;
  copy.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, offset + 148, 'latin1');
  return copy;
}

/** A well-formed PAX record: its length prefix counts the whole record. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const digits = String(rest.length + 2).length;
  return `${rest.length + digits}${rest}`;
}

/** A raw PAX 'x' header followed by one file entry, for malformed-record tests. */
function withPaxBody(body: string): Buffer {
  const pax = buildTar([{ path: 'pax', content: body }]);
  const typed = patchHeader(pax, 0, [[156, 'x']]);
  return Buffer.concat([typed.subarray(0, typed.length - 1024), buildTar([{ path: 'after', content: 'x' }])]);
}

const SAMPLE = buildTar([
  { path: 'dir/', type: 'dir' },
  { path: 'dir/hello.txt', content: 'hello world', mode: 0o4755 },
  { path: 'dir/empty', content: '' },
  { path: 'dir/block', content: Buffer.alloc(512, 0x61) },
  { path: 'link', type: 'symlink', linkname: '../outside/target' },
  { path: 'hard', type: 'hardlink', linkname: 'dir/hello.txt' },
  { path: `long/${'n'.repeat(180)}`, content: 'long name' },
  { path: 'longlink', type: 'symlink', linkname: `/${'t'.repeat(150)}` },
]);

describe('readTar', () => {
  it('reads entries, types, modes, links and contents', async () => {
    const entries = await readAll(SAMPLE);
    assert.deepEqual(
      entries.map((entry) => [entry.path, entry.type, entry.size, entry.mode, entry.linkname, entry.content]),
      [
        ['dir/', 'directory', 0, 0o755, '', ''],
        ['dir/hello.txt', 'file', 11, 0o4755, '', 'hello world'],
        ['dir/empty', 'file', 0, 0o644, '', ''],
        ['dir/block', 'file', 512, 0o644, '', 'a'.repeat(512)],
        ['link', 'symlink', 0, 0o777, '../outside/target', ''],
        ['hard', 'hardlink', 0, 0o644, 'dir/hello.txt', ''],
        [`long/${'n'.repeat(180)}`, 'file', 9, 0o644, '', 'long name'],
        ['longlink', 'symlink', 0, 0o777, `/${'t'.repeat(150)}`, ''],
      ],
    );
  });

  it('gives the same result whatever the chunk boundaries', async () => {
    const whole = await readAll(SAMPLE);
    for (const size of [1, 7, 511, 513, 1000]) assert.deepEqual(await readAll(SAMPLE, size), whole, `chunk size ${size}`);
  });

  it('skips content the consumer does not read, fully or partly', async () => {
    const tar = buildTar([
      { path: 'a', content: Buffer.alloc(3000, 1) },
      { path: 'b', content: Buffer.alloc(5000, 2) },
      { path: 'c', content: 'last' },
    ]);
    const seen: string[] = [];
    for await (const entry of readTar(chunked(tar, 700), { what: 'test.tar' })) {
      if (entry.path === 'b') {
        for await (const chunk of entry.content()) {
          assert.equal(chunk[0], 2);
          break;
        }
      }
      if (entry.path === 'c') for await (const chunk of entry.content()) seen.push(chunk.toString());
      seen.push(entry.path);
    }
    assert.deepEqual(seen, ['a', 'b', 'last', 'c']);
  });

  it('refuses to read content after moving to the next entry', async () => {
    const held: TarEntry[] = [];
    for await (const entry of readTar(chunked(SAMPLE), { what: 'test.tar' })) held.push(entry);
    const stale = held.find((entry) => entry.path === 'dir/hello.txt');
    assert.ok(stale);
    await assert.rejects(async () => {
      for await (const chunk of stale.content()) assert.fail(`read ${chunk.length} stale bytes`);
    }, (error: unknown) => error instanceof PortcullisError && error.code === 'INTERNAL');
  });

  it('reads GNU tar archives in gnu (L/K long names), pax and ustar (prefix) formats', async (t) => {
    const tarVersion = spawnSync('tar', ['--version']);
    assert.equal(tarVersion.status, 0, 'GNU tar is required: install the Debian package "tar"');
    const root = mkdtempSync(join(tmpdir(), 'portcullis-tar-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const deep = join(root, 'src', 'd'.repeat(120), 'e'.repeat(120));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'f'.repeat(150)), 'deep content');
    symlinkSync(`../${'l'.repeat(140)}`, join(root, 'src', 'link'));
    for (const format of ['gnu', 'pax']) {
      const archive = join(root, `${format}.tar`);
      const result = spawnSync('tar', [`--format=${format}`, '-C', join(root, 'src'), '-cf', archive, '.']);
      assert.equal(result.status, 0, result.stderr.toString());
      const entries = await readAll(readFileSync(archive), 4096);
      const file = entries.find((entry) => entry.path.endsWith('f'.repeat(150)));
      assert.equal(file?.path, `./${'d'.repeat(120)}/${'e'.repeat(120)}/${'f'.repeat(150)}`, format);
      assert.equal(file?.content, 'deep content');
      assert.equal(entries.find((entry) => entry.path === './link')?.linkname, `../${'l'.repeat(140)}`, format);
    }
    // ustar splits a name of up to 255 bytes into its prefix and name fields.
    const split = join(root, 'ustar', 'p'.repeat(90), 'q'.repeat(50));
    mkdirSync(split, { recursive: true });
    writeFileSync(join(split, 'r'.repeat(60)), 'split name');
    const archive = join(root, 'ustar.tar');
    const result = spawnSync('tar', ['--format=ustar', '-C', join(root, 'ustar'), '-cf', archive, 'p'.repeat(90)]);
    assert.equal(result.status, 0, result.stderr.toString());
    const entries = await readAll(readFileSync(archive));
    assert.equal(entries.at(-1)?.path, `${'p'.repeat(90)}/${'q'.repeat(50)}/${'r'.repeat(60)}`);
    assert.equal(entries.at(-1)?.content, 'split name');
  });

  it('reads base-256 (GNU binary) size fields', async () => {
    const tar = buildTar([{ path: 'big', content: 'x'.repeat(300) }, { path: 'next', content: 'n' }]);
    const size = Buffer.alloc(12);
    size[0] = 0x80;
    size.writeUInt16BE(300, 10);
    const entries = await readAll(patchHeader(tar, 0, [[124, size]]));
    assert.deepEqual(entries.map((entry) => [entry.path, entry.size, entry.content.length]), [['big', 300, 300], ['next', 1, 1]]);
  });

  it('rejects negative and out-of-range numeric fields', async () => {
    const tar = buildTar([{ path: 'f', content: 'x' }]);
    const negative = Buffer.alloc(12, 0xff);
    await assert.rejects(readAll(patchHeader(tar, 0, [[124, negative]])), isInputError(/negative tar size/));
    const huge = Buffer.alloc(12, 0xff);
    huge[0] = 0x80;
    await assert.rejects(readAll(patchHeader(tar, 0, [[124, huge]])), isInputError(/size field out of range/));
    await assert.rejects(readAll(patchHeader(tar, 0, [[124, '0000000009x\u0000']])), isInputError(/invalid tar size/));
  });

  it('fails on an absurd size field in a small archive as truncated, without allocating it', async () => {
    const tar = patchHeader(buildTar([{ path: 'f', content: 'x' }]), 0, [[124, '77777777777\u0000']]);
    await assert.rejects(readAll(tar), isInputError(/truncated tar: archive ends inside (file )?content/));
  });

  it('rejects a bad header checksum', async () => {
    const tar = Buffer.from(SAMPLE);
    tar[600 + 0] = 0x5a; // first byte of the second header's name
    await assert.rejects(readAll(tar), isInputError(/bad tar header checksum \(at byte 1024\)/));
  });

  it('rejects archives truncated inside a header, content or padding', async () => {
    const tar = buildTar([{ path: 'a', content: 'x'.repeat(1000) }, { path: 'b', content: 'y' }]);
    await assert.rejects(readAll(tar.subarray(0, 300)), isInputError(/inside a header/));
    await assert.rejects(readAll(tar.subarray(0, 1200)), isInputError(/inside (file )?content/));
    await assert.rejects(readAll(tar.subarray(0, 1524)), isInputError(/inside the content of a/));
    // Truncation is caught whether or not the content is read.
    await assert.rejects(async () => {
      for await (const entry of readTar(chunked(tar.subarray(0, 1200)), { what: 'test.tar' })) assert.equal(entry.path, 'a');
    }, isInputError(/inside the content of a/));
  });

  it('reads an archive that stops right after the last content, without padding or end blocks', async () => {
    const tar = buildTar([{ path: 'a', content: 'x'.repeat(1000) }, { path: 'b', content: 'yz' }]);
    const cut = tar.subarray(0, 1536 + 512 + 2); // header a, content a + padding, header b, content b
    assert.deepEqual((await readAll(cut)).map((entry) => entry.content), ['x'.repeat(1000), 'yz']);
    await assert.rejects(readAll(tar.subarray(0, 1536 + 512 + 1)), isInputError(/inside (file )?content/));
    await assert.rejects(readAll(tar.subarray(0, 1536 + 512 + 100)), isInputError(/inside the content of b/));
  });

  it('accepts a clean end at a block boundary and ignores garbage after the end blocks', async () => {
    assert.deepEqual(await readAll(Buffer.alloc(0)), []);
    const tar = buildTar([{ path: 'a', content: 'x' }]);
    assert.equal((await readAll(tar.subarray(0, 1024))).length, 1);
    const garbage = Buffer.concat([tar, Buffer.from('this is not a tar header at all'.repeat(40))]);
    assert.deepEqual((await readAll(garbage)).map((entry) => entry.content), ['x']);
    assert.equal((await readAll(tar.subarray(0, 1536))).length, 1, 'a lone zero block at the very end');
  });

  it('refuses an entry hidden after a single zero block', async () => {
    const first = buildTar([{ path: 'a', content: 'x' }]);
    const hidden = Buffer.concat([first.subarray(0, 1536), buildTar([{ path: 'hidden', content: 'y' }])]);
    await assert.rejects(readAll(hidden), isInputError(/single zero block followed by more data \(at byte 2048\)/));
    await assert.rejects(readAll(Buffer.concat([first.subarray(0, 1536), Buffer.alloc(100, 1)])), isInputError(/single zero block/));
  });

  it('applies PAX path, linkpath and size records and ignores global headers', async () => {
    const pax = paxRecord('path', 'from/pax') + paxRecord('linkpath', 'pax-target') + paxRecord('mtime', '1.5');
    const entries = await readAll(withPaxBody(pax));
    assert.deepEqual(entries.map((entry) => [entry.path, entry.linkname]), [['from/pax', 'pax-target']]);
    const sized = await readAll(withPaxBody(paxRecord('size', '1')));
    assert.deepEqual(sized.map((entry) => [entry.path, entry.size, entry.content]), [['after', 1, 'x']]);
    const global = patchHeader(buildTar([{ path: 'g', content: paxRecord('path', 'from/global') }]), 0, [[156, 'g']]);
    const afterGlobal = Buffer.concat([global.subarray(0, 1024), buildTar([{ path: 'plain', content: 'p' }])]);
    assert.deepEqual((await readAll(afterGlobal)).map((entry) => entry.path), ['plain']);
  });

  it('rejects PAX records whose length lies', async () => {
    await assert.rejects(readAll(withPaxBody('99 path=short\n')), isInputError(/PAX record length does not match/));
    await assert.rejects(readAll(withPaxBody('5 path=longer-than-five\n')), isInputError(/PAX record length does not match/));
    await assert.rejects(readAll(withPaxBody('x path=a\n')), isInputError(/malformed PAX record length/));
    await assert.rejects(readAll(withPaxBody('8 nokey\n')), isInputError(/malformed PAX record/));
    await assert.rejects(readAll(withPaxBody(paxRecord('size', '99999999999999999'))), isInputError(/invalid PAX size/));
  });

  it('rejects oversized PAX and long-name headers before reading them', async () => {
    const header = buildTar([{ path: 'x', content: '' }]).subarray(0, 512);
    for (const [flag, size] of [['x', 2 * 1024 * 1024], ['L', 128 * 1024]] as const) {
      const claimed = patchHeader(header, 0, [[156, flag], [124, `${size.toString(8).padStart(11, '0')}\u0000`]]);
      await assert.rejects(readAll(claimed), isInputError(/tar extended header of \d+ bytes exceeds the limit/));
    }
  });

  it('reports names that are not valid UTF-8 and keeps the entry', async () => {
    const tar = patchHeader(buildTar([{ path: 'bad-name', content: 'kept' }]), 0, [[0, Buffer.from([0x62, 0xff, 0xfe, 0])]]);
    const warnings: string[] = [];
    const entries = await readAll(tar, undefined, warnings);
    assert.deepEqual(entries.map((entry) => [entry.path, entry.content]), [['b\ufffd\ufffd', 'kept']]);
    assert.match(warnings.join('\n'), /not valid UTF-8/);
  });

  it('reads a NUL type flag as a file, or as a directory when the name ends in a slash', async () => {
    const tar = buildTar([{ path: 'old-dir/', content: '' }, { path: 'old-file', content: 'v7' }]);
    const legacy = patchHeader(patchHeader(tar, 0, [[156, '\u0000']]), 512, [[156, '\u0000']]);
    assert.deepEqual((await readAll(legacy)).map((entry) => [entry.path, entry.type, entry.content]), [
      ['old-dir/', 'directory', ''],
      ['old-file', 'file', 'v7'],
    ]);
  });

  it('treats devices, FIFOs and unknown types as other and skips their data', async () => {
    const tar = patchHeader(buildTar([{ path: 'fifo', content: 'ignored' }, { path: 'after', content: 'a' }]), 0, [[156, 'Z']]);
    const entries = await readAll(tar);
    assert.deepEqual(entries.map((entry) => [entry.path, entry.type, entry.typeflag, entry.size]), [
      ['fifo', 'other', 'Z', 0],
      ['after', 'file', '0', 1],
    ]);
  });
});
