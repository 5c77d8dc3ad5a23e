/**
 * Real clients against a real `portcullis serve` on 127.0.0.1: skopeo (push, inspect, pull,
 * list-tags, delete), podman and buildah (push and pull, vfs storage), a crash (kill -9) in the
 * middle of a push, concurrent pushes of one layer, and raw hostile paths over a socket.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type ServeProcess, startServe } from './helpers/portcullis-serve.ts';
import { pushToRegistry, requireTool, smallImageLayout } from './helpers/registry.ts';

const execFileAsync = promisify(execFile);
/** An empty auth file (written in `before`): clients must not use the developer's credentials. */
let authFile = '';

async function run(command: string, args: string[]): Promise<string> {
  const env = { ...process.env, REGISTRY_AUTH_FILE: authFile };
  try {
    const { stdout } = await execFileAsync(command, args, { encoding: 'utf8', env, timeout: 120_000 });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || message}`);
  }
}

const skopeo = (...args: string[]) => run('skopeo', args);

function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Digest of every file under blobs/ checked against its name: a partial blob would fail. */
async function assertBlobsWhole(dataDir: string): Promise<number> {
  let count = 0;
  for (const algorithm of await readdir(join(dataDir, 'blobs'))) {
    for (const prefix of await readdir(join(dataDir, 'blobs', algorithm))) {
      for (const name of await readdir(join(dataDir, 'blobs', algorithm, prefix))) {
        const bytes = await readFile(join(dataDir, 'blobs', algorithm, prefix, name));
        assert.equal(`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`, `${algorithm}:${name}`, `blob ${name} is whole`);
        count++;
      }
    }
  }
  return count;
}

/** A raw HTTP request (no URL normalisation); resolves with status and headers. */
function rawRequest(url: string, method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, method, path, headers }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('portcullis serve with real clients', () => {
  let work: string;
  let layout: string;
  let serve: ServeProcess;
  /** podman refuses a runroot path longer than 50 characters, so these live in a short one. */
  let runroots: string;
  const servers: ServeProcess[] = [];

  before(async () => {
    requireTool('skopeo', 'skopeo');
    // A lowercase path: buildah names images pulled from an OCI layout after its path.
    work = join(tmpdir(), `portcullis-clients-${process.pid}-${Date.now()}`);
    await mkdir(work, { recursive: true });
    runroots = await mkdtemp(join(tmpdir(), 'pcr-'));
    authFile = join(work, 'auth.json');
    await writeFile(authFile, '{"auths":{}}');
    layout = join(work, 'layout');
    await cp(await smallImageLayout(), layout, { recursive: true });
    // These tests are about the distribution API, not access control (see registry-access.test.ts).
    serve = await startServe(join(work, 'data'), { insecureNoAuth: true });
    servers.push(serve);
  });

  after(async () => {
    for (const server of servers) await server.stop();
    await rm(work, { recursive: true, force: true });
    await rm(runroots, { recursive: true, force: true });
  });

  it('skopeo pushes, inspects, lists tags, pulls and deletes', async () => {
    const target = `${serve.host}/skopeo/small`;
    await pushToRegistry(`oci:${layout}:multi`, `${target}:multi`, { all: true });
    await pushToRegistry(`oci:${layout}:amd64`, `${target}:docker`, { format: 'v2s2' });
    const inspected = JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${target}:docker`)) as { Digest: string; RepoTags: string[]; Architecture: string };
    assert.equal(inspected.Architecture, 'amd64');
    assert.deepEqual(inspected.RepoTags, ['docker', 'multi']);
    const raw = JSON.parse(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${target}:docker`)) as { mediaType: string };
    assert.equal(raw.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    const tags = JSON.parse(await skopeo('list-tags', '--tls-verify=false', `docker://${target}`)) as { Tags: string[] };
    assert.deepEqual(tags.Tags, ['docker', 'multi']);

    const pulled = join(work, 'pulled');
    await skopeo('copy', '--quiet', '--all', '--src-tls-verify=false', `docker://${target}:multi`, `oci:${pulled}:multi`);
    const sourceIndex = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
    const pulledIndex = JSON.parse(await readFile(join(pulled, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const pushedDigest = sourceIndex.manifests.find((entry) => entry.annotations?.['org.opencontainers.image.ref.name'] === 'multi')?.digest;
    assert.equal(pulledIndex.manifests[0]?.digest, pushedDigest, 'the index comes back byte for byte');

    await skopeo('delete', '--tls-verify=false', `docker://${target}:docker`);
    await assert.rejects(skopeo('inspect', '--tls-verify=false', `docker://${target}:docker`), /manifest unknown/);
    await skopeo('inspect', '--tls-verify=false', `docker://${target}:multi`);
  });

  it('takes the same layer pushed to three repositories at once', async () => {
    await Promise.all([
      pushToRegistry(`oci:${layout}:amd64`, `${serve.host}/concurrent/one:v1`),
      pushToRegistry(`oci:${layout}:arm64`, `${serve.host}/concurrent/two:v1`),
      pushToRegistry(`oci:${layout}:amd64`, `${serve.host}/concurrent/three:v1`),
    ]);
    for (const name of ['one', 'two', 'three']) {
      await skopeo('copy', '--quiet', '--src-tls-verify=false', `docker://${serve.host}/concurrent/${name}:v1`, `dir:${join(work, `concurrent-${name}`)}`);
    }
    await assertBlobsWhole(join(work, 'data'));
  });

  it('podman and buildah push and pull (vfs storage)', async () => {
    requireTool('podman', 'podman');
    requireTool('buildah', 'buildah');
    const storage = (tool: string) => ['--storage-driver', 'vfs', '--root', join(work, `${tool}-root`), '--runroot', join(runroots, tool)];
    const buildah = (...args: string[]) => run('buildah', [...storage('buildah'), ...args]);
    const podman = (...args: string[]) => run('podman', [...storage('podman'), ...args]);
    const imageId = (await buildah('pull', '--quiet', `oci:${layout}:amd64`)).trim();
    await buildah('push', '--quiet', '--tls-verify=false', imageId, `docker://${serve.host}/buildah/app:1`);
    await podman('pull', '--quiet', '--tls-verify=false', `${serve.host}/buildah/app:1`);
    await podman('tag', `${serve.host}/buildah/app:1`, `${serve.host}/podman/app:2`);
    await podman('push', '--quiet', '--tls-verify=false', `${serve.host}/podman/app:2`);
    await buildah('pull', '--quiet', '--tls-verify=false', `docker://${serve.host}/podman/app:2`);
    const labels = JSON.parse(await podman('image', 'inspect', `${serve.host}/podman/app:2`)) as Array<{ Architecture: string }>;
    assert.equal(labels[0]?.Architecture, 'amd64');
    const tags = JSON.parse(await skopeo('list-tags', '--tls-verify=false', `docker://${serve.host}/podman/app`)) as { Tags: string[] };
    assert.deepEqual(tags.Tags, ['2']);
  });

  it('refuses raw traversal paths over a real socket and stores nothing for them', async () => {
    for (const path of ['/v2/a/../../etc/tags/list', '/v2/../../../etc/passwd/blobs/uploads/', '/v2/a/%2e%2e/b/blobs/uploads/', '/v2/a/blobs/uploads/..%2f..%2fx']) {
      const response = await rawRequest(serve.url, path.includes('uploads/') && !path.endsWith('x') ? 'POST' : 'GET', path);
      assert.ok(response.status === 400 || response.status === 404, `${path}: ${response.status}`);
      assert.match(response.body, /"code":"(NAME_INVALID|NAME_UNKNOWN|BLOB_UPLOAD_UNKNOWN)"/);
    }
    const catalog = JSON.parse((await rawRequest(serve.url, 'GET', '/v2/_catalog')).body) as { repositories: string[] };
    assert.ok(catalog.repositories.every((name) => !name.includes('.')), catalog.repositories.join(','));
  });

  it('survives kill -9 in the middle of a push: acknowledged content intact, no partial blob, the upload resumes', async () => {
    const dataDir = join(work, 'crash-data');
    let crashing = await startServe(dataDir, { insecureNoAuth: true });
    servers.push(crashing);
    await pushToRegistry(`oci:${layout}:amd64`, `${crashing.host}/crash/acked:v1`);

    const blob = randomBytes(6 * 1024 * 1024);
    const digest = sha256(blob);
    const firstChunk = 1024 * 1024;
    const started = await rawRequest(crashing.url, 'POST', '/v2/crash/big/blobs/uploads/', { 'content-length': 0 });
    const location = String(started.headers.location);
    const patched = await rawRequest(crashing.url, 'PATCH', location, { 'content-type': 'application/octet-stream', 'content-range': `0-${firstChunk - 1}`, 'content-length': firstChunk }, blob.subarray(0, firstChunk));
    assert.equal(patched.status, 202);

    // A second chunk and a monolithic upload of the whole blob are cut off by the crash.
    const { hostname, port } = new URL(crashing.url);
    const cut = (method: string, path: string, headers: Record<string, string | number>, part: Buffer) =>
      new Promise<void>((resolve) => {
        const req = request({ hostname, port, method, path, headers }, (response) => response.resume());
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.write(part);
      });
    const rest = blob.subarray(firstChunk);
    const secondChunk = cut('PATCH', location, { 'content-type': 'application/octet-stream', 'content-range': `${firstChunk}-${blob.length - 1}`, 'content-length': rest.length }, rest.subarray(0, 2 * 1024 * 1024));
    const monolithic = cut('POST', `/v2/crash/mono/blobs/uploads/?digest=${digest}`, { 'content-type': 'application/octet-stream', 'content-length': blob.length }, blob.subarray(0, 3 * 1024 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await crashing.kill();
    assert.equal(crashing.child.signalCode, 'SIGKILL');
    await Promise.all([secondChunk, monolithic]);

    crashing = await startServe(dataDir, { insecureNoAuth: true });
    servers.push(crashing);
    await skopeo('copy', '--quiet', '--src-tls-verify=false', `docker://${crashing.host}/crash/acked:v1`, `dir:${join(work, 'after-crash')}`);
    await assertBlobsWhole(dataDir);
    for (const repository of ['crash/big', 'crash/mono']) {
      assert.equal((await rawRequest(crashing.url, 'HEAD', `/v2/${repository}/blobs/${digest}`)).status, 404, 'no partial blob is visible');
    }

    const status = await rawRequest(crashing.url, 'GET', location);
    assert.equal(status.status, 204);
    const received = Number(/^0-(\d+)$/.exec(String(status.headers.range))?.[1]) + 1;
    assert.ok(received >= firstChunk && received < blob.length, `upload resumes from ${received}`);
    const resumed = await rawRequest(crashing.url, 'PATCH', location, { 'content-type': 'application/octet-stream', 'content-range': `${received}-${blob.length - 1}`, 'content-length': blob.length - received }, blob.subarray(received));
    assert.equal(resumed.status, 202, resumed.body);
    const committed = await rawRequest(crashing.url, 'PUT', `${location}?digest=${digest}`, { 'content-length': 0 });
    assert.equal(committed.status, 201, committed.body);
    const restarted = await rawRequest(crashing.url, 'POST', `/v2/crash/mono/blobs/uploads/?digest=${digest}`, { 'content-type': 'application/octet-stream', 'content-length': blob.length }, blob);
    assert.equal(restarted.status, 201, 'an interrupted upload can also start over');
    const head = await rawRequest(crashing.url, 'HEAD', `/v2/crash/big/blobs/${digest}`);
    assert.equal(head.headers['content-length'], String(blob.length));
    await assertBlobsWhole(dataDir);
  });
});
