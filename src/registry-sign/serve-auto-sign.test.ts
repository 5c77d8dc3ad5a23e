/**
 * Auto-signing end to end: a real `portcullis serve` with a SoftHSM2 key offered for signing, images
 * pushed with Debian's skopeo, scanned against an advisory database built from the shared data, and
 * checked with `portcullis verify --key pkcs11:...` as a user would. The token's PIN is changed to a
 * distinctive value first, so the test can assert it never shows in logs, audit records or stores.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../test/helpers/cli.ts';
import { writeOciLayout } from '../../test/helpers/image-builder.ts';
import { startServe, TEST_ADMIN_PASSWORD, type ServeProcess } from '../../test/helpers/portcullis-serve.ts';
import { pushToRegistry, requireTool } from '../../test/helpers/registry.ts';
import { openSqliteAuthStore } from '../auth/index.ts';
import { OCI_MANIFEST } from '../oci/index.ts';
import { GHSA, VULNDATA, importGhsa, npmImage, startWebhookReceiver, waitFor, type WebhookReceiver } from '../registry-scan/testing.ts';
import { attachmentTag } from '../signing/index.ts';
import { createTestToken, type TestToken } from '../signing/keys/testing/softhsm.ts';

const PIN = 'autosign-PIN-q7Zr4w';
const ADMIN = `admin:${TEST_ADMIN_PASSWORD}`;
const AUTH = { authorization: `Basic ${Buffer.from(ADMIN).toString('base64')}` };

describe('portcullis serve signs images whose scan meets the project rule', () => {
  let work: string;
  let data: string;
  let db: string;
  let layout: string;
  let authFile: string;
  let token: TestToken;
  let keyRef: string;
  let serve: ServeProcess | undefined;
  let receiver: WebhookReceiver;
  let logs = '';

  async function digestOf(repository: string, tag: string): Promise<string> {
    assert.ok(serve);
    const response = await fetch(`${serve.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { ...AUTH, accept: OCI_MANIFEST } });
    assert.equal(response.status, 200, `HEAD ${repository}:${tag}`);
    return String(response.headers.get('docker-content-digest'));
  }

  async function hasSignatureTag(repository: string, digest: string): Promise<true | undefined> {
    assert.ok(serve);
    const response = await fetch(`${serve.url}/v2/${repository}/manifests/${attachmentTag(digest, 'signature')}`, { method: 'HEAD', headers: { ...AUTH, accept: OCI_MANIFEST } });
    return response.status === 200 ? true : undefined;
  }

  function verify(repository: string, digest: string, command = 'verify') {
    assert.ok(serve);
    return runCli([command, '--key', keyRef, '--authfile', authFile, '--allow-http-registry', `${serve.host}/${repository}@${digest}`]);
  }

  async function api(path: string, init: RequestInit = {}): Promise<Response> {
    assert.ok(serve);
    return fetch(`${serve.url}/api/v1${path}`, { ...init, headers: { ...AUTH, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
  }

  before(async () => {
    requireTool('skopeo', 'skopeo');
    requireTool('pkcs11-tool', 'opensc');
    assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-serve-autosign-'));
    data = join(work, 'data');
    db = join(work, 'advisories.db');
    layout = join(work, 'layout');
    token = createTestToken();
    execFileSync('pkcs11-tool', ['--module', token.module, '--token-label', token.token, '--login', '--pin', token.pin, '--change-pin', '--new-pin', PIN], { stdio: 'ignore' });
    keyRef = token.uri('signing-key', { withoutPin: true });
    const pinFile = join(work, 'pin');
    await writeFile(pinFile, `${PIN}\n`, { mode: 0o600 });
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh]);
    await writeOciLayout(layout, npmImage({ ws: '7.4.0', semver: '7.5.1' }), 'good');
    await writeOciLayout(layout, npmImage({ lodash: '4.17.20' }), 'risky');
    receiver = await startWebhookReceiver();
    serve = await startServe(data, {
      adminPassword: TEST_ADMIN_PASSWORD,
      args: ['--db', db, '--auto-sign-key', keyRef, '--auto-sign-pin-file', pinFile, '--webhook', receiver.url, '--debug'],
    });
    const capture = (chunk: Buffer) => void (logs += chunk.toString('utf8'));
    serve.child.stdout?.on('data', capture);
    serve.child.stderr?.on('data', capture);
    authFile = join(work, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: { [serve.host]: { auth: Buffer.from(ADMIN).toString('base64') } } }), { mode: 0o600 });
  });

  after(async () => {
    await serve?.stop();
    await receiver?.close();
    token?.remove();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('takes the project rule through the API', async () => {
    const response = await api('/projects/team/auto-sign', { method: 'PUT', body: JSON.stringify({ keyRef, rule: 'no CRITICAL, no HIGH with fix', annotations: { pipeline: 'release' } }) });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(((await response.json()) as { rule: string }).rule, 'no CRITICAL, no HIGH with fix');
  });

  it('signs a passing image inside the token; verify --key pkcs11: passes; a failing image is not signed', async () => {
    assert.ok(serve);
    // The failing image goes first: images are scanned and considered in order.
    await pushToRegistry(`oci:${layout}:risky`, `${serve.host}/team/risky:1`, { creds: ADMIN });
    await pushToRegistry(`oci:${layout}:good`, `${serve.host}/team/app:1`, { creds: ADMIN });
    const good = await digestOf('team/app', '1');
    const risky = await digestOf('team/risky', '1');
    await waitFor('the signature of team/app', () => hasSignatureTag('team/app', good), 60_000);

    const verified = await verify('team/app', good);
    assert.equal(verified.code, 0, `verify failed: ${verified.stdout}${verified.stderr}`);
    const attested = await verify('team/app', good, 'verify-attestation');
    assert.equal(attested.code, 0, `verify-attestation failed: ${attested.stdout}${attested.stderr}`);

    assert.equal(await hasSignatureTag('team/risky', risky), undefined, 'the failing image has no signature');
    const refused = await verify('team/risky', risky);
    assert.notEqual(refused.code, 0);
    assert.match(`${refused.stdout}${refused.stderr}`, /no signature found/);
  });

  it('writes an audit record of the signing with the key fingerprint', async () => {
    const good = await digestOf('team/app', '1');
    const opened = openSqliteAuthStore(join(data, 'auth.db'));
    try {
      const record = opened.store.readAudit(0, 10_000).find((entry) => entry.action === 'sign' && entry.target === `team/app@${good}`);
      assert.ok(record, 'an audit record of the signing');
      assert.equal(record.actor, 'portcullis-autosign');
      assert.match(String(record.detail.fingerprint), /^sha256:[0-9a-f]{64}$/);
    } finally {
      opened.close();
    }
  });

  it('reports a rescan that breaks the rule, and keeps the signature', async () => {
    assert.ok(serve);
    const good = await digestOf('team/app', '1');
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh, GHSA.ws]);
    process.kill(Number(serve.child.pid), 'SIGHUP');
    const failure = await waitFor(
      'the rule failure',
      async () => {
        const response = await api('/projects/team/auto-sign/failures');
        const body = (await response.json()) as { failures: Array<{ digest: string; violations: Array<{ clause: string; findings: string[] }> }> };
        return body.failures.find((entry) => entry.digest === good);
      },
      60_000,
    );
    assert.deepEqual(failure.violations, [{ clause: 'no HIGH with fix', findings: ['CVE-2024-37890'] }]);
    const hook = await waitFor('the signing.rule.failed webhook', () =>
      receiver.received.map((entry) => JSON.parse(entry.body) as { type: string; data: { digest: string; rule: string } }).find((body) => body.type === 'signing.rule.failed' && body.data.digest === good),
    );
    assert.equal(hook.data.rule, 'no CRITICAL, no HIGH with fix');
    const verified = await verify('team/app', good);
    assert.equal(verified.code, 0, `the signature stays: ${verified.stdout}${verified.stderr}`);
  });

  it('never writes the PIN to logs, the audit log or its stores', async () => {
    assert.ok(logs.includes('auto-sign: signed team/app@'), `the log shows the signing happened: ${logs.slice(-2000)}`);
    assert.equal(logs.includes(PIN), false, 'the PIN is not in the server output');
    assert.equal(receiver.received.some((entry) => entry.body.includes(PIN)), false, 'the PIN is not in any webhook');
    for (const file of ['auto-sign.db', 'auth.db']) {
      const bytes = await readFile(join(data, file));
      assert.equal(bytes.includes(PIN), false, `the PIN is not in ${file}`);
    }
  });
});
