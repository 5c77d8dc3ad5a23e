import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { requirementsExtractor } from './index.ts';

const requirements = readFileSync(new URL('./testdata/requirements/requirements.txt', import.meta.url), 'utf8');
const path = 'app/requirements.txt';
const locations = [path];

test('fileRequired accepts requirements*.txt', () => {
  const accepts = (candidate: string) => requirementsExtractor.fileRequired({ path: candidate, size: 1, mode: 0o644 });
  assert.ok(accepts('requirements.txt'));
  assert.ok(accepts('app/requirements-dev.txt'));
  assert.ok(accepts('app/requirements_prod.txt'));
  assert.ok(!accepts('app/requirements.in'));
  assert.ok(!accepts('app/dev-requirements.txt.bak'));
  assert.ok(!accepts('app/constraints.txt'));
});

test('only exact pins are packages; extras, markers, hashes and comments are stripped', async () => {
  const { result, warnings } = await runExtractor(requirementsExtractor, path, requirements);
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'pypi', name: 'Django', version: '4.2.7', locations },
    { type: 'pypi', name: 'requests', version: '2.31.0', locations },
    { type: 'pypi', name: 'urllib3', version: '2.0.7', locations },
    { type: 'pypi', name: 'importlib-metadata', version: '6.8.0', locations },
    { type: 'pypi', name: 'torch', version: '2.1.0+cpu', locations },
    { type: 'pypi', name: 'zope.interface', version: '6.1', locations },
  ]);
});

test('lines that look almost pinned are not packages', async () => {
  const content = ['a==', '==1.0', 'b == 1.0 == 2.0', 'c==1.0,<2', '-e d==1.0', '#e==1.0', 'f!=1.0', 'g==1.0#not-a-comment'].join('\n');
  const { result } = await runExtractor(requirementsExtractor, path, content);
  assert.deepEqual(result.packages, []);
});

test('hostile input: very long lines and many lines stay linear', async () => {
  const content = `${'x'.repeat(1_000_000)}==1\n${'pkg==1.0\n'.repeat(100_000)}${'a'.repeat(50_000)}=${'='.repeat(50_000)}\na${' '.repeat(200_000)}b\n`;
  const started = performance.now();
  const { result } = await runExtractor(requirementsExtractor, path, content);
  assert.ok(performance.now() - started < 5000);
  assert.deepEqual(result.packages.map((pkg) => pkg.name), [`${'x'.repeat(1_000_000)}`, 'pkg']);
});

describeHostileInputs(requirementsExtractor, path, requirements);
