import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildTar } from '../../test/helpers/tar-writer.ts';
import { requireTool } from '../../test/helpers/registry.ts';
import { TarIndex } from './tar-index.ts';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-tar-index-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const OPTIONS = { maxEntries: 1000 };
let counter = 0;
async function archive(bytes: Buffer): Promise<string> {
  const file = join(work, `a${counter++}.tar`);
  await writeFile(file, bytes);
  return file;
}

async function text(index: TarIndex, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of index.stream(index.resolveFile(path))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Edits the header at `headerOffset` and recomputes its checksum. */
function rewriteHeader(tar: Buffer, headerOffset: number, edit: (header: Buffer) => void): Buffer {
  const copy = Buffer.from(tar);
  const header = copy.subarray(headerOffset, headerOffset + 512);
  edit(header);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return copy;
}

/** Writes `size` into a header's size field in GNU base-256 form. */
function base256Size(tar: Buffer, headerOffset: number, size: number): Buffer {
  return rewriteHeader(tar, headerOffset, (header) => {
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header.writeUIntBE(size, 130, 6);
  });
}

describe('TarIndex', () => {
  it('indexes members and streams each from its byte range', async () => {
    const long = `${'d'.repeat(120)}/file.txt`;
    const index = await TarIndex.open(
      await archive(buildTar([{ path: './dir/', type: 'dir' }, { path: './dir/a.txt', content: 'alpha' }, { path: long, content: 'long name' }, { path: 'empty' }])),
      OPTIONS,
    );
    assert.deepEqual(index.paths().sort(), ['dir', 'dir/a.txt', 'empty', long].sort());
    assert.equal(await text(index, 'dir/a.txt'), 'alpha');
    assert.equal(await text(index, long), 'long name');
    assert.equal(await text(index, 'empty'), '');
    assert.equal((await index.readFile('/dir/a.txt', 100)).toString(), 'alpha');
  });

  it('reads GNU long names written by GNU tar', async () => {
    requireTool('tar', 'tar');
    const source = join(work, 'gnu-src');
    const deep = join('x'.repeat(90), 'y'.repeat(90));
    await mkdir(join(source, deep), { recursive: true });
    await writeFile(join(source, deep, 'member.txt'), 'gnu');
    const file = join(work, 'gnu.tar');
    execFileSync('tar', ['--format=gnu', '-cf', file, '-C', source, '.']);
    const index = await TarIndex.open(file, OPTIONS);
    assert.equal(await text(index, `${deep}/member.txt`), 'gnu');
  });

  it('reads base-256 size fields', async () => {
    const tar = base256Size(buildTar([{ path: 'big', content: 'twelve bytes' }]), 0, 12);
    assert.equal(await text(await TarIndex.open(await archive(tar), OPTIONS), 'big'), 'twelve bytes');
  });

  it('ignores the size field of members that carry no data', async () => {
    const tar = buildTar([{ path: 'link', type: 'symlink', linkname: 'next' }, { path: 'next', content: 'after the link' }]);
    const sized = rewriteHeader(tar, 0, (header) => header.write('00000001000\0', 124, 12, 'latin1'));
    assert.equal(await text(await TarIndex.open(await archive(sized), OPTIONS), 'link'), 'after the link');
  });

  it('follows links inside the archive only', async () => {
    const index = await TarIndex.open(
      await archive(
        buildTar([
          { path: 'blobs/', type: 'dir' },
          { path: 'blobs/real', content: 'real' },
          { path: 'layer/layer.tar', type: 'symlink', linkname: '../blobs/real' },
          { path: 'abs', type: 'symlink', linkname: '/blobs/real' },
          { path: 'hard', type: 'hardlink', linkname: 'blobs/real' },
          { path: 'escape', type: 'symlink', linkname: '../../../etc/passwd' },
          { path: 'loop1', type: 'symlink', linkname: 'loop2' },
          { path: 'loop2', type: 'symlink', linkname: 'loop1' },
          { path: 'todir', type: 'symlink', linkname: 'blobs' },
        ]),
      ),
      OPTIONS,
    );
    assert.equal(await text(index, 'layer/layer.tar'), 'real');
    assert.equal(await text(index, 'abs'), 'real');
    assert.equal(await text(index, 'hard'), 'real');
    assert.throws(() => index.resolveFile('escape'), { code: 'INPUT', message: /links outside the archive/ });
    assert.throws(() => index.resolveFile('loop1'), { code: 'INPUT', message: /too many links/ });
    assert.throws(() => index.resolveFile('todir'), { code: 'INPUT', message: /not a regular file/ });
    assert.throws(() => index.resolveFile('missing'), { code: 'NOT_FOUND' });
  });

  it('refuses a truncated archive', async () => {
    const tar = buildTar([{ path: 'a', content: 'x'.repeat(3000) }]);
    await assert.rejects(TarIndex.open(await archive(tar.subarray(0, 1500)), OPTIONS), { code: 'INPUT', message: /truncated archive/ });
    await assert.rejects(TarIndex.open(await archive(tar.subarray(0, 300)), OPTIONS), { code: 'INPUT', message: /truncated/ });
  });

  it('refuses a corrupt header and a file that is not a tar', async () => {
    const tar = buildTar([{ path: 'a', content: 'x' }]);
    tar[10] = 0x41;
    await assert.rejects(TarIndex.open(await archive(tar), OPTIONS), { code: 'INPUT', message: /bad checksum/ });
    await assert.rejects(TarIndex.open(await archive(Buffer.from('{"not":"a tar"}'.repeat(100))), OPTIONS), { code: 'INPUT' });
  });

  it('refuses malformed and oversized PAX headers', async () => {
    const pax = (body: string) => buildTar([{ path: 'x'.repeat(150), content: 'a' }]).toString('latin1').replace(/\d+ path=x+\n/, body);
    const malformed = Buffer.from(pax('99 path=short\n'.padEnd(166, ' ')), 'latin1');
    await assert.rejects(TarIndex.open(await archive(malformed), OPTIONS), { code: 'INPUT', message: /malformed PAX/ });
    const huge = buildTar([{ path: 'x'.repeat(70_000), content: 'a' }]);
    await assert.rejects(TarIndex.open(await archive(huge), OPTIONS), { code: 'INPUT', message: /extended header .* over 65536/ });
  });

  it('stops at the member limit', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ path: `f${i}`, content: '' }));
    await assert.rejects(TarIndex.open(await archive(buildTar(entries)), { maxEntries: 10 }), { code: 'LIMIT' });
  });

  it('refuses to read a member over the size limit into memory', async () => {
    const index = await TarIndex.open(await archive(buildTar([{ path: 'a', content: 'x'.repeat(100) }])), OPTIONS);
    await assert.rejects(index.readFile('a', 10), { code: 'LIMIT' });
  });
});
