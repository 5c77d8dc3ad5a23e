/**
 * A real client against the token endpoint: `skopeo login` pings /v2/, follows the Bearer challenge
 * to GET /token with basic auth, and retries /v2/ with the token. The /v2/ route here is the minimal
 * wiring the registry server does; the full registry is tested with real clients in its own tests.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { freePort, requireTool } from '../../test/helpers/registry.ts';
import { isPortcullisError } from '../core/index.ts';
import { AuthService } from './service.ts';
import { openFixture, PASSWORD, SERVER_SECRET } from './testing/fixture.ts';
import { authenticateRequest, registerTokenRoute, replyUnauthorized } from './token-route.ts';

/** Runs skopeo asynchronously so the in-process server keeps answering while it works. */
function skopeoLogin(authfile: string, host: string, password: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['login', '--tls-verify=false', '--authfile', authfile, '--username', 'bob', '--password-stdin', host];
    const child = spawn('skopeo', args, { timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${password}\n`);
  });
}

describe('skopeo login against the token endpoint', () => {
  it('succeeds with the right password and fails with a wrong one', async () => {
    requireTool('skopeo', 'skopeo');
    const { store } = await openFixture();
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const auth = await AuthService.open({ store, serverSecret: SERVER_SECRET, service: host, realm: `http://${host}/token` });
    const app = Fastify();
    registerTokenRoute(app, { auth });
    app.get('/v2/', async (request, reply) => {
      try {
        const principal = await authenticateRequest(request, auth);
        return principal.kind === 'anonymous' ? replyUnauthorized(reply, auth) : reply.send({});
      } catch (error) {
        if (isPortcullisError(error) && error.code === 'AUTH') return replyUnauthorized(reply, auth, [], error.message, 'invalid_token');
        throw error;
      }
    });
    await app.listen({ host: '127.0.0.1', port });
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-auth-login-'));
    try {
      const authfile = join(dir, 'auth.json');
      const login = (password: string) => skopeoLogin(authfile, host, password);
      const ok = await login(PASSWORD);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /Login Succeeded/);
      assert.ok((await readFile(authfile, 'utf8')).includes(host));
      const tokenIssues = store.readAudit(0, 10_000).filter((record) => record.action === 'token.issue' && record.actor === 'bob');
      assert.ok(tokenIssues.length >= 1, 'skopeo fetched a token');

      const bad = await login('wrong');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /401|unauthorized|invalid/i);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
