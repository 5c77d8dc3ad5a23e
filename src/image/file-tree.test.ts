import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileTree, type TreeNode } from './file-tree.ts';

const file = (layer: number, data = 'x'): TreeNode<string> => ({ kind: 'file', layer, data });
const link = (layer: number, linkname: string): TreeNode<string> => ({ kind: 'symlink', layer, linkname });

test('symlinks resolve inside the root: absolute, relative and climbing above /', () => {
  const tree = new FileTree<string>();
  tree.set('usr/lib/os-release', file(0, 'real'));
  tree.set('etc/os-release', link(0, '../usr/lib/os-release'));
  tree.set('etc/abs', link(0, '/usr/lib/os-release'));
  tree.set('etc/climb', link(0, '../../../../usr/lib/os-release'));
  for (const path of ['etc/os-release', 'etc/abs', 'etc/climb']) {
    assert.equal(tree.get(path)?.data, 'real', path);
    assert.equal(tree.canonicalPath(path), 'usr/lib/os-release', path);
  }
});

test('symlink escapes never leave the root and loops end', () => {
  const tree = new FileTree<string>();
  tree.set('a', link(0, 'b'));
  tree.set('b', link(0, 'a'));
  tree.set('self', link(0, 'self'));
  tree.set('out', link(0, '../../etc/passwd'));
  assert.equal(tree.resolve('a'), undefined);
  assert.equal(tree.resolve('self/x'), undefined);
  assert.equal(tree.resolve('out'), undefined, 'etc/passwd does not exist inside the root');
  tree.set('etc/passwd', file(0, 'inside'));
  assert.equal(tree.get('out')?.data, 'inside');
});

test('entries written through a directory symlink land in its target (merged /usr)', () => {
  const tree = new FileTree<string>();
  tree.set('usr/lib', { kind: 'directory', layer: 0 });
  tree.set('lib', link(0, 'usr/lib'));
  tree.set('lib/x.so', file(1));
  assert.equal(tree.get('usr/lib/x.so')?.layer, 1);
  assert.equal(tree.canonicalPath('lib/x.so'), 'usr/lib/x.so');
});

test('whiteouts delete a subtree; opaque markers empty a directory but keep it', () => {
  const tree = new FileTree<string>();
  tree.set('app/a/one', file(0));
  tree.set('app/a/two', file(0));
  tree.set('app/b', file(0));
  tree.delete('app/a');
  assert.equal(tree.get('app/a/one'), undefined);
  assert.ok(tree.get('app/b'));
  tree.clear('app');
  assert.equal(tree.get('app')?.kind, 'directory');
  assert.equal(tree.get('app/b'), undefined);
});

test('a directory written again keeps its children; walk is sorted and complete', () => {
  const tree = new FileTree<string>();
  tree.set('d/z', file(0));
  tree.set('d/a', file(0));
  tree.set('d', { kind: 'directory', layer: 1 });
  assert.deepEqual(
    [...tree.walk()].map((entry) => entry.path),
    ['d', 'd/a', 'd/z'],
  );
});

test('a file replaced by a later layer shows the later node', () => {
  const tree = new FileTree<string>();
  tree.set('etc/conf', file(0, 'old'));
  tree.set('etc/conf', file(2, 'new'));
  assert.equal(tree.get('etc/conf')?.data, 'new');
  assert.equal(tree.get('etc/conf')?.layer, 2);
});
