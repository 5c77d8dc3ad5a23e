/**
 * Access control with real clients: a real `portcullis serve` child process, accounts made with the
 * real `portcullis admin` command, and skopeo logging in, pushing and pulling through the Docker
 * token flow; then the audit log read back from the data directory and verified as a chain. The
 * last test serves HTTPS with a self-signed certificate made by openssl.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openSqliteAuthStore, verifyAuditChain } from '../src/auth/index.ts';
import { type ServeProcess, startServe, TEST_ADMIN_PASSWORD } from './helpers/portcullis-serve.ts';
import { requireTool, smallImageLayout } from './helpers/registry.ts';

const execFileAsync = promisify(execFile);
const CLI = new URL('../bin/portcullis.js', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without throwing: tests assert on refusals as much as on successes. */
async function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  const child = execFileAsync(command, args, { encoding: 'utf8', timeout: 120_000, env: options.env ?? process.env });
  if (options.input !== undefined) child.child.stdin?.end(options.input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof code === 'number' ? code : 1, stdout, stderr };
  }
}

function mustSucceed(result: Run, what: string): string {
  assert.equal(result.code, 0, `${what} failed: ${result.stderr}`);
  return result.stdout;
}

describe('portcullis serve access control with real clients', () => {
  let work: string;
  let dataDir: string;
  let layout: string;
  let serve: ServeProcess;
  const servers: ServeProcess[] = [];

  /** skopeo with its own auth file (never the developer's credentials). */
  const skopeo = (authFile: string, ...args: string[]) => run('skopeo', args, { env: { ...process.env, REGISTRY_AUTH_FILE: authFile } });
  const admin = async (...args: string[]) => mustSucceed(await run(process.execPath, [CLI, 'admin', '--data', dataDir, ...args]), `admin ${args.join(' ')}`);
  const authFileFor = async (name: string) => {
    const path = join(work, `${name}-auth.json`);
    await writeFile(path, '{"auths":{}}');
    return path;
  };
  const login = async (authFile: string, user: string, password: string) => skopeo(authFile, 'login', '--tls-verify=false', '--username', user, '--password', password, serve.host);
  const push = (authFile: string, tag: string, target: string) => skopeo(authFile, 'copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:${tag}`, `docker://${serve.host}/${target}`);
  const pull = (authFile: string, target: string, into: string) => skopeo(authFile, 'copy', '--quiet', '--src-tls-verify=false', `docker://${serve.host}/${target}`, `dir:${join(work, into)}`);

  before(async () => {
    requireTool('skopeo', 'skopeo');
    work = join(tmpdir(), `portcullis-access-${process.pid}-${Date.now()}`);
    await mkdir(work, { recursive: true });
    layout = join(work, 'layout');
    await cp(await smallImageLayout(), layout, { recursive: true });
    dataDir = join(work, 'data');
    serve = await startServe(dataDir, { adminPassword: TEST_ADMIN_PASSWORD });
    servers.push(serve);
  });

  after(async () => {
    for (const server of servers) await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('creates the first admin from PORTCULLIS_ADMIN_PASSWORD without printing it', async () => {
    assert.match(serve.output(), /created user "admin" with the password from \$PORTCULLIS_ADMIN_PASSWORD/);
    assert.doesNotMatch(serve.output(), new RegExp(TEST_ADMIN_PASSWORD));
    assert.doesNotMatch(serve.output(), /access control is not configured/);
  });

  it('refuses an unauthenticated push with 401 and a Bearer challenge, storing nothing', async () => {
    const response = await fetch(`${serve.url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), `Bearer realm="http://${serve.host}/token",service="${serve.host}",scope="repository:team/app:pull,push"`);
    const anonymous = await authFileFor('anonymous');
    const pushed = await push(anonymous, 'amd64', 'team/app:v1');
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.stderr, /unauthorized|authentication required|401/i);
    const adminFile = await authFileFor('admin-check');
    mustSucceed(await login(adminFile, 'admin', TEST_ADMIN_PASSWORD), 'admin login');
    const tags = await skopeo(adminFile, 'list-tags', '--tls-verify=false', `docker://${serve.host}/team/app`);
    assert.notEqual(tags.code, 0, 'nothing was stored');
    assert.match(tags.stderr, /404|unknown/i);
  });

  it('lets a developer log in with skopeo, push and pull; a guest pulls but cannot push', async () => {
    await admin('project', 'put', 'team');
    const devPassword = /with password (\S+)/.exec(await admin('user', 'add', 'alice'))?.[1] ?? '';
    assert.ok(devPassword.length >= 20, 'a generated password is printed once');
    await admin('project', 'member', 'team', 'alice', 'developer');
    const alice = await authFileFor('alice');
    const loggedIn = mustSucceed(await login(alice, 'alice', devPassword), 'skopeo login');
    assert.match(loggedIn, /Login Succeeded/);
    mustSucceed(await push(alice, 'amd64', 'team/app:v1'), 'developer push');
    mustSucceed(await pull(alice, 'team/app:v1', 'alice-pulled'), 'developer pull');

    const guestPassword = 'guest-password-for-tests';
    mustSucceed(await run(process.execPath, [CLI, 'admin', '--data', dataDir, 'user', 'add', 'gus', '--password-stdin'], { input: `${guestPassword}\n` }), 'add guest');
    await admin('project', 'member', 'team', 'gus', 'guest');
    const gus = await authFileFor('gus');
    mustSucceed(await login(gus, 'gus', guestPassword), 'guest login');
    mustSucceed(await pull(gus, 'team/app:v1', 'gus-pulled'), 'guest pull');
    const refused = await push(gus, 'amd64', 'team/guest-app:v1');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /denied/i);
    const tags = await skopeo(alice, 'list-tags', '--tls-verify=false', `docker://${serve.host}/team/guest-app`);
    assert.notEqual(tags.code, 0, 'nothing was stored for the refused push');
    assert.match(tags.stderr, /404|unknown/i);

    const basic = `Basic ${Buffer.from(`gus:${guestPassword}`).toString('base64')}`;
    const raw = await fetch(`${serve.url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: { authorization: basic } });
    assert.equal(raw.status, 403);
    assert.equal(((await raw.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'DENIED');
  });

  it('serves public projects to anonymous clients and refuses private ones', async () => {
    await admin('project', 'put', 'pub', '--public');
    const adminFile = await authFileFor('admin');
    mustSucceed(await login(adminFile, 'admin', TEST_ADMIN_PASSWORD), 'admin login');
    mustSucceed(await push(adminFile, 'amd64', 'pub/app:v1'), 'admin push');
    const anonymous = await authFileFor('anonymous-pull');
    mustSucceed(await pull(anonymous, 'pub/app:v1', 'anonymous-public'), 'anonymous pull of a public project');
    const refused = await pull(anonymous, 'team/app:v1', 'anonymous-private');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /unauthorized|authentication required|401/i);
  });

  it('lets a pull-only robot pull but not push, and refuses an expired robot', async () => {
    const secretOf = (output: string) => /secret: (\S+)/.exec(output)?.[1] ?? '';
    const reader = secretOf(await admin('robot', 'add', 'reader', '--scope', 'team/**:pull', '--expires', '1d'));
    const robotFile = await authFileFor('robot');
    mustSucceed(await login(robotFile, 'robot$reader', reader), 'robot login');
    mustSucceed(await pull(robotFile, 'team/app:v1', 'robot-pulled'), 'robot pull');
    const refused = await push(robotFile, 'amd64', 'team/robot-app:v1');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /denied/i);

    const expired = secretOf(await admin('robot', 'add', 'old', '--scope', 'team/**:pull', '--expires', '2020-01-01T00:00:00Z'));
    const expiredFile = await authFileFor('expired');
    const expiredLogin = await login(expiredFile, 'robot$old', expired);
    assert.notEqual(expiredLogin.code, 0);
    assert.match(expiredLogin.stderr, /401|unauthorized|invalid/i);
    const basic = `Basic ${Buffer.from(`robot$old:${expired}`).toString('base64')}`;
    assert.equal((await fetch(`${serve.url}/v2/team/app/manifests/v1`, { headers: { authorization: basic } })).status, 401);
  });

  it('refuses a wrong password with 401, never logs it, and keeps an audit log that verifies as a chain', async () => {
    const wrongPassword = 'not-the-password-4711';
    const wrong = await login(await authFileFor('wrong'), 'alice', wrongPassword);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /401|unauthorized|invalid/i);
    assert.doesNotMatch(serve.output(), new RegExp(wrongPassword));

    const { store, close } = openSqliteAuthStore(join(dataDir, 'auth.db'));
    try {
      const records = store.readAudit(0, 100_000);
      const find = (action: string, actor: string, outcome = 'ok') => records.find((record) => record.action === action && record.actor === actor && record.outcome === outcome);
      assert.ok(find('login.ok', 'alice'), 'the login is recorded');
      assert.match(find('push', 'alice')?.target ?? '', /^team\/app:v1@sha256:[0-9a-f]{64}$/);
      assert.match(find('pull', 'gus')?.target ?? '', /^team\/app:v1/);
      assert.ok(find('pull', 'robot$reader'), 'robot pulls are recorded');
      assert.ok(find('push', 'gus', 'denied'), 'refused pushes are recorded');
      assert.equal(find('login.failed', 'alice', 'failed')?.ip, '127.0.0.1');
      assert.doesNotMatch(JSON.stringify(records), new RegExp(`${wrongPassword}|${TEST_ADMIN_PASSWORD}`));
      assert.deepEqual(verifyAuditChain(store), { ok: true, records: records.length });
    } finally {
      close();
    }
  });

  it('serves HTTPS with --tls-cert/--tls-key; skopeo logs in and pushes trusting the certificate', async () => {
    requireTool('openssl', 'openssl');
    const certDir = join(work, 'certs');
    await mkdir(certDir);
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(work, 'tls.key'), '-out', join(certDir, 'ca.crt')], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const secure = await startServe(join(work, 'tls-data'), { adminPassword: TEST_ADMIN_PASSWORD, args: ['--tls-cert', join(certDir, 'ca.crt'), '--tls-key', join(work, 'tls.key')] });
    servers.push(secure);
    assert.match(secure.url, /^https:/);
    const authFile = await authFileFor('tls');
    const env = { ...process.env, REGISTRY_AUTH_FILE: authFile };
    mustSucceed(await run('skopeo', ['login', '--cert-dir', certDir, '--username', 'admin', '--password', TEST_ADMIN_PASSWORD, secure.host], { env }), 'login over HTTPS');
    mustSucceed(await run('skopeo', ['copy', '--quiet', '--dest-cert-dir', certDir, `oci:${layout}:amd64`, `docker://${secure.host}/tls/app:v1`], { env }), 'push over HTTPS');
    const inspected = JSON.parse(mustSucceed(await run('skopeo', ['inspect', '--cert-dir', certDir, `docker://${secure.host}/tls/app:v1`], { env }), 'inspect over HTTPS')) as { Architecture: string };
    assert.equal(inspected.Architecture, 'amd64');
    const plain = await run('skopeo', ['inspect', '--tls-verify=true', `docker://${secure.host}/tls/app:v1`], { env });
    assert.notEqual(plain.code, 0, 'without the certificate the client refuses the server');
    assert.match((await readFile(authFile, 'utf8')), new RegExp(secure.host.replace(/\./g, '\\.')));
  });
});
