/**
 * `portcullis login` against a registry with htpasswd auth: credentials are checked first, then
 * merged into the auth file with mode 0600, and read back by the other commands. A hostile or
 * broken auth file is refused, never overwritten.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../../test/helpers/cli.ts';
import { pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';

const CLI = new URL('../../../bin/portcullis.js', import.meta.url).pathname;

function runWithStdin(args: string[], stdin: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('portcullis login', () => {
  let registry: StartedRegistry;
  let work: string;
  before(async () => {
    registry = await startRegistry({ auth: { kind: 'htpasswd', username: 'alice', password: 's3cret' } });
    work = await mkdtemp(join(tmpdir(), 'portcullis-login-'));
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses wrong credentials without writing anything', async () => {
    const authFile = join(work, 'refused.json');
    const result = await runCli(['login', registry.host, '-u', 'alice', '-p', 'wrong'], { env: { REGISTRY_AUTH_FILE: authFile } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /rejected the credentials/);
    await assert.rejects(stat(authFile), { code: 'ENOENT' });
  });

  it('merges into the auth file, mode 0600, and other commands use it', async () => {
    const authFile = join(work, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: { 'ghcr.io': { auth: 'eDp5' } }, credHelpers: { 'gcr.io': 'gcloud' } }), { mode: 0o644 });
    const result = await runWithStdin(['login', registry.host, '-u', 'alice', '--password-stdin'], 's3cret\n', { REGISTRY_AUTH_FILE: authFile });
    assert.equal(result.code, 0, result.stderr);
    const saved = JSON.parse(await readFile(authFile, 'utf8')) as { auths: Record<string, { auth: string }>; credHelpers: unknown };
    assert.equal(saved.auths['ghcr.io']?.auth, 'eDp5');
    assert.deepEqual(saved.credHelpers, { 'gcr.io': 'gcloud' });
    assert.equal(Buffer.from(saved.auths[registry.host]?.auth ?? '', 'base64').toString(), 'alice:s3cret');
    assert.equal((await stat(authFile)).mode & 0o777, 0o600);

    await pushToRegistry(`oci:${await smallImageLayout()}:amd64`, `${registry.host}/team/app:1`, { creds: 'alice:s3cret' });
    const verify = await runCli(['verify', `${registry.host}/team/app:1`, '--key', new URL('../../../../shared/cosign-fixtures/keys/policy-controller-cosign.pub', import.meta.url).pathname], { env: { REGISTRY_AUTH_FILE: authFile } });
    assert.equal(verify.code, 1, verify.stderr);
    assert.match(verify.stdout, /no-signature/, 'authenticated reads worked; the image just has no signature');
  });

  it('refuses to overwrite an auth file that is not a JSON object', async () => {
    for (const content of ['not json', '[1]', '{"auths": "x"}']) {
      const authFile = join(work, 'broken.json');
      await writeFile(authFile, content);
      const result = await runCli(['login', registry.host, '-u', 'alice', '-p', 's3cret'], { env: { REGISTRY_AUTH_FILE: authFile } });
      assert.equal(result.code, 2, content);
      assert.match(result.stderr, /not overwriting/);
      assert.equal(await readFile(authFile, 'utf8'), content);
    }
  });

  it('needs a host, a user and one password source', async () => {
    for (const args of [['login'], ['login', registry.host, '-p', 'x'], ['login', registry.host, '-u', 'alice'], ['login', registry.host, '-u', 'alice', '-p', 'x', '--password-stdin']]) {
      assert.equal((await runCli(args, { env: { REGISTRY_AUTH_FILE: join(work, 'unused.json') } })).code, 2, args.join(' '));
    }
  });
});
