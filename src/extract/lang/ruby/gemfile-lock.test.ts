import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { gemfileLockExtractor } from './index.ts';

const lockFile = readFileSync(new URL('./testdata/gemfile-lock/Gemfile.lock', import.meta.url), 'utf8');
const path = 'srv/billing/Gemfile.lock';
const locations = [path];

test('fileRequired accepts Gemfile.lock and gems.locked', () => {
  assert.ok(gemfileLockExtractor.fileRequired({ path, size: 1, mode: 0o644 }));
  assert.ok(gemfileLockExtractor.fileRequired({ path: 'app/gems.locked', size: 1, mode: 0o644 }));
  assert.ok(!gemfileLockExtractor.fileRequired({ path: 'app/Gemfile', size: 1, mode: 0o644 }));
});

test('GEM and GIT specs are packages, PATH specs are roots, platforms move to metadata', async () => {
  const { result, warnings } = await runExtractor(gemfileLockExtractor, path, lockFile);
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'gem', name: 'feature_flags', version: '0.4.0', locations },
    { type: 'gem', name: 'billing', version: '1.2.0', isRoot: true, locations },
    { type: 'gem', name: 'actionpack', version: '7.0.8', locations },
    { type: 'gem', name: 'activesupport', version: '7.0.8', locations },
    { type: 'gem', name: 'concurrent-ruby', version: '1.2.2', locations },
    { type: 'gem', name: 'nokogiri', version: '1.15.4', metadata: { platform: 'x86_64-linux' }, locations },
    { type: 'gem', name: 'racc', version: '1.7.1', locations },
    { type: 'gem', name: 'rack', version: '2.2.8', locations },
    { type: 'gem', name: 'rails', version: '7.0.8', locations },
    { type: 'gem', name: 'rake', version: '13.0.6.pre.1', locations },
  ]);
});

test('CRLF line ends read the same', async () => {
  const crlf = await runExtractor(gemfileLockExtractor, path, lockFile.replaceAll('\n', '\r\n'));
  const lf = await runExtractor(gemfileLockExtractor, path, lockFile);
  assert.deepEqual(crlf, lf);
});

test('unreadable spec lines are counted in one warning; the rest is kept', async () => {
  const content = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    good (1.0)\n    broken 1.0\n    (2.0)\n    also (broken\n\nDEPENDENCIES\n  good\n';
  const { result, warnings } = await runExtractor(gemfileLockExtractor, path, content);
  assert.deepEqual(result.packages, [{ type: 'gem', name: 'good', version: '1.0', locations }]);
  assert.deepEqual(warnings, ['3 unreadable spec line(s) in Gemfile.lock ignored']);
});

test('spec-like lines outside source sections are not packages', async () => {
  const content = 'DEPENDENCIES\n  specs:\n    fake (1.0)\nPLATFORMS\n    other (2.0)\n';
  const { result } = await runExtractor(gemfileLockExtractor, path, content);
  assert.deepEqual(result.packages, []);
});

describeHostileInputs(gemfileLockExtractor, path, lockFile);
