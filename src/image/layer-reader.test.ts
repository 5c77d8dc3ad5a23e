import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createGzip, gzipSync, zstdCompressSync } from 'node:zlib';
import { PortcullisError, sha256Digest } from '../core/index.ts';
import { buildTar, type TarSpecEntry } from '../../test/helpers/tar-writer.ts';
import { createReadBudget, type ReadBudget } from './budget.ts';
import { readDirectoryEntries } from './directory-reader.ts';
import { normalisePath, readLayerEntries, type LayerReadOptions } from './layer-reader.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import type { ReadLimits, WalkEntry } from './types.ts';

interface Seen {
  path: string;
  type: WalkEntry['type'];
  size: number;
  mode: number;
  linkname?: string;
  sha256?: string;
}

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

function budgetOf(limits: Partial<ReadLimits> = {}): ReadBudget {
  return createReadBudget({ ...DEFAULT_LIMITS, ...limits });
}

/** Reads every entry and hashes every file's content, as a consumer would. */
async function collect(entries: AsyncIterable<WalkEntry>): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const entry of entries) {
    const { path, type, size, mode, linkname } = entry;
    const item: Seen = { path, type, size, mode };
    if (linkname !== undefined) item.linkname = linkname;
    if (entry.content !== undefined) {
      const hash = createHash('sha256');
      for await (const chunk of entry.content()) hash.update(chunk);
      item.sha256 = hash.digest('hex');
    }
    seen.push(item);
  }
  return seen;
}

async function readLayer(
  blob: Buffer,
  options: Partial<LayerReadOptions> = {},
): Promise<{ entries: Seen[]; warnings: string[] }> {
  const warnings: string[] = [];
  const entries = await collect(
    readLayerEntries(once(blob), {
      budget: budgetOf(),
      layerName: 'layer 0 (sha256:abc)',
      onWarning: (message, path) => warnings.push(`${path ?? ''}: ${message}`),
      ...options,
    }),
  );
  return { entries, warnings };
}

function paths(entries: Seen[]): Array<[string, string, string?]> {
  return entries.map((entry) => (entry.linkname === undefined ? [entry.path, entry.type] : [entry.path, entry.type, entry.linkname]));
}

function isError(code: PortcullisError['code'], pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof PortcullisError && error.code === code && pattern.test(error.message);
}

const LAYER: TarSpecEntry[] = [
  { path: './', type: 'dir' },
  { path: './etc/', type: 'dir' },
  { path: './etc/os-release', content: 'ID=debian\n' },
  { path: 'usr/bin/tool', content: '#!/bin/sh\n', mode: 0o755 },
];

describe('normalisePath', () => {
  it('cleans paths lexically and refuses escapes', () => {
    const cases: Array<[string, string | undefined]> = [
      ['/etc/passwd', 'etc/passwd'],
      ['./a//b/./c/', 'a/b/c'],
      ['a/../b', 'b'],
      ['./', ''],
      ['../../etc/passwd', undefined],
      ['a/../../x', undefined],
      ['/..', undefined],
      ['a/\u0000b', undefined],
    ];
    for (const [raw, expected] of cases) assert.equal(normalisePath(raw), expected, raw);
  });
});

describe('readLayerEntries', () => {
  it('reads plain, gzip and zstd layers alike', async () => {
    const tar = buildTar(LAYER);
    const zstdCli = spawnSync('zstd', ['-q', '-c'], { input: tar });
    assert.equal(zstdCli.error, undefined, 'the zstd command is required: install the Debian package "zstd"');
    const expected = (await readLayer(tar)).entries;
    assert.deepEqual(paths(expected), [['etc', 'directory'], ['etc/os-release', 'file'], ['usr/bin/tool', 'file']]);
    assert.equal(expected[1]?.sha256, createHash('sha256').update('ID=debian\n').digest('hex'));
    assert.equal(expected[2]?.mode, 0o755);
    for (const blob of [gzipSync(tar), zstdCompressSync(tar), zstdCli.stdout]) assert.deepEqual((await readLayer(blob)).entries, expected);
  });

  it('takes absolute paths relative to the root and skips entries that escape it', async () => {
    const tar = buildTar([
      { path: '/etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
      { path: '../../etc/passwd', content: 'stolen' },
      { path: 'a/../../escape', content: 'stolen' },
      { path: 'evil-hardlink', type: 'hardlink', linkname: '../x' },
      { path: 'abs-hardlink', type: 'hardlink', linkname: '/etc/passwd' },
      { path: 'symlink', type: 'symlink', linkname: '../../../etc/shadow' },
      { path: 'after', content: 'still read' },
    ]);
    const { entries, warnings } = await readLayer(gzipSync(tar));
    assert.deepEqual(paths(entries), [
      ['etc/passwd', 'file'],
      ['abs-hardlink', 'hardlink', 'etc/passwd'],
      ['symlink', 'symlink', '../../../etc/shadow'],
      ['after', 'file'],
    ]);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0] ?? '', /layer 0 \(sha256:abc\): skipped entry with unsafe path "..\/..\/etc\/passwd"/);
    assert.match(warnings[2] ?? '', /skipped hardlink "evil-hardlink" to unsafe target "..\/x"/);
  });

  it('skips a PAX path holding a NUL byte', async () => {
    const { entries, warnings } = await readLayer(buildTar([{ path: `${'a'.repeat(101)}\u0000/etc/passwd`, content: 'x' }, { path: 'ok' }]));
    assert.deepEqual(paths(entries), [['ok', 'file']]);
    assert.match(warnings.join('\n'), /unsafe path/);
  });

  it('turns whiteout markers into whiteout and opaque entries', async () => {
    const tar = buildTar([
      { path: 'etc/.wh.motd' },
      { path: '.wh.tmp' },
      { path: 'var/lib/apt/.wh..wh..opq' },
      { path: '.wh..wh..opq' },
      { path: 'x/.wh..wh.plnk', type: 'dir' },
      { path: 'x/.wh.' },
      { path: '.wh...' },
    ]);
    const { entries, warnings } = await readLayer(tar);
    assert.deepEqual(paths(entries), [
      ['etc/motd', 'whiteout'],
      ['tmp', 'whiteout'],
      ['var/lib/apt', 'opaque'],
      ['', 'opaque'],
    ]);
    assert.equal(warnings.length, 3);
  });

  it('checks the diffId over the whole uncompressed tar', async () => {
    const tar = Buffer.concat([buildTar(LAYER), Buffer.alloc(10240 - (buildTar(LAYER).length % 10240))]);
    const { entries } = await readLayer(gzipSync(tar), { diffId: sha256Digest(tar) });
    assert.equal(entries.length, 3);
    const other = sha256Digest(buildTar(LAYER));
    await assert.rejects(readLayer(gzipSync(tar), { diffId: other }), isError('DIGEST_MISMATCH', /layer 0 \(sha256:abc\): .*expected sha256:/));
  });

  it('stops at the entry limit shared by all layers', async () => {
    const budget = budgetOf({ maxEntries: 5 });
    await readLayer(buildTar(LAYER), { budget });
    assert.equal(budget.entries, 4);
    await assert.rejects(readLayer(buildTar(LAYER), { budget }), isError('LIMIT', /image exceeds the limit of 5 entries/));
  });

  it('fails fast on a size field larger than the image limit', async () => {
    const tar = buildTar([{ path: 'huge', content: 'x' }]);
    tar.write('77777777777\u0000', 124, 'latin1');
    tar.fill(0x20, 148, 156);
    let sum = 0;
    for (let index = 0; index < 512; index += 1) sum += tar[index] ?? 0;
    tar.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
    await assert.rejects(readLayer(tar, { budget: budgetOf({ maxUncompressedBytes: 1024 ** 3 }) }), isError('LIMIT', /"huge" declares 8589934591 bytes/));
    // Under a larger limit the same lie is caught as truncation.
    await assert.rejects(readLayer(tar), isError('INPUT', /truncated tar/));
  });

  it('stops a layer of many files of zeros at the budget, without buffering them', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const header = buildTar([{ path: 'zeros', content: zeros }]).subarray(0, 512);
    // 64 files of 4 MiB each: every one fits the limit, together they do not.
    const tar = Readable.from((function* () {
      for (let index = 0; index < 64; index += 1) yield* [header, zeros];
    })());
    const gzip = tar.pipe(createGzip({ level: 1 }));
    const budget = budgetOf({ maxUncompressedBytes: 16 * 1024 * 1024 });
    await assert.rejects(
      collect(readLayerEntries(gzip, { budget, layerName: 'bomb' })),
      isError('LIMIT', /image exceeds the limit of 16777216 uncompressed bytes/),
    );
    assert.ok(budget.bytes < 17 * 1024 * 1024);
  });

  it('reports a truncated layer as INPUT naming the layer', async () => {
    const gzip = gzipSync(buildTar(LAYER));
    await assert.rejects(readLayer(gzip.subarray(0, gzip.length - 10)), isError('INPUT', /^layer 0 \(sha256:abc\): corrupt gzip data/));
    await assert.rejects(readLayer(buildTar(LAYER).subarray(0, 1100)), isError('INPUT', /^layer 0 \(sha256:abc\): truncated tar/));
  });

  it('reads a GNU tar of a real directory exactly as the directory itself', async () => {
    const root = '/usr/share/doc';
    // GNU tar sorts names bytewise within each directory, as the directory reader does.
    const child = spawn('tar', ['--sort=name', '-C', root, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', (error) => reject(new Error(`GNU tar is required: install the Debian package "tar" (${error.message})`)));
      child.on('close', resolve);
    });
    const fromTar = await collect(readLayerEntries(child.stdout, { budget: budgetOf(), layerName: 'doc' }));
    assert.equal(await exited, 0);
    const fromDirectory = await collect(readDirectoryEntries(root, { budget: budgetOf() }));
    assert.ok(fromTar.length > 100, `only ${fromTar.length} entries`);
    assert.deepEqual(fromTar, fromDirectory);
    const byPath = (a: Seen, b: Seen): number => (a.path < b.path ? -1 : 1);
    assert.deepEqual([...fromTar].sort(byPath), listTree(root).sort(byPath));
  });
});

/**
 * An independent listing of a tree with plain synchronous fs calls, to check the readers against.
 * (readdirSync's own `recursive` option descends into symlinked directories, so it is not used.)
 */
function listTree(root: string, prefix = ''): Seen[] {
  return readdirSync(join(root, prefix)).flatMap((name): Seen[] => {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const full = join(root, path);
    const stats = lstatSync(full);
    const mode = stats.mode & 0o7777;
    if (stats.isDirectory()) return [{ path, type: 'directory', size: 0, mode }, ...listTree(root, path)];
    if (stats.isSymbolicLink()) return [{ path, type: 'symlink', size: 0, mode, linkname: readlinkSync(full) }];
    if (stats.isFile()) {
      return [{ path, type: 'file', size: stats.size, mode, sha256: createHash('sha256').update(readFileSync(full)).digest('hex') }];
    }
    return [{ path, type: 'other', size: 0, mode }];
  });
}
