import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { type ImageSpec, writeOciLayout } from '../../../test/helpers/image-builder.ts';
import { readImage } from '../open.ts';
import type { OpenedImage, ReadImageOptions } from '../types.ts';

const IMAGE: ImageSpec = {
  labels: { team: 'core' },
  layers: [
    { createdBy: 'ADD rootfs /', entries: [{ path: 'etc/os-release', content: 'ID=debian\n' }] },
    { compression: 'zstd', createdBy: 'RUN apt-get install curl', entries: [{ path: 'usr/bin/curl', content: 'ELF', mode: 0o755 }] },
    { compression: 'none', entries: [{ path: 'app/main.js', content: 'console.log(1)' }] },
  ],
};
const ARM: ImageSpec = { ...IMAGE, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };

let work: string;
let count = 0;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-oci-layout-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function layout(spec: Parameters<typeof writeOciLayout>[1] = IMAGE, tag?: string): Promise<string> {
  const dir = join(work, `layout${count++}`);
  await writeOciLayout(dir, spec, tag);
  return dir;
}

async function openImage(target: string, options?: ReadImageOptions): Promise<OpenedImage> {
  const opened = await readImage(target, options);
  assert.equal(opened.kind, 'image');
  return opened as OpenedImage;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const blobPath = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

async function readJson(dir: string, digest: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(blobPath(dir, digest), 'utf8'));
}

/** Stores `value` as a new blob and returns its descriptor fields. */
async function putJson(dir: string, value: unknown): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(value));
  await writeFile(blobPath(dir, sha256(bytes)), bytes);
  return { digest: sha256(bytes), size: bytes.length };
}

/** Edits the manifest (and optionally the config) and points index.json at the result. */
async function tamper(dir: string, edit: (manifest: Record<string, any>, config: Record<string, any>) => void): Promise<void> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  const manifest = await readJson(dir, index.manifests[0].digest);
  const config = await readJson(dir, manifest.config.digest);
  edit(manifest, config);
  manifest.config = { ...manifest.config, ...(await putJson(dir, config)) };
  index.manifests[0] = { ...index.manifests[0], ...(await putJson(dir, manifest)) };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

describe('OCI layout source', () => {
  it('reads manifest, config and layers, each layer verified as it streams', async () => {
    const dir = join(work, 'plain');
    const { manifestDigest } = await writeOciLayout(dir, IMAGE, 'v1');
    const image = await openImage(`oci:${dir}:v1`);
    assert.equal(image.transport, 'oci');
    assert.equal(image.manifestDigest, manifestDigest);
    assert.equal(sha256(image.manifestBytes ?? Buffer.alloc(0)), manifestDigest);
    assert.deepEqual(image.repoTags, ['v1']);
    assert.deepEqual(image.platform, { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(image.config.config?.Labels, { team: 'core' });
    const manifest = await readJson(dir, manifestDigest);
    assert.equal(image.configDigest, manifest.config.digest);
    assert.deepEqual(
      image.layers.map((layer) => [layer.index, layer.digest, layer.size, layer.mediaType, layer.createdBy]),
      manifest.layers.map((layer: any, index: number) => [index, layer.digest, layer.size, layer.mediaType, IMAGE.layers[index]?.createdBy]),
    );
    assert.deepEqual(image.layers.map((layer) => layer.diffId), image.config.rootfs.diff_ids);
    for (const layer of image.layers) {
      assert.deepEqual(await buffer(await layer.open()), await readFile(blobPath(dir, layer.digest)));
    }
    await image.close();
  });

  it('reads Docker media types', async () => {
    const image = await openImage(await layout({ ...IMAGE, layers: IMAGE.layers.filter((l) => l.compression !== 'zstd'), mediaTypes: 'docker' }));
    assert.equal(image.manifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.deepEqual(image.layers.map((layer) => layer.mediaType), ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.docker.image.rootfs.diff.tar']);
  });

  it('selects a platform from a multi-platform index, linux/amd64 by default', async () => {
    const dir = join(work, 'multi');
    const written = await writeOciLayout(dir, { index: [IMAGE, ARM] }, 'multi');
    const amd = await openImage(dir);
    assert.equal(amd.manifestDigest, written.manifests[0]);
    assert.equal(amd.platform.architecture, 'amd64');
    const arm = await openImage(`oci:${dir}:multi`, { platform: 'linux/arm64' });
    assert.equal(arm.manifestDigest, written.manifests[1]);
    assert.deepEqual(arm.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    await assert.rejects(readImage(dir, { platform: 'linux/s390x' }), {
      code: 'NOT_FOUND',
      message: /no image for platform linux\/s390x.*linux\/amd64, linux\/arm64\/v8/,
    });
  });

  it('refuses an explicit platform that a single image does not have', async () => {
    await assert.rejects(readImage(await layout(), { platform: 'linux/arm64' }), { code: 'NOT_FOUND', message: /the image is linux\/amd64/ });
  });

  it('picks images by tag and asks for one when several are untagged-ambiguous', async () => {
    const dir = await layout(IMAGE, 'one');
    await writeOciLayout(dir, ARM, 'two');
    assert.equal((await openImage(`oci:${dir}:two`)).platform.architecture, 'arm64');
    await assert.rejects(readImage(`oci:${dir}:three`), { code: 'NOT_FOUND', message: /no image tagged three; tags: one, two/ });
    await assert.rejects(readImage(dir), { code: 'USAGE', message: /holds 2 images.*tags: one, two/ });
  });

  it('fails with DIGEST_MISMATCH when a corrupted layer is consumed', async () => {
    const dir = await layout();
    const image = await openImage(dir);
    const layer = image.layers[0];
    assert.ok(layer);
    const path = blobPath(dir, layer.digest);
    const bytes = await readFile(path);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(path, bytes);
    await assert.rejects(buffer(await layer.open()), { code: 'DIGEST_MISMATCH', message: /layer sha256:[0-9a-f]+: digest mismatch/ });
  });

  it('fails when a layer is shorter or longer than its descriptor says', async () => {
    const dir = await layout();
    await tamper(dir, (manifest) => {
      manifest.layers[0].size += 1;
      manifest.layers[1].size -= 1;
    });
    const image = await openImage(dir);
    await assert.rejects(buffer(await image.layers[0]!.open()), { code: 'INPUT', message: /its descriptor says/ });
    await assert.rejects(buffer(await image.layers[1]!.open()), { code: 'INPUT', message: /larger than its declared size/ });
  });

  it('verifies the config and manifest digests', async () => {
    const dir = await layout();
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
    const manifest = await readJson(dir, index.manifests[0].digest);
    const configPath = blobPath(dir, manifest.config.digest);
    const config = await readFile(configPath);
    await writeFile(configPath, Buffer.from(config.toString().replace('amd64', 'AMD64')));
    await assert.rejects(readImage(dir), { code: 'DIGEST_MISMATCH', message: /config sha256/ });
  });

  it('refuses unknown layer media types, schema 1 and oversized manifests', async () => {
    const unknown = await layout();
    await tamper(unknown, (manifest) => {
      manifest.layers[0].mediaType = 'application/vnd.example.layer+tar';
    });
    await assert.rejects(readImage(unknown), { code: 'UNSUPPORTED', message: /unknown media type application\/vnd\.example\.layer\+tar/ });
    const schema1 = await layout();
    await tamper(schema1, (manifest) => {
      manifest.schemaVersion = 1;
    });
    await assert.rejects(readImage(schema1), { code: 'UNSUPPORTED', message: /Docker schema 1/ });
    await assert.rejects(readImage(await layout(), { limits: { maxManifestBytes: 100 } }), { code: 'LIMIT' });
  });

  it('requires as many diff IDs as layers', async () => {
    const dir = await layout();
    await tamper(dir, (_manifest, config) => {
      config.rootfs.diff_ids.pop();
    });
    await assert.rejects(readImage(dir), { code: 'INPUT', message: /lists 3 layers but the config's rootfs\.diff_ids has 2/ });
  });

  it('refuses malformed index.json and oci-layout files', async () => {
    const badJson = await layout();
    await writeFile(join(badJson, 'index.json'), '{"schemaVersion": 2, "manifests": [');
    await assert.rejects(readImage(`oci:${badJson}`), { code: 'INPUT', message: /index\.json|not valid JSON/ });
    const badVersion = await layout();
    await writeFile(join(badVersion, 'oci-layout'), '{"imageLayoutVersion": "9.9.9"}');
    await assert.rejects(readImage(`oci:${badVersion}`), { code: 'UNSUPPORTED', message: /layout version 9\.9\.9/ });
    const noHeader = await layout();
    await unlink(join(noHeader, 'oci-layout'));
    await assert.rejects(readImage(`oci:${noHeader}`), { code: 'NOT_FOUND', message: /oci-layout is missing/ });
  });

  it('refuses a blob that is a symlink to a host file', async () => {
    const dir = await layout();
    const image = await openImage(dir);
    const path = blobPath(dir, image.layers[0]!.digest);
    await unlink(path);
    await symlink('/etc/passwd', path);
    await assert.rejects(image.layers[0]!.open(), { code: 'INPUT', message: /is a symlink/ });
    const configPath = blobPath(dir, image.configDigest);
    await unlink(configPath);
    await symlink('/etc/passwd', configPath);
    await assert.rejects(readImage(dir), { code: 'INPUT', message: /is a symlink/ });
  });

  it('refuses a blobs directory that resolves outside the layout', async () => {
    const dir = await layout();
    const outside = join(work, `outside${count++}`);
    await rename(join(dir, 'blobs'), outside);
    await symlink(outside, join(dir, 'blobs'));
    await assert.rejects(readImage(dir), { code: 'INPUT', message: /resolves outside the layout/ });
  });

  it('reports a missing blob and a missing layout as NOT_FOUND', async () => {
    const dir = await layout();
    const image = await openImage(dir);
    await unlink(blobPath(dir, image.layers[2]!.digest));
    await assert.rejects(image.layers[2]!.open(), { code: 'NOT_FOUND' });
    await assert.rejects(readImage(`oci:${join(work, 'absent')}`), { code: 'NOT_FOUND' });
  });
});
