/**
 * The seed pipeline end to end, as examples/pipeline/run.sh runs it: a real `portcullis serve`
 * (HTTPS on loopback, as Kubernetes calls webhooks) with an advisory database built by `portcullis db import` from the shared data,
 * a SoftHSM2 vault key offered for auto-signing, the project's auto-sign rule, and the admission
 * policy of examples/pipeline requiring that key. Images built from files are pushed with skopeo,
 * scanned on push, signed by the vault key only when their scan meets the rule, and decided by the
 * admission webhook from the example's AdmissionReview; a newer advisory and a rescan turn a
 * running image into a violation that continuous validation reports (API, signed webhook,
 * `portcullis status`). Fails with a clear message when skopeo, SoftHSM2 or OpenSC is missing.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { runCli } from './helpers/cli.ts';
import { writeOciLayout } from './helpers/image-builder.ts';
import { startServe, TEST_ADMIN_PASSWORD, type ServeProcess } from './helpers/portcullis-serve.ts';
import { pushToRegistry, requireTool } from './helpers/registry.ts';
import { generateWebhookCertificate } from '../src/admission/index.ts';
import { OCI_MANIFEST } from '../src/oci/index.ts';
import { GHSA, VULNDATA, importGhsa, npmImage, startWebhookReceiver, waitFor, type WebhookReceiver } from '../src/registry-scan/testing.ts';
import { SIGNATURE_HEADER, signBody } from '../src/registry-scan/index.ts';
import { attachmentTag } from '../src/signing/index.ts';
import { createTestToken, type TestToken } from '../src/signing/keys/testing/softhsm.ts';

const EXAMPLE = new URL('../examples/pipeline/', import.meta.url);
const ADMIN = `admin:${TEST_ADMIN_PASSWORD}`;
const AUTH = { authorization: `Basic ${Buffer.from(ADMIN).toString('base64')}` };
const WEBHOOK_SECRET = 'pipeline-webhook-secret';
const OTHER_KEY_PASSWORD = 'another-key-passphrase';

interface ReviewAnswer {
  response: { uid: string; allowed: boolean; status?: { message: string }; warnings?: string[]; patchType?: string; patch?: string };
}

describe('the seed pipeline: push, scan, sign, admit, watch', () => {
  let work: string;
  let db: string;
  let layout: string;
  let authFile: string;
  let token: TestToken;
  let keyRef: string;
  let serve: ServeProcess | undefined;
  let receiver: WebhookReceiver;
  let appDigest = '';
  /** Trusts only the test CA that signed serve's certificate; the CLI gets it as NODE_EXTRA_CA_CERTS. */
  let tls: Agent;
  let cliEnv: NodeJS.ProcessEnv;

  const request = (url: string, init: RequestInit = {}) => fetch(url, { ...init, dispatcher: tls } as RequestInit);

  const image = (repository: string, tag: string) => `${serve?.host}/${repository}:${tag}`;

  async function api(path: string, init: RequestInit = {}): Promise<Response> {
    assert.ok(serve);
    return request(`${serve.url}/api/v1${path}`, { ...init, headers: { ...AUTH, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
  }

  async function digestOf(repository: string, tag: string): Promise<string> {
    assert.ok(serve);
    const response = await request(`${serve.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { ...AUTH, accept: OCI_MANIFEST } });
    assert.equal(response.status, 200, `HEAD ${repository}:${tag}`);
    return String(response.headers.get('docker-content-digest'));
  }

  async function summaryOf(repository: string, digest: string): Promise<{ state: string; summary: Record<string, number> }> {
    const response = await api(`/repositories/${encodeURIComponent(repository)}/artifacts/${digest}/vulnerabilities/summary`);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { state: string; summary: Record<string, number> };
  }

  async function scanned(repository: string, digest: string): Promise<{ state: string; summary: Record<string, number> }> {
    return waitFor(`the scan of ${repository}`, async () => {
      const summary = await summaryOf(repository, digest);
      return summary.state === 'completed' ? summary : undefined;
    }, 60_000);
  }

  async function signed(repository: string, digest: string): Promise<boolean> {
    assert.ok(serve);
    const response = await request(`${serve.url}/v2/${repository}/manifests/${attachmentTag(digest, 'signature')}`, { method: 'HEAD', headers: { ...AUTH, accept: OCI_MANIFEST } });
    return response.status === 200;
  }

  /** The example's AdmissionReview for a Deployment `name` running `reference`. */
  async function review(reference: string, name: string, annotations: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const template = await readFile(new URL('deployment-review.json', EXAMPLE), 'utf8');
    const body = JSON.parse(template.replaceAll('__IMAGE__', reference).replaceAll('__NAME__', name).replaceAll('__UID__', crypto.randomUUID())) as { request: { object: { metadata: { annotations: Record<string, string> } } } };
    body.request.object.metadata.annotations = annotations;
    return body as unknown as Record<string, unknown>;
  }

  async function admission(kind: 'validate' | 'mutate', body: Record<string, unknown>): Promise<ReviewAnswer['response']> {
    assert.ok(serve);
    const response = await request(`${serve.url}/admission/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as ReviewAnswer).response;
  }

  before(async () => {
    requireTool('skopeo', 'skopeo');
    requireTool('softhsm2-util', 'softhsm2');
    requireTool('pkcs11-tool', 'opensc');
    assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-pipeline-'));
    db = join(work, 'advisories.db');
    layout = join(work, 'layout');
    token = createTestToken();
    keyRef = token.uri('signing-key', { withoutPin: true });
    await writeFile(join(work, 'pin'), `${token.pin}\n`, { mode: 0o600 });
    await writeFile(join(work, 'webhook-secret'), `${WEBHOOK_SECRET}\n`, { mode: 0o600 });
    // The vault key's public half, exported from the token as a user would, beside the example's policy.
    const exported = await runCli(['keys', 'export-public', token.uri('signing-key')]);
    assert.equal(exported.code, 0, exported.stderr);
    await writeFile(join(work, 'vault.pub'), exported.stdout);
    for (const file of ['policy.yaml', 'trust.yaml']) await copyFile(new URL(file, EXAMPLE), join(work, file));
    const other = await runCli(['keys', 'generate', '--output-key-prefix', join(work, 'other')], { env: { PORTCULLIS_PASSWORD: OTHER_KEY_PASSWORD } });
    assert.equal(other.code, 0, other.stderr);
    await writeOciLayout(layout, npmImage({ ws: '7.4.0', semver: '7.5.1' }), 'app');
    await writeOciLayout(layout, npmImage({ lodash: '4.17.20' }), 'risky');
    await writeOciLayout(layout, npmImage({ 'left-pad': '1.3.0' }), 'tool');
    await writeOciLayout(layout, npmImage({ 'is-odd': '3.0.1' }), 'foreign');
    receiver = await startWebhookReceiver();
    const certificate = await generateWebhookCertificate({ serviceName: 'portcullis', namespace: 'portcullis', extraNames: ['127.0.0.1'] });
    await writeFile(join(work, 'tls.crt'), certificate.cert);
    await writeFile(join(work, 'tls.key'), certificate.key, { mode: 0o600 });
    await writeFile(join(work, 'ca.crt'), certificate.caCert);
    tls = new Agent({ connect: { ca: certificate.caCert } });
    cliEnv = { NODE_EXTRA_CA_CERTS: join(work, 'ca.crt') };
  });

  after(async () => {
    await serve?.stop();
    await receiver?.close();
    await tls?.close();
    token?.remove();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('builds the advisory database with portcullis db import and starts serve with admission', async () => {
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh]);
    serve = await startServe(join(work, 'data'), {
      adminPassword: TEST_ADMIN_PASSWORD,
      args: [
        '--tls-cert', join(work, 'tls.crt'), '--tls-key', join(work, 'tls.key'),
        '--db', db,
        '--auto-sign-key', keyRef, '--auto-sign-pin-file', join(work, 'pin'),
        '--admission', '--admission-policy', join(work, 'policy.yaml'), '--admission-trust', join(work, 'trust.yaml'), '--admission-cluster', 'prod',
        '--webhook', receiver.url, '--webhook-secret-file', join(work, 'webhook-secret'),
      ],
    });
    await writeFile((authFile = join(work, 'auth.json')), JSON.stringify({ auths: { [serve.host]: { auth: Buffer.from(ADMIN).toString('base64') } } }), { mode: 0o600 });
    const response = await api('/projects/team/auto-sign', { method: 'PUT', body: JSON.stringify({ keyRef, rule: 'no CRITICAL, no HIGH with fix' }) });
    assert.equal(response.status, 200, await response.clone().text());
  });

  it('scans on push and signs with the vault key only the image whose score meets the rule', async () => {
    assert.ok(serve);
    await pushToRegistry(`oci:${layout}:risky`, `${serve.host}/team/risky:1`, { creds: ADMIN });
    await pushToRegistry(`oci:${layout}:app`, `${serve.host}/team/app:1`, { creds: ADMIN });
    appDigest = await digestOf('team/app', '1');
    const risky = await digestOf('team/risky', '1');
    const riskyScan = await scanned('team/risky', risky);
    assert.ok((riskyScan.summary.HIGH ?? 0) >= 1, `lodash 4.17.20 has a HIGH finding: ${JSON.stringify(riskyScan.summary)}`);
    const appScan = await scanned('team/app', appDigest);
    assert.equal(appScan.summary.HIGH, 0, JSON.stringify(appScan.summary));
    assert.equal(appScan.summary.CRITICAL, 0, JSON.stringify(appScan.summary));
    assert.ok((appScan.summary.total ?? 0) >= 1, `semver 7.5.1 has a MEDIUM finding: ${JSON.stringify(appScan.summary)}`);
    await waitFor('the vault signature of team/app', async () => ((await signed('team/app', appDigest)) ? true : undefined), 60_000);
    const verified = await runCli(['verify', '--key', join(work, 'vault.pub'), '--authfile', authFile, `${serve.host}/team/app@${appDigest}`], { env: cliEnv });
    assert.equal(verified.code, 0, `${verified.stdout}${verified.stderr}`);
    assert.equal(await signed('team/risky', risky), false, 'the image over the rule is not signed');
  });

  it('admits the Deployment of the signed image and pins it to its digest', async () => {
    const allowed = await admission('validate', await review(image('team/app', '1'), 'web'));
    assert.equal(allowed.allowed, true, allowed.status?.message);
    const mutated = await admission('mutate', await review(image('team/app', '1'), 'web'));
    assert.equal(mutated.allowed, true);
    assert.equal(mutated.patchType, 'JSONPatch');
    const patch = JSON.parse(Buffer.from(mutated.patch ?? '', 'base64').toString('utf8')) as Array<{ op: string; path: string; value: string }>;
    assert.deepEqual(patch, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${serve?.host}/team/app@${appDigest}` }]);
    const running = await waitFor('the deployment on the inventory', async () => {
      const body = (await (await api('/deployments')).json()) as { deployments: Array<{ name: string; status: string; digest?: string }> };
      return body.deployments.find((deployment) => deployment.name === 'web' && deployment.status !== 'unevaluated');
    });
    assert.deepEqual({ status: running.status, digest: running.digest }, { status: 'compliant', digest: appDigest });
  });

  it('denies an unsigned image, naming the vault attestor', async () => {
    assert.ok(serve);
    await pushToRegistry(`oci:${layout}:tool`, `${serve.host}/staging/tool:1`, { creds: ADMIN });
    await scanned('staging/tool', await digestOf('staging/tool', '1'));
    const denied = await admission('validate', await review(image('staging/tool', '1'), 'tool'));
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /vault/);
  });

  it('denies an image signed by another key', async () => {
    assert.ok(serve);
    await pushToRegistry(`oci:${layout}:foreign`, `${serve.host}/staging/foreign:1`, { creds: ADMIN });
    const digest = await digestOf('staging/foreign', '1');
    await scanned('staging/foreign', digest);
    const signedByOther = await runCli(['sign', '--key', join(work, 'other.key'), '--authfile', authFile, `${serve.host}/staging/foreign@${digest}`], { env: { ...cliEnv, PORTCULLIS_PASSWORD: OTHER_KEY_PASSWORD } });
    assert.equal(signedByOther.code, 0, signedByOther.stderr);
    assert.equal(await signed('staging/foreign', digest), true, 'the other key did sign it');
    const denied = await admission('validate', await review(image('staging/foreign', '1'), 'foreign'));
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /vault/);
  });

  it('denies the image once a newer advisory and a rescan make it fail, and says why', async () => {
    assert.ok(serve);
    await importGhsa(db, [GHSA.semver, GHSA.lodashHigh, GHSA.ws]);
    process.kill(Number(serve.child.pid), 'SIGHUP');
    await waitFor('the rescan finding ws CVE-2024-37890', async () => ((await summaryOf('team/app', appDigest)).summary.HIGH === 1 ? true : undefined), 60_000);
    const denied = await waitFor('the denial', async () => {
      const answer = await admission('validate', await review(image('team/app', '1'), 'web-canary'));
      return answer.allowed ? undefined : answer;
    });
    assert.match(denied.status?.message ?? '', /no HIGH with fix/);
    assert.match(denied.status?.message ?? '', /CVE-2024-37890|GHSA-3h5v-q93c-6h6q/);
  });

  it('reports the running image as a violation: API and signed deployment.violation webhook', async () => {
    const violation = await waitFor('the violation', async () => {
      const body = (await (await api('/deployments/violations')).json()) as { violations: Array<{ name: string; cluster?: string; decision: { denials: string[] } }> };
      return body.violations.find((entry) => entry.name === 'web');
    });
    assert.equal(violation.cluster, 'prod');
    assert.match(violation.decision.denials.join('\n'), /no HIGH with fix/);
    const delivery = await waitFor('the deployment.violation webhook', () =>
      receiver.received.find((entry) => (JSON.parse(entry.body) as { type: string; data: { name: string } }).type === 'deployment.violation' && entry.body.includes('"name":"web"')),
    );
    assert.equal(delivery.headers[SIGNATURE_HEADER], signBody(WEBHOOK_SECRET, delivery.body), 'the webhook is HMAC-signed');
    const data = (JSON.parse(delivery.body) as { data: { digest: string; trigger: string; reasons: string[] } }).data;
    assert.equal(data.digest, appDigest);
    assert.equal(data.trigger, 'rescan');
  });

  it('admits a break-glass deploy of the failing image, and audits it', async () => {
    const answer = await admission('validate', await review(image('team/app', '1'), 'web-hotfix', { 'portcullis.dev/break-glass': 'INC-4711 checkout down' }));
    assert.equal(answer.allowed, true);
    assert.match((answer.warnings ?? []).join('\n'), /break-glass/);
    // Listed unfiltered: the audit API's action filter does not take the underscore of admission.break_glass.
    const records = (await (await api('/audit')).json()) as { records: Array<{ action: string; actor: string; target: string; detail: Record<string, unknown> }> };
    const record = records.records.find((entry) => entry.action === 'admission.break_glass' && entry.target.includes('web-hotfix'));
    assert.ok(record, `an audit record of the break-glass deploy in ${JSON.stringify(records)}`);
    assert.equal(record.actor, 'ci-deployer');
    assert.equal(record.detail.reason, 'INC-4711 checkout down');
  });

  it('portcullis status shows the violations and exits 1', async () => {
    assert.ok(serve);
    await waitFor('the break-glass deploy on the inventory', async () => {
      const body = (await (await api('/deployments/violations')).json()) as { violations: Array<{ name: string }> };
      return body.violations.some((entry) => entry.name === 'web-hotfix') ? true : undefined;
    });
    const status = await runCli(['status', '--server', serve.url], { env: { ...cliEnv, PORTCULLIS_SERVER_USER: 'admin', PORTCULLIS_SERVER_PASSWORD: TEST_ADMIN_PASSWORD } });
    assert.equal(status.code, 1, status.stderr);
    assert.match(status.stdout, /Running images: 2 {3}compliant: 0 {3}violating: 2/);
    assert.match(status.stdout, /violating +prod:Deployment shop\/web /);
    assert.match(status.stdout, /violating \(break-glass\) +prod:Deployment shop\/web-hotfix/);
    assert.match(status.stdout, /no HIGH with fix/);
  });
});
