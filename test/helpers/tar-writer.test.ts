import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { buildTar } from './tar-writer.ts';

/** GNU tar is the reference: what it lists is what the writer wrote. */
function gnuTar(args: string[], input: Buffer): string {
  const result = spawnSync('tar', args, { input });
  assert.equal(result.error, undefined, 'GNU tar is required: install the Debian package "tar"');
  assert.equal(result.status, 0, result.stderr?.toString());
  return result.stdout.toString();
}

describe('buildTar', () => {
  it('writes archives GNU tar reads back, long names and hostile paths included', () => {
    const longName = `deep/${'n'.repeat(150)}`;
    const longLink = `/${'t'.repeat(120)}`;
    const tar = buildTar([
      { path: 'dir/', type: 'dir' },
      { path: 'dir/file', content: 'hello', mode: 0o750 },
      { path: longName, content: Buffer.from([1, 2, 3]) },
      { path: 'link', type: 'symlink', linkname: longLink },
      { path: 'hard', type: 'hardlink', linkname: 'dir/file' },
      { path: '../escape', content: 'x' },
    ]);
    assert.equal(tar.length % 512, 0);
    const listing = gnuTar(['--numeric-owner', '-tvf', '-'], tar).trim().split('\n');
    assert.deepEqual(
      listing.map((line) => line.split(/\s+/).filter((_, index) => index !== 1 && index !== 3 && index !== 4).join(' ')),
      [
        'drwxr-xr-x 0 dir/',
        '-rwxr-x--- 5 dir/file',
        `-rw-r--r-- 3 ${longName}`,
        `lrwxrwxrwx 0 link -> ${longLink}`,
        'hrw-r--r-- 0 hard link to dir/file',
        '-rw-r--r-- 1 ../escape',
      ],
    );
    assert.equal(gnuTar(['-xOf', '-', 'dir/file'], tar), 'hello');
  });
});
