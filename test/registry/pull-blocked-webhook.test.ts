/**
 * Pull gates end to end: a real `portcullis serve` with access control, a project gate set with the
 * real `portcullis admin`, an image pushed and pulled with Debian's skopeo, and a node:http webhook
 * receiver that checks the HMAC signature of every delivery itself. A refused pull must reach the
 * client as 403 with the OCI error body, and the receiver as a signed "pull.blocked" event naming
 * the image and the reason. One server gates on findings (an advisory database built from the
 * shared advisory data), another on scans not yet run (--scan-workers 0 keeps them queued).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GHSA, importGhsa, npmImage, startWebhookReceiver, waitFor, type WebhookReceiver } from '../../src/registry-scan/testing.ts';
import { OCI_MANIFEST } from '../../src/oci/index.ts';
import { writeOciLayout } from '../helpers/image-builder.ts';
import { type ServeProcess, TEST_ADMIN_PASSWORD, startServe } from '../helpers/portcullis-serve.ts';
import { pushToRegistry, requireTool } from '../helpers/registry.ts';

const CLI = new URL('../../bin/portcullis.js', import.meta.url).pathname;
const SECRET = 'pull-blocked-test-secret';
const CREDS = `admin:${TEST_ADMIN_PASSWORD}`;
const execFileAsync = promisify(execFile);

interface Run {
  code: number;
  stderr: string;
}

/** Runs a command without throwing: the pulls under test are meant to fail. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  try {
    const { stderr } = await execFileAsync(command, args, { encoding: 'utf8', timeout: 120_000, env });
    return { code: 0, stderr };
  } catch (error) {
    const { code, stderr = '' } = error as { code?: number; stderr?: string };
    return { code: typeof code === 'number' ? code : 1, stderr };
  }
}

interface PullBlockedDelivery {
  type: string;
  data: { repository: string; digest: string; reason: string; findings: string[] };
}

/** One server with a webhook receiver, a gated project "team" and the image pushed as team/app:1. */
class GatedRegistry {
  work = '';
  serve: ServeProcess | undefined;
  receiver: WebhookReceiver | undefined;
  digest = '';

  /** `serveArgs` makes serve's extra options, given the test's working directory. */
  async start(gate: string[], serveArgs: (work: string) => Promise<string[]>): Promise<void> {
    requireTool('skopeo', 'skopeo');
    this.work = await mkdtemp(join(tmpdir(), 'portcullis-pull-blocked-'));
    const layout = join(this.work, 'layout');
    await writeOciLayout(layout, npmImage({ ws: '7.4.0' }), 'app');
    this.receiver = await startWebhookReceiver();
    const secretFile = join(this.work, 'webhook-secret');
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    const dataDir = join(this.work, 'data');
    this.serve = await startServe(dataDir, { adminPassword: TEST_ADMIN_PASSWORD, args: ['--webhook', this.receiver.url, '--webhook-secret-file', secretFile, ...(await serveArgs(this.work))] });
    for (const args of [['project', 'put', 'team'], ['project', 'gate', 'team', ...gate]]) {
      const result = await run(process.execPath, [CLI, 'admin', '--data', dataDir, ...args]);
      assert.equal(result.code, 0, `admin ${args.join(' ')}: ${result.stderr}`);
    }
    await pushToRegistry(`oci:${layout}:app`, `${this.serve.host}/team/app:1`, { creds: CREDS });
    const head = await fetch(`${this.serve.url}/v2/team/app/manifests/1`, { method: 'HEAD', headers: { accept: OCI_MANIFEST, authorization: this.basic() } });
    assert.equal(head.status, 200, 'HEAD is never gated');
    this.digest = String(head.headers.get('docker-content-digest'));
  }

  async stop(): Promise<void> {
    await this.serve?.stop();
    await this.receiver?.close();
    if (this.work !== '') await rm(this.work, { recursive: true, force: true });
  }

  basic(): string {
    return `Basic ${Buffer.from(CREDS).toString('base64')}`;
  }

  /** `skopeo copy` from the registry, as a cluster pulls; its own empty auth file. */
  async skopeoPull(): Promise<Run> {
    assert.ok(this.serve);
    const authFile = join(this.work, 'auth.json');
    await writeFile(authFile, '{"auths":{}}');
    const env = { ...process.env, REGISTRY_AUTH_FILE: authFile };
    return run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--src-creds', CREDS, `docker://${this.serve.host}/team/app:1`, `oci:${join(this.work, 'pulled')}:app`], env);
  }

  /** The refusal as the registry sends it: status and OCI error body. */
  async manifestGet(): Promise<{ status: number; body: { errors: Array<{ code: string; message: string; detail: { repository: string; digest: string; findings: Array<{ id: string }> } }> } }> {
    assert.ok(this.serve);
    const response = await fetch(`${this.serve.url}/v2/team/app/manifests/1`, { headers: { accept: OCI_MANIFEST, authorization: this.basic() } });
    return { status: response.status, body: (await response.json()) as never };
  }

  /** Deliveries of `type`, each checked against an HMAC computed here from the raw body. */
  delivered(type: string): PullBlockedDelivery[] {
    assert.ok(this.receiver);
    return this.receiver.received
      .map((entry) => {
        const expected = `sha256=${createHmac('sha256', SECRET).update(entry.body).digest('hex')}`;
        assert.equal(entry.headers['x-portcullis-signature'], expected, 'every delivery carries a valid signature');
        assert.equal(entry.headers['x-portcullis-event'], (JSON.parse(entry.body) as { type: string }).type);
        return JSON.parse(entry.body) as PullBlockedDelivery;
      })
      .filter((body) => body.type === type);
  }
}

describe('a pull refused for findings', () => {
  const registry = new GatedRegistry();
  before(async () => {
    await registry.start(['--min-severity', 'HIGH'], async (work) => {
      const db = join(work, 'advisories.db');
      await importGhsa(db, [GHSA.ws]);
      return ['--db', db];
    });
    await waitFor('scan.completed', () => registry.delivered('scan.completed').at(0));
  });
  after(() => registry.stop());

  it('is refused to skopeo, answered 403 DENIED, and sent as a signed pull.blocked webhook', async () => {
    const pulled = await registry.skopeoPull();
    assert.notEqual(pulled.code, 0, 'skopeo must not get the image');
    assert.match(pulled.stderr, /denied/i);
    assert.match(pulled.stderr, /CVE-2024-37890/, 'skopeo shows the registry\'s reason');

    const { status, body } = await registry.manifestGet();
    assert.equal(status, 403);
    const [error] = body.errors;
    assert.equal(error?.code, 'DENIED');
    assert.match(String(error?.message), new RegExp(`team/app@${registry.digest}.*refused.*HIGH.*CVE-2024-37890`));
    assert.equal(error?.detail.digest, registry.digest);
    assert.deepEqual(error?.detail.findings.map((finding) => finding.id), ['CVE-2024-37890']);

    const blocked = await waitFor('pull.blocked', () => registry.delivered('pull.blocked').at(0));
    assert.equal(blocked.data.repository, 'team/app');
    assert.equal(blocked.data.digest, registry.digest);
    assert.deepEqual(blocked.data.findings, ['CVE-2024-37890']);
    assert.match(blocked.data.reason, /refuses images with findings at or above HIGH: CVE-2024-37890/);
  });
});

describe('a pull refused because the image is not scanned', () => {
  const registry = new GatedRegistry();
  before(() => registry.start(['--block-unscanned'], async () => ['--scan-workers', '0']));
  after(() => registry.stop());

  it('is refused to skopeo and sent as a signed pull.blocked webhook naming the image', async () => {
    const pulled = await registry.skopeoPull();
    assert.notEqual(pulled.code, 0, 'skopeo must not get the image');
    assert.match(pulled.stderr, /denied/i);
    assert.match(pulled.stderr, /unscanned/);

    const { status, body } = await registry.manifestGet();
    assert.equal(status, 403);
    assert.equal(body.errors[0]?.code, 'DENIED');

    const blocked = await waitFor('pull.blocked', () => registry.delivered('pull.blocked').at(0));
    assert.equal(blocked.data.repository, 'team/app');
    assert.equal(blocked.data.digest, registry.digest);
    assert.deepEqual(blocked.data.findings, []);
    assert.match(blocked.data.reason, /project team refuses unscanned images and this one is queued for scanning/);
  });
});
