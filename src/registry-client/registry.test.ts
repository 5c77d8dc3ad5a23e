/**
 * The client against the real registry (Debian's docker-registry, distribution 2.8), images pushed
 * by the real skopeo: anonymous, htpasswd and token authentication, platform selection, tag
 * listing and transport failures.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { PortcullisError, sha256Digest } from '../core/index.ts';
import { openRemoteImage } from '../image/sources/remote.ts';
import type { ReadImageOptions } from '../image/types.ts';
import { RegistryClient } from './index.ts';
import { SMALL_IMAGE_FILE, freePort, pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../../test/helpers/registry.ts';
import { startTokenServer, type TokenServer } from '../../test/helpers/token-server.ts';

/** Runs `work` with REGISTRY_AUTH_FILE naming a temporary auth file holding `content`. */
async function withAuthFile(content: unknown, work: () => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-auth-'));
  const saved = process.env.REGISTRY_AUTH_FILE;
  try {
    const path = join(dir, 'auth.json');
    await writeFile(path, JSON.stringify(content));
    process.env.REGISTRY_AUTH_FILE = path;
    await work();
  } finally {
    if (saved === undefined) delete process.env.REGISTRY_AUTH_FILE;
    else process.env.REGISTRY_AUTH_FILE = saved;
    await rm(dir, { recursive: true, force: true });
  }
}

function isError(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

async function layoutManifestDigest(layout: string, tag: string): Promise<string> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  const entry = index.manifests.find((manifest) => manifest.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(entry, `layout has tag ${tag}`);
  return entry.digest;
}

/** Opens the image, reads its only layer through the verifying stream and returns what it holds. */
async function readSmallImage(reference: string, options: ReadImageOptions) {
  const image = await openRemoteImage(reference, options);
  try {
    assert.equal(image.layers.length, 1);
    const layer = image.layers[0];
    assert.ok(layer);
    const blob = await buffer(await layer.open());
    assert.equal(sha256Digest(blob), layer.digest);
    return { image, tar: gunzipSync(blob).toString('latin1') };
  } finally {
    await image.close();
  }
}

describe('registry without auth', () => {
  let registry: StartedRegistry;
  let layout: string;

  before(async () => {
    layout = await smallImageLayout();
    registry = await startRegistry();
    await pushToRegistry(`oci:${layout}:amd64`, `${registry.host}/team/app:1`);
    await pushToRegistry(`oci:${layout}:multi`, `${registry.host}/team/app:multi`, { all: true });
    await pushToRegistry(`oci:${layout}:arm64`, `${registry.host}/team/app:arm`);
    await pushToRegistry(`oci:${layout}:amd64`, `${registry.host}/team/app:docker`, { format: 'v2s2' });
  });
  after(() => registry?.stop());

  it('reads an image anonymously, layer bytes verified', async () => {
    const { image, tar } = await readSmallImage(`${registry.host}/team/app:1`, { insecure: true });
    assert.equal(image.transport, 'docker');
    assert.equal(image.manifestDigest, await layoutManifestDigest(layout, 'amd64'));
    assert.equal(image.config.architecture, 'amd64');
    assert.deepEqual(image.repoTags, [`${registry.host}/team/app:1`]);
    assert.ok(tar.includes('hello.txt') && tar.includes(SMALL_IMAGE_FILE), 'layer holds /hello.txt');
  });

  it('reads Docker schema 2 media types', async () => {
    const { image, tar } = await readSmallImage(`${registry.host}/team/app:docker`, { insecure: true });
    assert.equal(image.manifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(image.layers[0]?.mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
    assert.ok(tar.includes(SMALL_IMAGE_FILE));
  });

  it('reads by digest, and a local registry needs no insecure flag', async () => {
    const digest = await layoutManifestDigest(layout, 'arm64');
    const image = await openRemoteImage(`docker://${registry.host}/team/app@${digest}`, {});
    assert.equal(image.manifestDigest, digest);
    assert.equal(image.config.architecture, 'arm64');
    assert.deepEqual(image.repoTags, []);
  });

  it('selects the platform from an index', async () => {
    const amd = await openRemoteImage(`${registry.host}/team/app:multi`, { insecure: true });
    assert.equal(amd.config.architecture, 'amd64');
    assert.equal(amd.manifestDigest, await layoutManifestDigest(layout, 'amd64'));
    const arm = await openRemoteImage(`${registry.host}/team/app:multi`, { insecure: true, platform: 'linux/arm64' });
    assert.equal(arm.config.architecture, 'arm64');
    assert.equal(arm.config.config?.Labels?.['portcullis.test'], 'arm');
    await assert.rejects(openRemoteImage(`${registry.host}/team/app:multi`, { insecure: true, platform: 'linux/s390x' }), isError('NOT_FOUND', /s390x.*linux\/amd64/));
  });

  it('lists tags', async () => {
    const client = new RegistryClient({ domain: registry.host, insecure: true });
    const tags = await client.listTags('team/app');
    assert.deepEqual(tags.toSorted(), ['1', 'arm', 'docker', 'multi']);
  });

  it('reports unknown tags and repositories as NOT_FOUND with the registry error', async () => {
    await assert.rejects(openRemoteImage(`${registry.host}/team/app:nope`, { insecure: true }), isError('NOT_FOUND', /MANIFEST_UNKNOWN/));
    await assert.rejects(openRemoteImage(`${registry.host}/team/absent:1`, { insecure: true }), isError('NOT_FOUND', /team\/absent/));
  });

  it('reports a registry nobody listens on as NETWORK', async () => {
    const port = await freePort();
    await assert.rejects(openRemoteImage(`127.0.0.1:${port}/app:1`, { insecure: true }), isError('NETWORK', /ECONNREFUSED/));
  });
});

describe('registry with htpasswd auth', () => {
  const username = 'alice';
  const password = 'correct horse battery';
  let registry: StartedRegistry;

  before(async () => {
    const layout = await smallImageLayout();
    registry = await startRegistry({ auth: { kind: 'htpasswd', username, password } });
    await pushToRegistry(`oci:${layout}:amd64`, `${registry.host}/app:1`, { creds: `${username}:${password}` });
  });
  after(() => registry?.stop());

  it('reads with credentials from the auth file named by REGISTRY_AUTH_FILE', async () => {
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    await withAuthFile({ auths: { [`http://${registry.host}/v1/`]: { auth } } }, async () => {
      const { tar } = await readSmallImage(`${registry.host}/app:1`, { insecure: true });
      assert.ok(tar.includes(SMALL_IMAGE_FILE));
    });
  });

  it('refuses a wrong password with AUTH, naming registry and repository but not the password', async () => {
    await assert.rejects(
      openRemoteImage(`${registry.host}/app:1`, { insecure: true, credentials: { username, password: 'hunter2-wrong' } }),
      (error: unknown) => isError('AUTH', new RegExp(`app on ${registry.host}`))(error) && !(error as Error).message.includes('hunter2'),
    );
  });

  it('refuses anonymous access with AUTH', async () => {
    await withAuthFile({ auths: {} }, async () => {
      await assert.rejects(openRemoteImage(`${registry.host}/app:1`, { insecure: true }), isError('AUTH', /requires credentials/));
    });
  });
});

describe('registry with token auth', () => {
  const username = 'bob';
  const password = 's3cret-token-pass';
  let tokens: TokenServer;
  let registry: StartedRegistry;

  before(async () => {
    const layout = await smallImageLayout();
    tokens = await startTokenServer({ username, password, service: 'portcullis-test-registry' });
    registry = await startRegistry({
      auth: { kind: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.rootCertBundle },
    });
    await pushToRegistry(`oci:${layout}:amd64`, `${registry.host}/app:1`, { creds: `${username}:${password}` });
  });
  after(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it('follows the Bearer challenge to the token server and caches the token per scope', async () => {
    tokens.requests.length = 0;
    const { image, tar } = await readSmallImage(`${registry.host}/app:1`, { insecure: true, credentials: { username, password } });
    assert.equal(image.config.os, 'linux');
    assert.ok(tar.includes(SMALL_IMAGE_FILE));
    // Manifest, config and layer share the pull scope: one token serves them all.
    assert.deepEqual(tokens.requests, [{ user: username, service: 'portcullis-test-registry', scopes: ['repository:app:pull'] }]);
  });

  it('refuses wrong credentials at the token server with AUTH', async () => {
    await assert.rejects(
      openRemoteImage(`${registry.host}/app:1`, { insecure: true, credentials: { username, password: 'wrong' } }),
      isError('AUTH', /getting a token/),
    );
  });

  it('refuses an anonymous token that grants nothing with AUTH', async () => {
    await withAuthFile({ auths: {} }, async () => {
      await assert.rejects(openRemoteImage(`${registry.host}/app:1`, { insecure: true }), isError('AUTH', /anonymous access refused.*UNAUTHORIZED/));
    });
  });

  it('verifies the token server certificate unless insecure', async () => {
    await assert.rejects(
      openRemoteImage(`${registry.host}/app:1`, { credentials: { username, password } }),
      isError('NETWORK', /TLS verification failed/),
    );
  });
});
