/**
 * `portcullis sign --require-scan` against a Portcullis server: the server's stored scan is the
 * evidence (`--scan-source stored|auto`), with the same credentials as the registry; an index is
 * gated platform by platform and `--recursive` signs each platform too. A real `portcullis serve`
 * with access control, images pushed with Debian's skopeo, real advisory data; no local advisory
 * database exists, so a fresh scan here could not have been what passed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../test/helpers/cli.ts';
import { writeOciLayout } from '../../../test/helpers/image-builder.ts';
import { startServe, TEST_ADMIN_PASSWORD, type ServeProcess } from '../../../test/helpers/portcullis-serve.ts';
import { pushToRegistry, requireTool, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';
import { OCI_INDEX, OCI_MANIFEST, formatPlatform, parseIndex } from '../../oci/index.ts';
import { GHSA, importGhsa, npmImage, waitFor } from '../../registry-scan/testing.ts';
import { attachmentTag } from '../../signing/index.ts';

const KEYS = new URL('../../../../shared/cosign-fixtures/keys/', import.meta.url).pathname;
/** policy-controller's example cosign key pair; its passphrase is empty. */
const KEY = join(KEYS, 'policy-controller-cosign.key');
const PUB = join(KEYS, 'policy-controller-cosign.pub');
const RULE = 'no CRITICAL, no HIGH with fix';
const ADMIN = `admin:${TEST_ADMIN_PASSWORD}`;
const AUTH = { authorization: `Basic ${Buffer.from(ADMIN).toString('base64')}` };

/** The platform images an index lists, as "os/arch" and digest. */
function parseImageIndex(bytes: string): Array<{ platform: string; digest: string }> {
  return parseIndex(Buffer.from(bytes)).manifests.map((entry) => ({ platform: entry.platform === undefined ? '' : formatPlatform(entry.platform), digest: entry.digest }));
}

describe('sign --require-scan with the stored scan of a Portcullis server', () => {
  let work: string;
  let serve: ServeProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let authFile: string;

  const run = (args: string[]) => runCli(args, { env });
  const sign = (image: string, ...extra: string[]) => run(['sign', `${serve!.host}/${image}`, '--key', KEY, '--authfile', authFile, '--allow-http-registry', '--require-scan', RULE, ...extra]);
  const verify = (image: string, command = 'verify') => run([command, `${serve!.host}/${image}`, '--key', PUB, '--authfile', authFile, '--allow-http-registry']);

  async function manifest(repository: string, reference: string): Promise<{ digest: string; bytes: string }> {
    const response = await fetch(`${serve!.url}/v2/${repository}/manifests/${reference}`, { headers: { ...AUTH, accept: `${OCI_MANIFEST}, ${OCI_INDEX}` } });
    assert.equal(response.status, 200, `GET ${repository}:${reference}`);
    return { digest: String(response.headers.get('docker-content-digest')), bytes: await response.text() };
  }

  async function scanned(repository: string, digest: string): Promise<void> {
    await waitFor(`the stored scan of ${repository}@${digest}`, async () => {
      const response = await fetch(`${serve!.url}/api/v1/repositories/${encodeURIComponent(repository)}/artifacts/${digest}/scan`, { headers: AUTH });
      return response.status === 200 && ((await response.json()) as { state: string }).state === 'completed' ? true : undefined;
    }, 60_000);
  }

  async function hasSignature(repository: string, digest: string): Promise<boolean> {
    const response = await fetch(`${serve!.url}/v2/${repository}/manifests/${attachmentTag(digest, 'signature')}`, { method: 'HEAD', headers: { ...AUTH, accept: OCI_MANIFEST } });
    return response.status === 200;
  }

  before(async () => {
    requireTool('skopeo', 'skopeo');
    work = await mkdtemp(join(tmpdir(), 'portcullis-sign-stored-'));
    const db = join(work, 'advisories.db');
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh]);
    const layout = join(work, 'layout');
    const passing = npmImage({ semver: '7.5.1' });
    const failing = npmImage({ lodash: '4.17.20' });
    await writeOciLayout(layout, passing, 'good');
    await writeOciLayout(layout, failing, 'risky');
    await writeOciLayout(layout, { index: [{ ...passing, platform: { os: 'linux', architecture: 'amd64' } }, { ...failing, platform: { os: 'linux', architecture: 'arm64' } }] }, 'mixed');
    await writeOciLayout(layout, { index: [{ ...passing, platform: { os: 'linux', architecture: 'amd64' } }, { ...npmImage({ ws: '8.18.0' }), platform: { os: 'linux', architecture: 'arm64' } }] }, 'clean');
    serve = await startServe(join(work, 'data'), { adminPassword: TEST_ADMIN_PASSWORD, args: ['--db', db] });
    for (const [tag, repository] of [['good', 'shop/good'], ['risky', 'shop/risky'], ['mixed', 'shop/mixed'], ['clean', 'shop/clean']] as const) {
      await pushToRegistry(`oci:${layout}:${tag}`, `${serve.host}/${repository}:1`, { creds: ADMIN, all: true });
    }
    authFile = join(work, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: { [serve.host]: { auth: Buffer.from(ADMIN).toString('base64') } } }), { mode: 0o600 });
    // No advisory database on this side: only the server's stored scans can answer.
    env = { COSIGN_PASSWORD: '', PORTCULLIS_PASSWORD: undefined, PORTCULLIS_DB: join(work, 'no-such.db'), XDG_CACHE_HOME: join(work, 'cache') };
  });

  after(async () => {
    await serve?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('signs on the stored scan and attaches it as the vuln attestation', async () => {
    const { digest } = await manifest('shop/good', '1');
    await scanned('shop/good', digest);
    for (const source of ['stored', 'auto']) {
      const signed = await sign('shop/good:1', '--scan-source', source);
      assert.equal(signed.code, 0, signed.stderr);
      assert.match(signed.stdout, /scan rule "no CRITICAL, no HIGH with fix" passed \(stored scan\); vuln attestation attached/);
    }
    assert.equal((await verify('shop/good:1')).code, 0);
    const attested = await verify('shop/good:1', 'verify-attestation');
    assert.equal(attested.code, 0, attested.stdout + attested.stderr);
  });

  it('refuses an image whose stored scan breaks the rule, naming the finding', async () => {
    const { digest } = await manifest('shop/risky', '1');
    await scanned('shop/risky', digest);
    const refused = await sign('shop/risky:1', '--scan-source', 'stored');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /\[scanRule\] [^\n]* breaks scan rule "no HIGH with fix"[^\n]*: CVE-2021-23337 \(HIGH, lodash 4\.17\.20, fixed in 4\.17\.21\)/);
    assert.equal(await hasSignature('shop/risky', digest), false);
  });

  it('gates every platform of an index and names the failing one; nothing is signed', async () => {
    const index = await manifest('shop/mixed', '1');
    const children = parseImageIndex(index.bytes);
    for (const child of children) await scanned('shop/mixed', child.digest);
    const refused = await sign('shop/mixed:1');
    assert.equal(refused.code, 1, refused.stderr);
    const arm = children.find((child) => child.platform === 'linux/arm64');
    assert.ok(arm);
    assert.match(refused.stderr, new RegExp(`platform linux/arm64 \\(${arm.digest}\\):\\n {4}\\[scanRule\\] [^\\n]*breaks scan rule "no HIGH with fix"[^\\n]*CVE-2021-23337 \\(HIGH, lodash`));
    assert.doesNotMatch(refused.stderr, /platform linux\/amd64/, 'the passing platform is not reported');
    assert.equal(await hasSignature('shop/mixed', index.digest), false);
  });

  it('signs a passing index, and with --recursive each platform too, with one attestation per platform', async () => {
    const index = await manifest('shop/clean', '1');
    const children = parseImageIndex(index.bytes);
    for (const child of children) await scanned('shop/clean', child.digest);
    const signed = await sign('shop/clean:1', '--recursive');
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(await hasSignature('shop/clean', index.digest), true);
    for (const child of children) {
      assert.equal(await hasSignature('shop/clean', child.digest), true, `platform ${child.platform} is signed`);
      const attested = await verify(`shop/clean@${child.digest}`, 'verify-attestation');
      assert.equal(attested.code, 0, attested.stdout + attested.stderr);
    }
    assert.equal((await verify(`shop/clean@${index.digest}`)).code, 0);
  });

  it('with --scan-source stored, refuses a registry that keeps no scans; refuses local suppressions', async () => {
    let registry: StartedRegistry | undefined;
    try {
      registry = await startRegistry();
      await pushToRegistry(`oci:${join(work, 'layout')}:good`, `${registry.host}/shop/good:1`);
      const refused = await run(['sign', `${registry.host}/shop/good:1`, '--key', KEY, '--require-scan', RULE, '--scan-source', 'stored']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /--scan-source stored: .*no stored scan \(the registry answered HTTP 404/);
    } finally {
      await registry?.stop();
    }
    const ignorefile = join(work, 'ignore.yaml');
    await writeFile(ignorefile, 'ignore: []\n');
    const usage = await sign('shop/good:1', '--scan-source', 'stored', '--ignorefile', ignorefile);
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /--ignorefile and --vex apply to a fresh scan/);
    const bad = await sign('shop/good:1', '--scan-source', 'sometimes');
    assert.equal(bad.code, 2);
  });
});
