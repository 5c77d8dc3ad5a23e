import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { type ImageSpec, buildImage, writeDockerArchive, writeOciArchive } from '../../../test/helpers/image-builder.ts';
import { type TarSpecEntry, buildTar } from '../../../test/helpers/tar-writer.ts';
import { readImage } from '../open.ts';
import type { OpenedImage, ReadImageOptions } from '../types.ts';

const IMAGE: ImageSpec = {
  layers: [
    { createdBy: 'ADD base /', entries: [{ path: 'etc/os-release', content: 'ID=alpine\n' }] },
    { compression: 'none', createdBy: 'COPY app /app', entries: [{ path: 'app/index.js', content: 'x'.repeat(3000) }] },
  ],
};
const ARM: ImageSpec = { ...IMAGE, platform: { os: 'linux', architecture: 'arm64' } };

let work: string;
let count = 0;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-archives-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const file = (name: string) => join(work, `${count++}-${name}`);

async function openImage(target: string, options?: ReadImageOptions): Promise<OpenedImage> {
  const opened = await readImage(target, options);
  assert.equal(opened.kind, 'image');
  return opened as OpenedImage;
}

async function writeTar(name: string, entries: TarSpecEntry[]): Promise<string> {
  const path = file(name);
  await writeFile(path, buildTar(entries));
  return path;
}

/** A docker-archive whose manifest.json is given verbatim, holding the images' files under their digests. */
async function dockerArchiveWith(manifestJson: unknown, specs: ImageSpec[] = [IMAGE]): Promise<string> {
  const files = new Map<string, Buffer>();
  for (const image of specs.map(buildImage)) {
    files.set(`${image.config.digest.slice(7)}.json`, image.config.bytes);
    for (const layer of image.layers) files.set(`${layer.digest.slice(7)}.tar`, layer.bytes);
  }
  return writeTar('custom.tar', [
    ...[...files].map(([path, content]) => ({ path, content })),
    { path: 'manifest.json', content: JSON.stringify(manifestJson) },
  ]);
}

function legacyEntry(spec: ImageSpec, repoTags: string[] | null): Record<string, unknown> {
  const image = buildImage(spec);
  const hex = (digest: string) => digest.slice('sha256:'.length);
  return { Config: `${hex(image.config.digest)}.json`, RepoTags: repoTags, Layers: image.layers.map((layer) => `${hex(layer.digest)}.tar`) };
}

describe('docker-archive source', () => {
  it('reads a legacy docker save archive with gzip and plain layers', async () => {
    const path = file('save.tar');
    await writeDockerArchive(path, IMAGE, 'example.com/team/app:v1');
    const built = buildImage(IMAGE);
    const image = await openImage(path);
    assert.equal(image.transport, 'docker-archive');
    assert.equal(image.manifestDigest, undefined);
    assert.equal(image.configDigest, built.config.digest);
    assert.deepEqual(image.repoTags, ['example.com/team/app:v1']);
    assert.deepEqual(
      image.layers.map((layer) => [layer.digest, layer.mediaType, layer.createdBy]),
      [
        [built.layers[0]?.digest, 'application/vnd.docker.image.rootfs.diff.tar.gzip', 'ADD base /'],
        [image.config.rootfs.diff_ids[1], 'application/vnd.docker.image.rootfs.diff.tar', 'COPY app /app'],
      ],
    );
    for (const [index, layer] of image.layers.entries()) assert.deepEqual(await buffer(await layer.open()), built.layers[index]?.bytes);
  });

  it('picks the image a reference names, familiar or fully qualified', async () => {
    const withArm = await dockerArchiveWith([legacyEntry(IMAGE, ['app:v1']), legacyEntry(ARM, ['docker.io/library/app:v2'])], [IMAGE, ARM]);
    assert.equal((await openImage(`docker-archive:${withArm}:docker.io/library/app:v1`)).platform.architecture, 'amd64');
    assert.equal((await openImage(`docker-archive:${withArm}:app:v2`)).platform.architecture, 'arm64');
    await assert.rejects(readImage(`docker-archive:${withArm}:app:v3`), { code: 'NOT_FOUND', message: /no image tagged app:v3.*tags: app:v1, docker\.io\/library\/app:v2/ });
    await assert.rejects(readImage(withArm), { code: 'USAGE', message: /holds 2 images/ });
  });

  it('reads the newer layout where docker save also writes an OCI layout, with its manifest digest', async () => {
    const image = buildImage(IMAGE);
    const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
    const describe = (item: { mediaType: string; digest: string; bytes: Buffer }, platform: Record<string, string>) =>
      ({ mediaType: item.mediaType, digest: item.digest, size: item.bytes.length, platform });
    // As with Docker's containerd store: a multi-platform index whose other platform was not saved.
    const absent = { mediaType: image.manifest.mediaType, digest: `sha256:${'0'.repeat(64)}`, bytes: Buffer.alloc(10) };
    const nested = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [describe(absent, { os: 'linux', architecture: 'arm64' }), describe(image.manifest, { os: 'linux', architecture: 'amd64' })],
    }));
    const nestedDigest = `sha256:${createHash('sha256').update(nested).digest('hex')}`;
    const path = await writeTar('moby.tar', [
      { path: 'blobs/', type: 'dir' },
      { path: 'blobs/sha256/', type: 'dir' },
      ...[image.config, image.manifest, ...image.layers].map((item) => ({ path: blob(item.digest), content: item.bytes })),
      { path: blob(nestedDigest), content: nested },
      { path: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: nestedDigest, size: nested.length }] }) },
      { path: 'manifest.json', content: JSON.stringify([{ Config: blob(image.config.digest), RepoTags: ['app:latest'], Layers: image.layers.map((l) => blob(l.digest)) }]) },
      { path: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    ]);
    const opened = await openImage(path);
    assert.equal(opened.transport, 'docker-archive');
    assert.equal(opened.manifestDigest, image.manifest.digest);
    assert.deepEqual(opened.repoTags, ['app:latest']);
    assert.deepEqual(opened.layers.map((layer) => [layer.digest, layer.mediaType]), image.layers.map((layer) => [layer.digest, layer.mediaType]));
    assert.deepEqual(await buffer(await opened.layers[0]!.open()), image.layers[0]?.bytes);
  });

  it('refuses manifest.json paths that leave the archive', async () => {
    const entry = legacyEntry(IMAGE, null);
    const hostile = { ...entry, Config: '/etc/passwd', Layers: ['../../etc/passwd', (entry.Layers as string[])[1]] };
    await assert.rejects(readImage(await dockerArchiveWith([hostile])), {
      code: 'INPUT',
      message: /\[0\]\.Config: must be a relative path.*\[0\]\.Layers\[0\]: must be a relative path inside the archive, got "\.\.\/\.\.\/etc\/passwd"/,
    });
  });

  it('refuses a malformed manifest.json', async () => {
    await assert.rejects(readImage(await dockerArchiveWith({ Config: 'x.json' })), { code: 'INPUT', message: /must be an array/ });
    await assert.rejects(readImage(await dockerArchiveWith([{ Config: 5, Layers: 'a' }])), { code: 'INPUT', message: /Config: must be a non-empty string.*Layers: must be an array/ });
    await assert.rejects(readImage(await dockerArchiveWith([])), { code: 'NOT_FOUND', message: /lists no images/ });
    const badUtf8 = await writeTar('utf8.tar', [{ path: 'manifest.json', content: Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]) }]);
    await assert.rejects(readImage(badUtf8), { code: 'INPUT', message: /manifest\.json is not valid UTF-8/ });
    const big = await dockerArchiveWith([legacyEntry(IMAGE, ['a'.repeat(2000)])]);
    await assert.rejects(readImage(big, { limits: { maxManifestBytes: 1000 } }), { code: 'LIMIT', message: /manifest\.json is \d+ bytes, over the limit of 1000/ });
  });

  it('fails with DIGEST_MISMATCH on a corrupted layer or config', async () => {
    const path = file('corrupt.tar');
    await writeDockerArchive(path, IMAGE);
    const bytes = await readFile(path);
    const at = bytes.indexOf('x'.repeat(100));
    bytes[at] = 0x79;
    await writeFile(path, bytes);
    const image = await openImage(path);
    await assert.rejects(buffer(await image.layers[1]!.open()), { code: 'DIGEST_MISMATCH' });

    const badConfig = file('badconfig.tar');
    await writeDockerArchive(badConfig, IMAGE);
    const archive = await readFile(badConfig);
    await writeFile(badConfig, Buffer.from(archive.toString('latin1').replace('"amd64"', '"arm64"'), 'latin1'));
    await assert.rejects(readImage(badConfig), { code: 'DIGEST_MISMATCH', message: /config [0-9a-f]{64}\.json: digest mismatch/ });
  });

  it('refuses a truncated archive and a gzip-compressed one', async () => {
    const path = file('cut.tar');
    await writeDockerArchive(path, IMAGE);
    const whole = await readFile(path);
    await truncate(path, Math.floor(whole.length / 2));
    await assert.rejects(readImage(`docker-archive:${path}`), { code: 'INPUT', message: /truncated archive/ });
    const gz = file('save.tar.gz');
    await writeFile(gz, gzipSync(whole));
    await assert.rejects(readImage(`docker-archive:${gz}`), { code: 'UNSUPPORTED', message: /gzip-compressed.*gunzip -k/ });
  });

  it('says so when the file is an oci-archive', async () => {
    const path = file('oci.tar');
    await writeOciArchive(path, IMAGE);
    await assert.rejects(readImage(`docker-archive:${path}`), { code: 'INPUT', message: /not a docker-archive/ });
  });
});

describe('oci-archive source', () => {
  it('reads an image by tag with its manifest digest', async () => {
    const path = file('oci.tar');
    const { manifestDigest } = await writeOciArchive(path, IMAGE, 'v1');
    const image = await openImage(`oci-archive:${path}:v1`);
    assert.equal(image.transport, 'oci-archive');
    assert.equal(image.manifestDigest, manifestDigest);
    assert.deepEqual(image.repoTags, ['v1']);
    const built = buildImage(IMAGE);
    for (const [index, layer] of image.layers.entries()) assert.deepEqual(await buffer(await layer.open()), built.layers[index]?.bytes);
    await assert.rejects(readImage(`oci-archive:${path}:v2`), { code: 'NOT_FOUND', message: /no image tagged v2/ });
  });

  it('selects a platform from a multi-platform archive', async () => {
    const path = file('multi.tar');
    const written = await writeOciArchive(path, { index: [IMAGE, ARM] });
    assert.equal((await openImage(path, { platform: 'linux/arm64' })).manifestDigest, written.manifests[1]);
    await assert.rejects(readImage(path, { platform: 'linux/ppc64le' }), { code: 'NOT_FOUND', message: /linux\/amd64, linux\/arm64/ });
  });

  it('fails with DIGEST_MISMATCH on a corrupted blob', async () => {
    const path = file('corrupt-oci.tar');
    await writeOciArchive(path, IMAGE);
    const bytes = await readFile(path);
    bytes[bytes.indexOf('x'.repeat(100))] = 0x79;
    await writeFile(path, bytes);
    const image = await openImage(path);
    await assert.rejects(buffer(await image.layers[1]!.open()), { code: 'DIGEST_MISMATCH', message: new RegExp(`${path}: layer sha256`) });
  });

  it('refuses an archive without oci-layout', async () => {
    const path = await writeTar('nolayout.tar', [{ path: 'index.json', content: '{"schemaVersion":2,"manifests":[]}' }]);
    await assert.rejects(readImage(`oci-archive:${path}`), { code: 'NOT_FOUND', message: /no member oci-layout/ });
  });
});
