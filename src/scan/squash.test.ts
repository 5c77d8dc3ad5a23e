import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileTree, type WalkEntry } from '../image/index.ts';
import type { ExtractorOutput } from './extractor-dispatch.ts';
import { LayerChanges, introducingLayer, packageKey, type FileData } from './squash.ts';

const file = (path: string): WalkEntry => ({ path, type: 'file', size: 1, mode: 0o644 });
const hardlink = (path: string, linkname: string): WalkEntry => ({ path, type: 'hardlink', size: 0, mode: 0o644, linkname });
const whiteout = (path: string): WalkEntry => ({ path, type: 'whiteout', size: 0, mode: 0 });
const declares = (name: string, version: string, location: string): ExtractorOutput[] => [
  { extractor: 'lang/npm-installed', result: { packages: [{ type: 'npm', name, version, locations: [location] }] } },
];

function names(tree: FileTree<FileData>): string[] {
  return [...tree.walk()].flatMap(({ path, node }) => (node.data ? node.data.outputs.flatMap((o) => o.result.packages.map((p) => `${path}:${p.name}@${p.version}:${p.locations.join()}`)) : []));
}

test('a hard link declares what its target declares, in the same layer or a lower one', () => {
  const tree = new FileTree<FileData>();
  const base = new LayerChanges(0);
  base.add(file('a/package.json'), declares('left-pad', '1.3.0', 'a/package.json'));
  base.add(hardlink('b/package.json', 'a/package.json'), []);
  base.applyTo(tree);
  const upper = new LayerChanges(1);
  upper.add(hardlink('c/package.json', 'a/package.json'), []);
  upper.applyTo(tree);
  assert.deepEqual(names(tree), [
    'a/package.json:left-pad@1.3.0:a/package.json',
    'b/package.json:left-pad@1.3.0:b/package.json',
    'c/package.json:left-pad@1.3.0:c/package.json',
  ]);
});

test('a whiteout hides the lower layer only, whatever its place in the tar', () => {
  const tree = new FileTree<FileData>();
  const base = new LayerChanges(0);
  base.add(file('app/package.json'), declares('old', '1.0.0', 'app/package.json'));
  base.applyTo(tree);
  const upper = new LayerChanges(1);
  upper.add(file('app/package.json'), declares('new', '2.0.0', 'app/package.json'));
  upper.add(whiteout('app/package.json'), []);
  upper.applyTo(tree);
  assert.deepEqual(names(tree), ['app/package.json:new@2.0.0:app/package.json']);
});

test('a package keeps the layer that introduced it while later layers rewrite its file', () => {
  const tree = new FileTree<FileData>();
  for (const [layer, packages] of [[0, ['a']], [1, ['a', 'b']], [2, ['a', 'b']]] as const) {
    const changes = new LayerChanges(layer);
    changes.add(file('var/lib/dpkg/status'), [
      { extractor: 'os/dpkg', result: { packages: packages.map((name) => ({ type: 'deb' as const, name, version: '1', locations: ['var/lib/dpkg/status'] })) } },
    ]);
    changes.applyTo(tree);
  }
  const data = tree.get('var/lib/dpkg/status')!.data!;
  assert.equal(introducingLayer(data, packageKey({ type: 'deb', name: 'a', version: '1' })), 0);
  assert.equal(introducingLayer(data, packageKey({ type: 'deb', name: 'b', version: '1' })), 1);
  assert.equal(introducingLayer(data, packageKey({ type: 'deb', name: 'c', version: '1' })), undefined);
});
