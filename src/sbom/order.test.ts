import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makePackage } from './testing.ts';
import { comparePackages, mergeByPurl, packageKey, sortPackages } from './order.ts';

describe('sortPackages', () => {
  it('orders by type, namespace, name, version, purl', () => {
    const packages = [
      makePackage({ type: 'npm', name: 'b', version: '1.0.0' }),
      makePackage({ type: 'deb', name: 'z', version: '1.0.0' }),
      makePackage({ type: 'npm', namespace: '@a', name: 'a', version: '1.0.0' }),
      makePackage({ type: 'npm', name: 'a', version: '2.0.0' }),
      makePackage({ type: 'npm', name: 'a', version: '1.0.0', purl: 'pkg:npm/a@1.0.0?x=2' }),
      makePackage({ type: 'npm', name: 'a', version: '1.0.0', purl: 'pkg:npm/a@1.0.0?x=1' }),
    ];
    const order = sortPackages(packages).map((p) => `${p.type} ${p.namespace ?? '-'} ${p.name} ${p.version} ${p.purl}`);
    assert.deepEqual(order, [
      'deb - z 1.0.0 pkg:deb/z@1.0.0',
      'npm - a 1.0.0 pkg:npm/a@1.0.0?x=1',
      'npm - a 1.0.0 pkg:npm/a@1.0.0?x=2',
      'npm - a 2.0.0 pkg:npm/a@2.0.0',
      'npm - b 1.0.0 pkg:npm/b@1.0.0',
      'npm @a a 1.0.0 pkg:npm/a@1.0.0',
    ]);
  });

  it('compares by code unit, not by locale: upper case before lower case, accents after z', () => {
    const names = sortPackages(['é', 'z', 'a', 'Z', 'B'].map((name) => makePackage({ name, version: '1' }))).map((p) => p.name);
    assert.deepEqual(names, ['B', 'Z', 'a', 'z', 'é']);
  });

  it('does not change its input', () => {
    const packages = [makePackage({ name: 'b', version: '1' }), makePackage({ name: 'a', version: '1' })];
    sortPackages(packages);
    assert.deepEqual(packages.map((p) => p.name), ['b', 'a']);
  });

  it('puts the earlier layer first when the identity is the same', () => {
    const late = makePackage({ name: 'a', version: '1', layer: { index: 3 } });
    const early = makePackage({ name: 'a', version: '1', layer: { index: 1 } });
    assert.ok(comparePackages(early, late) < 0);
    assert.ok(comparePackages(late, early) > 0);
  });
});

describe('mergeByPurl', () => {
  it('keeps one package per purl, from the earliest layer, with the union of locations', () => {
    const merged = mergeByPurl([
      makePackage({ name: 'a', version: '1', layer: { index: 2 }, locations: ['z/package.json', 'shared'] }),
      makePackage({ name: 'b', version: '1' }),
      makePackage({ name: 'a', version: '1', layer: { index: 0 }, locations: ['shared', 'b/package.json'] }),
    ]);
    assert.equal(merged.length, 2);
    const [a, b] = merged;
    assert.equal(a?.name, 'a');
    assert.equal(a?.layer?.index, 0);
    assert.deepEqual(a?.locations, ['b/package.json', 'shared', 'z/package.json']);
    assert.equal(b?.name, 'b');
  });

  it('gives the same result whatever the input order', () => {
    const packages = [
      makePackage({ name: 'a', version: '1', layer: { index: 1 }, locations: ['x'] }),
      makePackage({ name: 'a', version: '1', layer: { index: 0 }, locations: ['y'] }),
      makePackage({ name: 'c', version: '1' }),
    ];
    assert.deepEqual(mergeByPurl(packages), mergeByPurl([...packages].reverse()));
  });

  it('does not modify the packages it was given', () => {
    const original = makePackage({ name: 'a', version: '1', locations: ['one'] });
    mergeByPurl([original, makePackage({ name: 'a', version: '1', locations: ['two'] })]);
    assert.deepEqual(original.locations, ['one']);
  });
});

describe('packageKey', () => {
  it('is the purl, or a portcullis: key for a package without one', () => {
    assert.equal(packageKey(makePackage({ name: 'a', version: '1' })), 'pkg:npm/a@1');
    assert.equal(packageKey(makePackage({ name: 'a', namespace: '@s', version: '1', purl: '' })), 'portcullis:package/npm/@s/a@1');
  });
});
