import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OCI_MANIFEST } from '../oci/index.ts';
import { RegistryError } from './errors.ts';
import { openRegistry } from './open.ts';
import type { RegistryService } from './service.ts';
import { manifestBytes, pushBlob } from './testing.ts';

const denied = (error: unknown) => error instanceof RegistryError && error.registryCode === 'DENIED' && /immutable \(rule release tags\)/.test(error.message);

describe('tag guard', () => {
  let dataDir: string;
  let registry: RegistryService;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-tag-guard-'));
    registry = await openRegistry({ dataDir, tagGuard: (_repository, tag) => (tag.startsWith('v') ? 'release tags' : undefined) });
  });
  after(async () => {
    await registry.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function manifest(seed: string): Promise<Buffer> {
    const config = await pushBlob(registry, 'app', JSON.stringify({ seed }), 'application/vnd.oci.image.config.v1+json');
    return manifestBytes(config, [await pushBlob(registry, 'app', `layer ${seed}`)]);
  }

  it('lets exactly one of several concurrent first pushes of a protected tag win', async () => {
    const documents = await Promise.all(['a', 'b', 'c', 'd'].map(manifest));
    const results = await Promise.allSettled(documents.map((bytes) => registry.manifests.put('app', 'v1', bytes, OCI_MANIFEST)));
    const won = results.filter((result) => result.status === 'fulfilled');
    assert.equal(won.length, 1);
    assert.ok(results.filter((result) => result.status === 'rejected').every((result) => denied(result.reason)));
    assert.equal((await registry.manifests.get('app', 'v1')).digest, won[0]?.value.digest);
  });

  it('allows re-pushing the same digest and moving unprotected tags; refuses deletes of protected ones', async () => {
    const bytes = await manifest('same');
    const { digest } = await registry.manifests.put('app', 'v2', bytes, OCI_MANIFEST);
    assert.equal((await registry.manifests.put('app', 'v2', bytes, OCI_MANIFEST)).digest, digest);
    await registry.manifests.put('app', 'latest', bytes, OCI_MANIFEST);
    await registry.manifests.put('app', 'latest', await manifest('other'), OCI_MANIFEST);
    await registry.manifests.delete('app', 'latest');
    await assert.rejects(registry.manifests.delete('app', 'v2'), denied);
    await assert.rejects(registry.manifests.delete('app', digest), denied);
    assert.equal((await registry.manifests.get('app', 'v2')).digest, digest);
    await assert.rejects(registry.deleteRepository('app'), denied);
    assert.equal((await registry.manifests.get('app', 'v2')).digest, digest, 'nothing was deleted');
  });
});
