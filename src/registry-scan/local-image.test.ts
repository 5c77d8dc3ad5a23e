/**
 * Hostile images held by the registry: each is refused with a clear PortcullisError naming the
 * image, never a crash or an unbounded read.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { OCI_INDEX, OCI_MANIFEST } from '../oci/index.ts';
import { openTestRegistry, type TestRegistry } from '../registry/testing.ts';
import { inventoryOf } from '../scan/inventory.ts';
import { PortcullisError } from '../core/index.ts';
import { openLocalImage } from './local-image.ts';
import { buildNpmImage, pushBuilt } from './testing.ts';

async function* chunks(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

describe('openLocalImage', () => {
  let test: TestRegistry;
  before(async () => {
    test = await openTestRegistry();
  });
  after(() => test.close());

  async function blob(repository: string, bytes: Buffer, mediaType: string): Promise<{ mediaType: string; digest: string; size: number }> {
    const digest = sha256(bytes);
    const upload = await test.registry.uploads.start(repository);
    await test.registry.uploads.complete(repository, upload.id, digest, { body: chunks(bytes), headers: {} });
    return { mediaType, digest, size: bytes.length };
  }

  async function manifest(repository: string, config: object, layers: object[], extra: object = {}): Promise<string> {
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers, ...extra }));
    return (await test.registry.manifests.put(repository, sha256(bytes), bytes, OCI_MANIFEST)).digest;
  }

  async function assertRefused(repository: string, digest: string, code: PortcullisError['code'], pattern: RegExp, limits?: { maxManifestBytes: number }): Promise<void> {
    await assert.rejects(
      async () => {
        const image = await openLocalImage(test.registry, repository, digest, limits);
        try {
          await inventoryOf(image);
        } finally {
          await image.close();
        }
      },
      // Errors opening the image name it; errors reading a layer name the layer (the scan worker adds the image).
      (error: unknown) =>
        error instanceof PortcullisError &&
        error.code === code &&
        (error.message.startsWith(`${repository}@${digest}: `) || /^layer \d+ \(sha256:[0-9a-f]{64}\)/.test(error.message)) &&
        pattern.test(error.message),
    );
  }

  it('reads a pushed image and its packages straight from the blob store', async () => {
    const digest = await pushBuilt(test.registry, 'ok/app', '1', buildNpmImage({ lodash: '4.17.20' }));
    const image = await openLocalImage(test.registry, 'ok/app', digest);
    try {
      assert.equal(image.manifestDigest, digest);
      assert.equal(image.platform.architecture, 'amd64');
      const inventory = await inventoryOf(image);
      assert.ok(inventory.packages.some((pkg) => pkg.name === 'lodash' && pkg.version === '4.17.20'));
    } finally {
      await image.close();
    }
  });

  it('refuses a config that is not JSON', async () => {
    const config = await blob('bad/config', Buffer.from('{"os": "linux", '), 'application/vnd.oci.image.config.v1+json');
    const layer = await blob('bad/config', Buffer.alloc(1024), 'application/vnd.oci.image.layer.v1.tar');
    await assertRefused('bad/config', await manifest('bad/config', config, [layer]), 'INPUT', /config/);
  });

  it('refuses a config over the size limit before reading it', async () => {
    const big = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] }, pad: 'x'.repeat(4096) }));
    const config = await blob('bad/big', big, 'application/vnd.oci.image.config.v1+json');
    await assertRefused('bad/big', await manifest('bad/big', config, []), 'LIMIT', /over the limit/, { maxManifestBytes: 1024 });
  });

  it('refuses OCI artifacts and indexes as not images', async () => {
    const empty = await blob('bad/artifact', Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
    const sbom = await blob('bad/artifact', Buffer.from('{"bomFormat":"CycloneDX"}'), 'application/vnd.cyclonedx+json');
    await assertRefused('bad/artifact', await manifest('bad/artifact', empty, [sbom], { artifactType: 'application/vnd.cyclonedx+json' }), 'UNSUPPORTED', /not a container image config/);

    const child = await pushBuilt(test.registry, 'bad/index', 'child', buildNpmImage({ ws: '7.4.0' }));
    const childBytes = (await test.registry.manifests.get('bad/index', child)).content;
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: child, size: childBytes.length }] }));
    const { digest } = await test.registry.manifests.put('bad/index', 'multi', index, OCI_INDEX);
    await assertRefused('bad/index', digest, 'UNSUPPORTED', /image index/);
  });

  it('refuses a layer that is not a tar stream, and one whose config disagrees on the layer count', async () => {
    const config = await blob('bad/layer', Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] } })), 'application/vnd.oci.image.config.v1+json');
    const gzipLie = await blob('bad/layer', Buffer.from('\u0000\u0001 not gzip, not tar'), 'application/vnd.oci.image.layer.v1.tar+gzip');
    await assertRefused('bad/layer', await manifest('bad/layer', config, [gzipLie]), 'INPUT', /layer/);
    await assertRefused('bad/layer', await manifest('bad/layer', config, [gzipLie, gzipLie]), 'INPUT', /diff_ids/);
  });

  it('names the manifest that does not exist', async () => {
    await assert.rejects(openLocalImage(test.registry, 'ok/app', `sha256:${'2'.repeat(64)}`), (error: unknown) => error instanceof PortcullisError && /ok\/app@sha256:2{64}: .*not found/.test(error.message));
  });
});
