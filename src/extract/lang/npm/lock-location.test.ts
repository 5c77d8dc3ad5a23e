import { test } from 'node:test';
import assert from 'node:assert/strict';
import { npmLockExtractor, pnpmLockExtractor, yarnLockExtractor } from './index.ts';

const file = (path: string) => ({ path, size: 100, mode: 0o644 });

test('lock files an installed package ships for its own development are not read', () => {
  for (const [extractor, name] of [
    [npmLockExtractor, 'package-lock.json'],
    [yarnLockExtractor, 'yarn.lock'],
    [pnpmLockExtractor, 'pnpm-lock.yaml'],
  ] as const) {
    assert.equal(extractor.fileRequired(file(`app/${name}`)), true, `app/${name}`);
    assert.equal(extractor.fileRequired(file(name)), true, name);
    assert.equal(extractor.fileRequired(file(`app/node_modules/combined-stream/${name}`)), false);
    assert.equal(extractor.fileRequired(file(`node_modules/@scope/pkg/${name}`)), false);
  }
});

test('a shrinkwrap file inside an installed package is read: npm honours it', () => {
  assert.equal(npmLockExtractor.fileRequired(file('usr/lib/node_modules/npm/npm-shrinkwrap.json')), true);
});
