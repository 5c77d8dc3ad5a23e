import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { loadDockerfileConfig, parseAllowedRegistries, parseDockerfileConfig } from './config.ts';

function failsWith(code: PortcullisError['code'], pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message);
}

describe('lint configuration', () => {
  it('reads allowed registries from YAML, normalised', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'portcullis-lint-config-'));
    try {
      const path = join(directory, 'lint.yaml');
      await writeFile(path, 'dockerfile:\n  allowedRegistries:\n    - GHCR.io/acme/\n    - index.docker.io/library\n');
      assert.deepEqual(await loadDockerfileConfig(path), { allowedRegistries: ['ghcr.io/acme', 'docker.io/library'] });
      await writeFile(path, 'a: &x [1]\nb: *x\n');
      await assert.rejects(loadDockerfileConfig(path), failsWith('INPUT', /not valid YAML/));
      await assert.rejects(loadDockerfileConfig(join(directory, 'missing.yaml')), failsWith('NOT_FOUND', /cannot read/));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('reports every bad field at once', () => {
    assert.throws(
      () => parseDockerfileConfig({ dockerfile: { allowedRegistries: ['library/alpine', 7], allowedRegistry: [] }, extra: 1 }, 'lint.yaml'),
      failsWith('INPUT', /^lint\.yaml: unknown key extra; unknown key dockerfile\.allowedRegistry; .*\[0\] must be a registry host.*; .*\[1\] must be a registry host/),
    );
    assert.throws(() => parseDockerfileConfig(['x'], 'c'), failsWith('INPUT', /\(top level\) must be a mapping/));
    assert.throws(() => parseDockerfileConfig({ dockerfile: { allowedRegistries: 'ghcr.io' } }, 'c'), failsWith('INPUT', /must be a list/));
    assert.deepEqual(parseDockerfileConfig(null, 'c'), {});
  });

  it('parses --allowed-registries', () => {
    assert.deepEqual(parseAllowedRegistries('ghcr.io/acme, localhost:5000'), ['ghcr.io/acme', 'localhost:5000']);
    assert.throws(() => parseAllowedRegistries('ghcr.io,,acme'), failsWith('USAGE', /entry 2/));
  });
});
