import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { dotnetDepsExtractor } from './index.ts';

const depsJson = readFileSync(new URL('./testdata/webapi/WebApi.deps.json', import.meta.url), 'utf8');
const path = 'app/WebApi.deps.json';
const locations = [path];

test('fileRequired accepts *.deps.json', () => {
  assert.ok(dotnetDepsExtractor.fileRequired({ path, size: 1, mode: 0o644 }));
  assert.ok(dotnetDepsExtractor.fileRequired({ path: 'usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json', size: 1, mode: 0o644 }));
  assert.ok(!dotnetDepsExtractor.fileRequired({ path: 'app/WebApi.runtimeconfig.json', size: 1, mode: 0o644 }));
});

test('package libraries are NuGet packages, project libraries are roots, runtime entries skipped', async () => {
  const { result, warnings } = await runExtractor(dotnetDepsExtractor, path, depsJson);
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'nuget', name: 'WebApi', version: '1.0.0', isRoot: true, locations },
    { type: 'nuget', name: 'Newtonsoft.Json', version: '13.0.3', locations },
    { type: 'nuget', name: 'Serilog.AspNetCore', version: '8.0.0', locations },
    { type: 'nuget', name: 'WebApi.Domain', version: '1.0.0', isRoot: true, locations },
  ]);
});

test('malformed keys, missing types and wrong shapes are warnings; the rest is kept', async () => {
  const manifest = {
    libraries: {
      'NoVersion/': { type: 'package' },
      '/1.0.0': { type: 'package' },
      NoSlash: { type: 'package' },
      'Untyped/1.0.0': {},
      'Scalar/1.0.0': 'package',
      'Good/2.0.0': { type: 'package' },
    },
  };
  const { result, warnings } = await runExtractor(dotnetDepsExtractor, path, JSON.stringify(manifest));
  assert.deepEqual(result.packages, [{ type: 'nuget', name: 'Good', version: '2.0.0', locations }]);
  assert.equal(warnings.length, 5);
  for (const content of ['{}', '{"libraries": []}', '[]', '{"libraries":', '"x"']) {
    const bad = await runExtractor(dotnetDepsExtractor, path, content);
    assert.deepEqual(bad.result.packages, [], content);
    assert.equal(bad.warnings.length, 1, content);
  }
});

test('__proto__ library keys pollute nothing', async () => {
  const content = '{"libraries":{"__proto__/1.0.0":{"type":"package"},"__proto__":{"polluted":1}}}';
  const { result } = await runExtractor(dotnetDepsExtractor, path, content);
  assert.deepEqual(result.packages.map((pkg) => pkg.name), ['__proto__']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

describeHostileInputs(dotnetDepsExtractor, path, depsJson);
