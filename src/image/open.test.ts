/**
 * readImage end to end, and interop with the real tool: images written by the test builder and
 * converted by skopeo to docker-archive and oci-archive must read back identically.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { type ImageSpec, writeDockerArchive, writeOciArchive, writeOciLayout } from '../../test/helpers/image-builder.ts';
import { requireTool } from '../../test/helpers/registry.ts';
import { createReadBudget, readImage, readLayerEntries, resolveLimits } from './index.ts';
import type { OpenedImage } from './index.ts';

const run = promisify(execFile);

// zstd is left out: Docker archives cannot carry zstd layers, so skopeo refuses to convert them.
const SPEC: ImageSpec = {
  labels: { 'org.opencontainers.image.source': 'https://example.com/app' },
  layers: [
    {
      createdBy: 'ADD rootfs.tar /',
      entries: [
        { path: 'etc/', type: 'dir' },
        { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { path: 'bin/sh', type: 'symlink', linkname: 'dash' },
      ],
    },
    {
      compression: 'none',
      createdBy: 'RUN rm /etc/os-release && echo hi > /srv/hello',
      entries: [
        { path: 'etc/.wh.os-release' },
        { path: 'srv/hello', content: 'hi\n', mode: 0o600 },
      ],
    },
  ],
};

let work: string;
before(async () => {
  requireTool('skopeo', 'skopeo');
  work = await mkdtemp(join(tmpdir(), 'portcullis-open-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function openImage(target: string, platform?: string): Promise<OpenedImage> {
  const opened = await readImage(target, platform === undefined ? {} : { platform });
  assert.equal(opened.kind, 'image', `${target} did not open as an image`);
  return opened as OpenedImage;
}

/** What must not depend on the transport: config, diff IDs, history and every file of every layer. */
async function summary(image: OpenedImage): Promise<unknown> {
  const budget = createReadBudget(resolveLimits(undefined));
  const layers = [];
  for (const layer of image.layers) {
    const files = [];
    const options = { budget, layerName: layer.digest, ...(layer.diffId !== undefined && { diffId: layer.diffId }) };
    for await (const entry of readLayerEntries(await layer.open(), options)) {
      const hash = createHash('sha256');
      if (entry.content) for await (const chunk of entry.content()) hash.update(chunk);
      files.push([entry.path, entry.type, entry.mode, entry.linkname, hash.digest('hex')]);
    }
    layers.push({ diffId: layer.diffId, createdBy: layer.createdBy, files });
  }
  await image.close();
  return { configDigest: image.configDigest, platform: image.platform, labels: image.config.config?.Labels, layers };
}

describe('readImage', () => {
  it('reads the same image from an OCI layout and from skopeo-made docker- and oci-archives', async () => {
    const layout = join(work, 'layout');
    await writeOciLayout(layout, SPEC, 'v1');
    const dockerArchive = join(work, 'skopeo-docker.tar');
    const ociArchive = join(work, 'skopeo-oci.tar');
    await run('skopeo', ['copy', '-q', `oci:${layout}:v1`, `docker-archive:${dockerArchive}:example.com/team/app:v1`]);
    await run('skopeo', ['copy', '-q', `oci:${layout}:v1`, `oci-archive:${ociArchive}:v1`]);

    const expected = await summary(await openImage(`oci:${layout}:v1`));
    const fromDocker = await openImage(dockerArchive);
    assert.equal(fromDocker.transport, 'docker-archive');
    assert.deepEqual(fromDocker.repoTags, ['example.com/team/app:v1']);
    assert.deepEqual(await summary(fromDocker), expected);
    const fromOci = await openImage(`oci-archive:${ociArchive}:v1`);
    assert.equal(fromOci.transport, 'oci-archive');
    assert.deepEqual(await summary(fromOci), expected);
    // The summary must describe the layers' files for the comparison to mean anything.
    const [, second] = (expected as { layers: Array<{ files: unknown[][] }> }).layers;
    assert.deepEqual(second?.files.map((file) => file.slice(0, 2)), [['etc/os-release', 'whiteout'], ['srv/hello', 'file']]);
  });

  it('writes archives skopeo reads as the same image', async () => {
    const dockerArchive = join(work, 'builder-docker.tar');
    const ociArchive = join(work, 'builder-oci.tar');
    await writeDockerArchive(dockerArchive, SPEC, 'app:v1');
    const { manifestDigest } = await writeOciArchive(ociArchive, SPEC, 'v1');
    const configOf = async (target: string) => JSON.parse((await run('skopeo', ['inspect', '--raw', target])).stdout).config.digest;
    const ours = await openImage(dockerArchive);
    assert.equal(await configOf(`docker-archive:${dockerArchive}`), ours.configDigest);
    assert.equal(await configOf(`oci-archive:${ociArchive}:v1`), ours.configDigest);
    const raw = (await run('skopeo', ['inspect', '--raw', `oci-archive:${ociArchive}:v1`])).stdout;
    assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, manifestDigest);
  });

  it('selects a platform from a multi-platform oci-archive skopeo copied with --all', async () => {
    const layout = join(work, 'multi');
    const arm: ImageSpec = { ...SPEC, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
    await writeOciLayout(layout, { index: [SPEC, arm] }, 'multi');
    const archive = join(work, 'multi.tar');
    await run('skopeo', ['copy', '-q', '--all', `oci:${layout}:multi`, `oci-archive:${archive}:multi`]);
    // skopeo recompresses the plain layer, so manifests change; the configs do not.
    const armConfig = (await openImage(`oci:${layout}:multi`, 'linux/arm64')).configDigest;
    const image = await openImage(archive, 'linux/arm64');
    assert.equal(image.configDigest, armConfig);
    assert.deepEqual(image.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    await assert.rejects(readImage(archive, { platform: 'windows/amd64' }), { code: 'NOT_FOUND', message: /linux\/amd64, linux\/arm64\/v8/ });
  });

  it('opens a plain directory as a root filesystem', async () => {
    const root = join(work, 'rootfs');
    await mkdir(join(root, 'etc'), { recursive: true });
    for (const target of [root, `dir:${root}`]) {
      const opened = await readImage(target);
      assert.equal(opened.kind, 'directory');
      assert.equal(opened.kind === 'directory' && opened.root, await realpath(root));
      await opened.close();
    }
    await assert.rejects(readImage(`dir:${join(work, 'missing')}`), { code: 'NOT_FOUND' });
    const notDirectory = join(root, 'etc', 'hostname');
    await writeFile(notDirectory, 'box\n');
    await assert.rejects(readImage(`dir:${notDirectory}`), { code: 'INPUT', message: /not a directory/ });
  });
});
