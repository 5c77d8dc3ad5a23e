import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { writeDockerArchive, writeOciArchive, writeOciLayout } from '../../test/helpers/image-builder.ts';
import { buildTar } from '../../test/helpers/tar-writer.ts';
import { parseTarget } from './target.ts';

const IMAGE = { layers: [{ entries: [{ path: 'etc/hostname', content: 'box\n' }] }] };

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-target-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('parseTarget with a transport prefix', () => {
  const cases: Array<[string, unknown]> = [
    ['oci:/images/app', { transport: 'oci', path: '/images/app' }],
    ['oci:/images/app:v1', { transport: 'oci', path: '/images/app', tag: 'v1' }],
    ['oci-archive:app.tar', { transport: 'oci-archive', path: 'app.tar' }],
    ['oci-archive:app.tar:latest', { transport: 'oci-archive', path: 'app.tar', tag: 'latest' }],
    ['docker-archive:save.tar', { transport: 'docker-archive', path: 'save.tar' }],
    ['docker-archive:save.tar:example.com:5000/team/app:v2', { transport: 'docker-archive', path: 'save.tar', reference: 'example.com:5000/team/app:v2' }],
    ['dir:/srv/rootfs', { transport: 'dir', path: '/srv/rootfs' }],
    ['docker://alpine:3.20', { transport: 'docker', reference: 'alpine:3.20' }],
    ['docker://ghcr.io/org/app@sha256:' + 'a'.repeat(64), { transport: 'docker', reference: 'ghcr.io/org/app@sha256:' + 'a'.repeat(64) }],
  ];
  for (const [target, expected] of cases) {
    it(target, async () => assert.deepEqual(await parseTarget(target), expected));
  }

  it('names the skopeo transports it does not read', async () => {
    await assert.rejects(parseTarget('docker-daemon:alpine:3.20'), { code: 'UNSUPPORTED', message: /skopeo copy docker-daemon:alpine:3\.20 oci-archive:image\.tar/ });
    await assert.rejects(parseTarget('containers-storage:app'), { code: 'UNSUPPORTED' });
  });

  it('refuses empty parts and docker: without //', async () => {
    for (const bad of ['', '  ', 'oci:', 'oci::tag', 'oci:dir:', 'oci-archive:', 'docker-archive:', 'dir:', 'docker://', 'docker:alpine']) {
      await assert.rejects(parseTarget(bad), { code: 'USAGE' }, bad);
    }
  });
});

describe('parseTarget auto-detection', () => {
  it('an OCI layout directory is oci', async () => {
    const dir = join(work, 'layout');
    await writeOciLayout(dir, IMAGE);
    assert.deepEqual(await parseTarget(dir), { transport: 'oci', path: dir });
  });

  it('any other directory is a root filesystem', async () => {
    const dir = join(work, 'rootfs');
    await mkdir(join(dir, 'etc'), { recursive: true });
    await writeFile(join(dir, 'index.json'), '{}'); // index.json alone does not make a layout
    assert.deepEqual(await parseTarget(dir), { transport: 'dir', path: dir });
  });

  it('a tar with manifest.json is a docker-archive, one with oci-layout an oci-archive', async () => {
    const docker = join(work, 'docker.tar');
    const oci = join(work, 'oci.tar');
    await writeDockerArchive(docker, IMAGE, 'app:v1');
    await writeOciArchive(oci, IMAGE);
    assert.deepEqual(await parseTarget(docker), { transport: 'docker-archive', path: docker });
    assert.deepEqual(await parseTarget(oci), { transport: 'oci-archive', path: oci });
  });

  it('a gzip-compressed archive is refused with a message saying to gunzip it', async () => {
    const file = join(work, 'save.tar.gz');
    await writeFile(file, gzipSync(buildTar([{ path: 'manifest.json', content: '[]' }])));
    await assert.rejects(parseTarget(file), { code: 'UNSUPPORTED', message: /gzip-compressed.*gunzip/ });
  });

  it('an existing file that is not an image archive is an INPUT error', async () => {
    const tar = join(work, 'other.tar');
    await writeFile(tar, buildTar([{ path: 'README', content: 'hi' }]));
    await assert.rejects(parseTarget(tar), { code: 'INPUT', message: /neither a docker-archive.*nor an oci-archive/ });
    const text = join(work, 'notes.txt');
    await writeFile(text, 'just some text that is long enough to fill a tar header block '.repeat(20));
    await assert.rejects(parseTarget(text), { code: 'INPUT', message: /notes\.txt: not a tar archive/ });
  });

  it('a missing path-like target is NOT_FOUND, anything else a registry reference', async () => {
    await assert.rejects(parseTarget(join(work, 'nope.tar')), { code: 'NOT_FOUND' });
    await assert.rejects(parseTarget('./nope'), { code: 'NOT_FOUND' });
    assert.deepEqual(await parseTarget('alpine:3.20'), { transport: 'docker', reference: 'alpine:3.20' });
    assert.deepEqual(await parseTarget('localhost:5000/app'), { transport: 'docker', reference: 'localhost:5000/app' });
  });
});
