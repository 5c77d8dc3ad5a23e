/**
 * A real client against the token endpoint: `skopeo login` pings /v2/, follows the Bearer challenge
 * to GET /token with basic auth, and retries /v2/ with the token. The /v2/ route here is the minimal
 * wiring the registry server does; the full registry is tested with real clients in its own tests.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
      const login = (password: string) =>
        new Promise<ReturnType<typeof spawnSync>>((resolve) => {
          // Async so the in-process server keeps answering while skopeo runs.
          import('node:child_process').then(({ execFile }) =>
            execFile('skopeo', ['login', '--tls-verify=false', '--authfile', authfile, '--username', 'bob', '--password-stdin', host], { timeout: 60_000 }, (error, stdout, stderr) =>
              resolve({ status: error === null ? 0 : 1, stdout, stderr } as ReturnType<typeof spawnSync>),
            ).stdin?.end(`${password}\n`),
          );
        });
      const ok = await login(PASSWORD);
      assert.equal(ok.status, 0, String(ok.stderr));
      assert.match(String(ok.stdout), /Login Succeeded/);
      assert.ok((await readFile(authfile, 'utf8')).includes(host));
      const tokenIssues = store.readAudit(0, 10_000).filter((record) => record.action === 'token.issue' && record.actor === 'bob');
      assert.ok(tokenIssues.length >= 1, 'skopeo fetched a token');

      const bad = await login('wrong');
      assert.notEqual(bad.status, 0);
      assert.match(String(bad.stderr), /401|unauthorized|invalid/i);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
