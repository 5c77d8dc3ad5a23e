/**
 * `portcullis policy eval` against a real `portcullis serve` (access control on, images pushed with
 * Debian's skopeo, scanned by the server against real advisory data, signed by Portcullis), whose
 * stored scan and labels are read from the image's own registry with the registry's credentials;
 * against a plain docker-registry that keeps no scans; and with a fresh scan (--db).
 * `portcullis policy test` exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../test/helpers/cli.ts';
import { writeOciLayout } from '../../../test/helpers/image-builder.ts';
import { startServe, TEST_ADMIN_PASSWORD, type ServeProcess } from '../../../test/helpers/portcullis-serve.ts';
import { pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';
import { GHSA, importGhsa, npmImage, waitFor } from '../../registry-scan/testing.ts';
import { resolveTarget, signImage } from '../../signing/index.ts';
import { publicKeyToPem } from '../../signing/keys/index.ts';
import { testKey } from '../../signing/test-keys.ts';

const POLICY_TESTS = new URL('../../policy/testdata/policy-tests', import.meta.url).pathname;
const ADMIN = { username: 'admin', password: TEST_ADMIN_PASSWORD };
const AUTH = { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}` };

describe('portcullis policy eval', () => {
  let serve: ServeProcess;
  let registry: StartedRegistry;
  let dir: string;
  let authFile: string;
  let db: string;
  const release = testKey('release');

  /** Waits until the server's scan of `repository:tag` is completed; returns the image's digest. */
  async function scanned(repository: string, tag: string): Promise<string> {
    const target = await resolveTarget(`${serve.host}/${repository}:${tag}`, { credentials: ADMIN, insecure: true, env: {} });
    await waitFor(`the stored scan of ${repository}@${target.digest}`, async () => {
      const response = await fetch(`${serve.url}/api/v1/repositories/${encodeURIComponent(repository)}/artifacts/${target.digest}/scan`, { headers: AUTH });
      return response.status === 200 && ((await response.json()) as { state: string }).state === 'completed' ? true : undefined;
    }, 60_000);
    return target.digest;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-policy-eval-'));
    db = join(dir, 'advisories.db');
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh, GHSA.ws]);
    const layout = join(dir, 'layout');
    await writeOciLayout(layout, npmImage({ semver: '7.5.1' }), 'good');
    await writeOciLayout(layout, npmImage({ lodash: '4.17.20' }), 'risky');
    serve = await startServe(join(dir, 'data'), { adminPassword: TEST_ADMIN_PASSWORD, args: ['--db', db] });
    const creds = `${ADMIN.username}:${ADMIN.password}`;
    await pushToRegistry(`oci:${layout}:good`, `${serve.host}/shop/good:1`, { creds });
    await pushToRegistry(`oci:${layout}:risky`, `${serve.host}/shop/risky:1`, { creds });
    const good = await resolveTarget(`${serve.host}/shop/good:1`, { credentials: ADMIN, insecure: true, env: {} });
    await signImage(good, release.signer);
    const labelled = await fetch(`${serve.url}/api/v1/repositories/shop%2Fgood/artifacts/${good.digest}/labels/team`, { method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ value: 'payments' }) });
    assert.equal(labelled.status, 200, await labelled.text());
    await scanned('shop/good', '1');
    await scanned('shop/risky', '1');

    registry = await startRegistry();
    await pushToRegistry(`oci:${await smallImageLayout()}:amd64`, `${registry.host}/policy/app:1`);
    await pushToRegistry(`oci:${layout}:good`, `${registry.host}/policy/shop:1`);

    authFile = join(dir, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: { [serve.host]: { auth: Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64') } } }), { mode: 0o600 });
    await writeFile(join(dir, 'release.pub'), publicKeyToPem(release.trusted.publicKey));
    await writeFile(
      join(dir, 'org.yaml'),
      `attestors:\n  - { name: release, publicKeyFile: release.pub }\ndefaultAdmissionRule:\n  evaluationMode: REQUIRE_ATTESTATION\n  requireAttestationsBy: [release]\nrequireScan: true\nmaxImageAgeDays: 36500\n`,
    );
    await writeFile(join(dir, 'prod.yaml'), 'packageVulnerabilityRequirements: { maximumSeverity: MEDIUM }\nrequiredLabels: { team: payments }\n');
  });
  after(async () => {
    await serve?.stop();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const evalImage = (image: string, ...extra: string[]) => runCli(['policy', 'eval', image, '--allow-http-registry', '--authfile', authFile, ...extra], { env: { PORTCULLIS_DB: join(dir, 'no-such.db') } });
  const layers = () => ['--policy', `organisation=${join(dir, 'org.yaml')}`, '--policy', `namespace:prod=${join(dir, 'prod.yaml')}`, '--namespace', 'prod'];

  it('allows a signed, scanned, labelled image on the stored scan of its registry, and prints every reason', async () => {
    const result = await evalImage(`${serve.host}/shop/good:1`, ...layers());
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`^ALLOWED  ${serve.host.replaceAll('.', '\\.')}/shop/good@sha256:[0-9a-f]{64}`));
    assert.match(result.stdout, /\[organisation\] signature: signed by attestor release \(key sha256:[0-9a-f]{64}, cosign-tag\)/);
    assert.match(result.stdout, /\[organisation\] scan: scan completed at \S+ with 1 findings/);
    assert.doesNotMatch(result.stderr, /warning/);
  });

  it('denies with exit 1 and names the layer and rule of each violation, and the stored finding', async () => {
    const result = await evalImage(`${serve.host}/shop/risky:1`, ...layers(), '--format', 'json');
    assert.equal(result.code, 1, result.stderr);
    const { decision, input } = JSON.parse(result.stdout) as { decision: { allowed: boolean; violations: Array<{ layer: string; rule: string }> }; input: { deployment: { namespace: string }; scan: { state: string; findings: number } } };
    assert.equal(decision.allowed, false);
    assert.deepEqual(decision.violations.map((violation) => `${violation.layer}/${violation.rule}`).sort(), ['namespace:prod/maximumSeverity', 'namespace:prod/requiredLabels', 'organisation/requireAttestationsBy']);
    assert.equal(input.deployment.namespace, 'prod');
    assert.equal(input.scan.state, 'completed');
    assert.equal(input.scan.findings, 1);

    const table = await evalImage(`${serve.host}/shop/risky:1`, '--policy', join(dir, 'prod.yaml'));
    assert.equal(table.code, 1, table.stderr);
    assert.match(table.stdout, /\[prod\.yaml\] maximumSeverity: .*CVE-2021-23337 \(HIGH, lodash 4\.17\.20, fixed in 4\.17\.21\)/);
  });

  it('counts an image in a registry that keeps no scans as never scanned, with a warning; --scan-source none without one', async () => {
    const stored = await evalImage(`${registry.host}/policy/app:1`, '--policy', join(dir, 'org.yaml'), '--format', 'json');
    assert.equal(stored.code, 1, stored.stderr);
    assert.match(stored.stderr, /warning: .*policy\/app@sha256:[0-9a-f]{64}: no stored scan \(the registry answered HTTP 404/);
    const { decision } = JSON.parse(stored.stdout) as { decision: { violations: Array<{ rule: string }> } };
    assert.deepEqual(decision.violations.map((violation) => violation.rule).sort(), ['requireAttestationsBy', 'requireScan']);

    const none = await evalImage(`${serve.host}/shop/good:1`, '--policy', join(dir, 'org.yaml'), '--scan-source', 'none');
    assert.equal(none.code, 1, none.stderr);
    assert.match(none.stdout, /\[org\.yaml\] requireScan: .* has no completed scan \(scan none\)/);
    assert.doesNotMatch(none.stderr, /warning/);
  });

  it('scans the image now with --db', async () => {
    const result = await evalImage(`${registry.host}/policy/shop:1`, '--policy', join(dir, 'prod.yaml'), '--db', db, '--format', 'json');
    assert.equal(result.code, 1, result.stderr);
    const { decision } = JSON.parse(result.stdout) as { decision: { violations: Array<{ rule: string; findings?: Array<{ id: string; package: string }> }> } };
    assert.deepEqual(decision.violations.map((violation) => violation.rule), ['requiredLabels']);
    const fresh = await evalImage(`${registry.host}/policy/shop:1`, '--policy', join(dir, 'org.yaml'), '--scan-source', 'fresh', '--format', 'json');
    assert.equal(fresh.code, 2, 'the default database does not exist');
    assert.match(fresh.stderr, /no advisory database at .*no-such\.db/);
  });

  it('exits 2 on bad input: a broken policy, a missing image, a bad option', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'defaultAdmissionRule:\n  evaluationMode: MAYBE\n');
    const broken = await evalImage(`${registry.host}/policy/app:1`, '--policy', join(dir, 'broken.yaml'));
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.yaml:2:19: defaultAdmissionRule\.evaluationMode must be equal to one of the allowed values/);
    const missing = await evalImage(`${registry.host}/policy/nothing:1`, '--policy', join(dir, 'prod.yaml'), '--timeout', '10');
    assert.equal(missing.code, 2, missing.stderr);
    const both = await runCli(['policy', 'eval', 'x', '--policy', 'p.yaml', '--scan-source', 'stored', '--db', 'b']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--db is for a fresh scan: it does not go with --scan-source stored/);
    const unknown = await runCli(['policy', 'eval', 'x', '--policy', 'p.yaml', '--scan-source', 'server']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--scan-source must be one of stored, fresh, none/);
    const removed = await runCli(['policy', 'eval', 'x', '--policy', 'p.yaml', '--server', 'http://a']);
    assert.equal(removed.code, 2);
    assert.match(removed.stderr, /--server/);
  });
});

describe('portcullis policy test', () => {
  it('prints pass or fail per case and exits 1 when any fails', async () => {
    const result = await runCli(['policy', 'test', POLICY_TESTS]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL {2}failing\.test\.yaml: wrongly expected to be allowed\n {6}expected allowed, got denied\n/);
    assert.match(result.stdout, /PASS {2}production\.test\.yaml: a clean, labelled image is allowed/);
    assert.match(result.stdout, /\n2 passed, 1 failed\n$/);
  });

  it('exits 0 when every case passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-policy-test-'));
    try {
      await writeFile(join(dir, 'policy.yaml'), 'requireScan: true\n');
      await writeFile(join(dir, 'scan.test.yaml'), `policies: [policy.yaml]\ncases:\n  - name: unscanned is denied\n    input: { action: sign, image: { reference: r/a, registry: r, repository: a, digest: "sha256:${'4'.repeat(64)}" }, now: "2026-01-01T00:00:00Z" }\n    expect: { allowed: false, violations: [requireScan] }\n`);
      const result = await runCli(['policy', 'test', dir]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /1 passed, 0 failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
