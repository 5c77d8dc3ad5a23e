import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OCI_MANIFEST } from '../oci/index.ts';
import { type TestRegistry, manifestBytes, openTestRegistry, pushBlob, pushImage } from '../registry/testing.ts';
import { LocalFacts } from './local-facts.ts';

describe('LocalFacts', () => {
  let test: TestRegistry;
  let configReads: string[];
  beforeEach(async () => {
    test = await openTestRegistry();
    configReads = [];
    const readBlob = test.registry.readBlob.bind(test.registry);
    test.registry.readBlob = async (repository, digest, range) => {
      configReads.push(digest);
      return readBlob(repository, digest, range);
    };
  });
  afterEach(async () => {
    await test.close();
  });

  it('resolves a tag to its digest and refuses an unknown one', async () => {
    const facts = new LocalFacts({ registry: test.registry });
    const { digest } = await pushImage(test.registry, 'team/app', 'v1', 'a');
    assert.equal(await facts.resolve('team/app', 'v1'), digest);
    await assert.rejects(facts.resolve('team/app', 'v2'), (error: Error & { code?: string }) => error.code === 'NOT_FOUND' && /v2/.test(error.message));
  });

  it('reads an image config once for its creation time, and once only when it has none to read', async () => {
    const facts = new LocalFacts({ registry: test.registry });
    const config = await pushBlob(test.registry, 'team/app', JSON.stringify({ created: '2026-01-02T03:04:05Z', architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }), 'application/vnd.oci.image.config.v1+json');
    const { digest: dated } = await test.registry.manifests.put('team/app', 'dated', manifestBytes(config, []), OCI_MANIFEST);
    const { digest: undated, config: unreadable } = await pushImage(test.registry, 'team/app', 'undated', 'not an image config');
    for (let round = 0; round < 3; round++) {
      assert.equal((await facts.gather('team/app', dated, 'registry.test/team/app', [])).createdAt, '2026-01-02T03:04:05Z');
      assert.equal((await facts.gather('team/app', undated, 'registry.test/team/app', [])).createdAt, undefined);
    }
    assert.deepEqual(configReads, [config.digest, unreadable.digest], 'each config was read once over three rounds');
  });
});
