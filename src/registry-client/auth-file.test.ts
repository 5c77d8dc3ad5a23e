import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError, createLogger } from '../core/index.ts';
import { findCredentials } from './auth-file.ts';

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('findCredentials', () => {
  let dir: string;
  let file = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-auth-file-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function authFile(content: unknown): Promise<string> {
    const path = join(dir, `auth-${file++}.json`);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('decodes "auth" and username/password entries, keys given as hosts or URLs', async () => {
    const path = await authFile({
      auths: {
        'https://Registry.Example:5000/v2/': { auth: basic('alice', 'pa:ss') },
        'ghcr.io': { username: 'bob', password: 'pw' },
      },
    });
    assert.deepEqual(await findCredentials('registry.example:5000', 'app', { authFile: path }), { username: 'alice', password: 'pa:ss' });
    assert.deepEqual(await findCredentials('ghcr.io', 'org/app', { authFile: path }), { username: 'bob', password: 'pw' });
    assert.equal(await findCredentials('quay.io', 'app', { authFile: path }), undefined);
  });

  it('prefers the most specific repository key and knows Docker Hub by all its names', async () => {
    const path = await authFile({
      auths: {
        'quay.io': { auth: basic('host', '1') },
        'quay.io/org': { auth: basic('org', '2') },
        'https://index.docker.io/v1/': { auth: basic('hub', '3') },
      },
    });
    assert.equal((await findCredentials('quay.io', 'org/team/app', { authFile: path }))?.username, 'org');
    assert.equal((await findCredentials('quay.io', 'other/app', { authFile: path }))?.username, 'host');
    assert.equal((await findCredentials('docker.io', 'library/alpine', { authFile: path }))?.username, 'hub');
  });

  it('looks in REGISTRY_AUTH_FILE, else XDG_RUNTIME_DIR then DOCKER_CONFIG', async () => {
    const runtime = join(dir, 'runtime');
    const docker = join(dir, 'docker');
    await mkdir(join(runtime, 'containers'), { recursive: true });
    await mkdir(docker, { recursive: true });
    await writeFile(join(runtime, 'containers', 'auth.json'), JSON.stringify({ auths: { 'a.example': { auth: basic('xdg', '1') } } }));
    await writeFile(join(docker, 'config.json'), JSON.stringify({ auths: { 'a.example': { auth: basic('docker', '2') }, 'b.example': { auth: basic('docker', '3') } } }));
    const env = { XDG_RUNTIME_DIR: runtime, DOCKER_CONFIG: docker };
    assert.equal((await findCredentials('a.example', 'x', { env }))?.username, 'xdg');
    assert.equal((await findCredentials('b.example', 'x', { env }))?.password, '3');
    const only = await authFile({ auths: { 'c.example': { auth: basic('env', '4') } } });
    assert.equal(await findCredentials('a.example', 'x', { env: { ...env, REGISTRY_AUTH_FILE: only } }), undefined);
    assert.equal((await findCredentials('c.example', 'x', { env: { ...env, REGISTRY_AUTH_FILE: only } }))?.username, 'env');
    assert.equal(await findCredentials('a.example', 'x', { env: { REGISTRY_AUTH_FILE: join(dir, 'missing.json') } }), undefined);
  });

  it('warns that credential helpers are not run', async () => {
    const path = await authFile({ auths: {}, credHelpers: { 'gcr.io': 'gcloud' } });
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    assert.equal(await findCredentials('gcr.io', 'app', { authFile: path, logger }), undefined);
    assert.match(lines.join(''), /does not run credential helpers/);
  });

  it('refuses malformed files with INPUT errors that never show secrets', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"auths":', /not valid JSON/],
      ['[1]', /not a JSON object/],
      [{ auths: [] }, /"auths" is not an object/],
      [{ auths: { 'a.example': 'x' } }, /"a.example" is not an object/],
      [{ auths: { 'a.example': { auth: 'not base64 secret!' } } }, /not base64$/],
      [{ auths: { 'a.example': { auth: Buffer.from('no-colon-secret').toString('base64') } } }, /base64 of "user:password"/],
      [{ auths: { 'a.example': { username: 'u' } } }, /needs both/],
      [{ auths: { 'a.example': { auth: 7 } } }, /not a string/],
    ];
    for (const [content, pattern] of cases) {
      const path = await authFile(content);
      await assert.rejects(
        findCredentials('a.example', 'app', { authFile: path }),
        (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message) && !error.message.includes('secret'),
        JSON.stringify(content),
      );
    }
    await assert.rejects(findCredentials('a.example', 'app', { authFile: join(dir, 'absent.json') }), (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT');
    const huge = await authFile(`{"auths":{},"pad":"${'x'.repeat(1024 * 1024)}"}`);
    await assert.rejects(findCredentials('a.example', 'app', { authFile: huge }), (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT');
  });
});
