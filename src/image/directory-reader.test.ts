import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { createReadBudget } from './budget.ts';
import { readDirectoryEntries } from './directory-reader.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import type { ReadLimits, WalkEntry } from './types.ts';

function temporaryRoot(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'portcullis-dir-'));
  // rm copes with trees deeper than PATH_MAX, which fs.rmSync does not.
  t.after(() => spawnSync('rm', ['-rf', root]));
  return root;
}

async function walk(
  root: string,
  limits: Partial<ReadLimits> = {},
): Promise<{ entries: Array<[string, WalkEntry['type'], string?]>; contents: Map<string, string>; warnings: string[] }> {
  const warnings: string[] = [];
  const contents = new Map<string, string>();
  const entries: Array<[string, WalkEntry['type'], string?]> = [];
  const budget = createReadBudget({ ...DEFAULT_LIMITS, ...limits });
  for await (const entry of readDirectoryEntries(root, { budget, onWarning: (message) => warnings.push(message) })) {
    entries.push(entry.linkname === undefined ? [entry.path, entry.type] : [entry.path, entry.type, entry.linkname]);
    if (entry.content !== undefined) {
      const parts: Buffer[] = [];
      for await (const chunk of entry.content()) parts.push(chunk);
      contents.set(entry.path, Buffer.concat(parts).toString());
    }
  }
  return { entries, contents, warnings };
}

describe('readDirectoryEntries', () => {
  it('walks depth-first in bytewise name order, never following symlinks', async (t) => {
    const root = temporaryRoot(t);
    mkdirSync(join(root, 'a/sub'), { recursive: true });
    writeFileSync(join(root, 'a/sub/file'), 'deep');
    writeFileSync(join(root, 'a-b'), 'dash');
    writeFileSync(join(root, 'B'), 'upper');
    mkdirSync(join(root, 'loop'));
    symlinkSync('b', join(root, 'loop/a'));
    symlinkSync('a', join(root, 'loop/b'));
    symlinkSync('/', join(root, 'to-root'));
    symlinkSync('..', join(root, 'up'));
    symlinkSync('/etc', join(root, 'etc'));
    const { entries, contents, warnings } = await walk(root);
    assert.deepEqual(entries, [
      ['B', 'file'],
      ['a', 'directory'],
      ['a/sub', 'directory'],
      ['a/sub/file', 'file'],
      ['a-b', 'file'],
      ['etc', 'symlink', '/etc'],
      ['loop', 'directory'],
      ['loop/a', 'symlink', 'b'],
      ['loop/b', 'symlink', 'a'],
      ['to-root', 'symlink', '/'],
      ['up', 'symlink', '..'],
    ]);
    assert.deepEqual(Object.fromEntries(contents), { B: 'upper', 'a/sub/file': 'deep', 'a-b': 'dash' });
    assert.deepEqual(warnings, []);
  });

  it('reports sockets and FIFOs as other, and keeps modes and sizes', async (t) => {
    const root = temporaryRoot(t);
    assert.equal(spawnSync('mkfifo', [join(root, 'fifo')]).status, 0, 'mkfifo (coreutils) is required');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, 'socket'), resolve));
    t.after(() => server.close());
    writeFileSync(join(root, 'script'), '#!/bin/sh\n');
    chmodSync(join(root, 'script'), 0o4755);
    const found: WalkEntry[] = [];
    for await (const entry of readDirectoryEntries(root, { budget: createReadBudget(DEFAULT_LIMITS) })) found.push(entry);
    assert.deepEqual(
      found.map((entry) => [entry.path, entry.type, entry.size, entry.mode, entry.content === undefined]),
      [
        ['fifo', 'other', 0, 0o644, true],
        ['script', 'file', 10, 0o4755, false],
        ['socket', 'other', 0, lstatSync(join(root, 'socket')).mode & 0o7777, true],
      ],
    );
  });

  it('reads files whose names are not UTF-8 and reports them', async (t) => {
    const root = temporaryRoot(t);
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe])]), 'bytes');
    const { entries, contents, warnings } = await walk(root);
    assert.deepEqual(entries, [['bad-\ufffd\ufffd', 'file']]);
    assert.equal(contents.get('bad-\ufffd\ufffd'), 'bytes');
    assert.match(warnings.join('\n'), /file name is not valid UTF-8/);
  });

  it('warns about entries it cannot reach and goes on with the rest', async (t) => {
    const root = temporaryRoot(t);
    // A tree deeper than PATH_MAX: made with relative paths, unreachable by absolute ones.
    const cwd = process.cwd();
    try {
      process.chdir(root);
      for (let depth = 0; depth < 20; depth += 1) {
        mkdirSync('d'.repeat(250));
        process.chdir('d'.repeat(250));
      }
      writeFileSync('leaf', 'unreachable');
    } finally {
      process.chdir(cwd);
    }
    writeFileSync(join(root, 'z-after'), 'after');
    const { entries, contents, warnings } = await walk(root);
    assert.ok(warnings.some((warning) => /cannot (stat|list directory) .*name too long/i.test(warning)), warnings.join('\n'));
    assert.equal(entries.at(-1)?.[0], 'z-after');
    assert.equal(contents.get('z-after'), 'after');
  });

  it('does not follow a file swapped for a symlink after it was listed', async (t) => {
    const root = temporaryRoot(t);
    writeFileSync(join(root, 'file'), 'original');
    const warnings: string[] = [];
    const budget = createReadBudget(DEFAULT_LIMITS);
    for await (const entry of readDirectoryEntries(root, { budget, onWarning: (message) => warnings.push(message) })) {
      unlinkSync(join(root, 'file'));
      symlinkSync('/etc/passwd', join(root, 'file'));
      const parts: Buffer[] = [];
      for await (const chunk of entry.content?.() ?? []) parts.push(chunk);
      assert.equal(Buffer.concat(parts).length, 0);
    }
    assert.match(warnings.join('\n'), /cannot read file: .*ELOOP/);
  });

  it('counts entries and read bytes against the budget', async (t) => {
    const root = temporaryRoot(t);
    for (const name of ['a', 'b', 'c']) writeFileSync(join(root, name), 'x'.repeat(100));
    await assert.rejects(walk(root, { maxEntries: 2 }), (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT');
    await assert.rejects(
      walk(root, { maxUncompressedBytes: 250 }),
      (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT' && /250 uncompressed bytes/.test(error.message),
    );
    assert.equal((await walk(root, { maxEntries: 3, maxUncompressedBytes: 300 })).contents.size, 3);
  });

  it('rejects a missing root or a root that is not a directory', async (t) => {
    const root = temporaryRoot(t);
    writeFileSync(join(root, 'file'), '');
    const code = (expected: string) => (error: unknown) => error instanceof PortcullisError && error.code === expected;
    await assert.rejects(walk(join(root, 'missing')), code('NOT_FOUND'));
    await assert.rejects(walk(join(root, 'file')), code('INPUT'));
  });
});
