import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServe } from '../../../test/helpers/portcullis-serve.ts';
import { silentLogger, PortcullisError } from '../../core/index.ts';
import { openAccess, serverSecretPath, tokenEndpoint } from './serve-access.ts';

const isUsage = (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE';

describe('serve access options', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-serve-access-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('derives the service and realm from the listen address, or takes them as given', () => {
    assert.deepEqual(tokenEndpoint({}, '127.0.0.1', 5000, false), { service: '127.0.0.1:5000', realm: 'http://127.0.0.1:5000/token' });
    assert.deepEqual(tokenEndpoint({}, '::1', 5443, true), { service: '[::1]:5443', realm: 'https://[::1]:5443/token' });
    assert.deepEqual(tokenEndpoint({ service: 'registry.example', realm: 'https://auth.example/token' }, '0.0.0.0', 5000, true), {
      service: 'registry.example',
      realm: 'https://auth.example/token',
    });
  });

  it('refuses a realm or service clients could not use', () => {
    assert.throws(() => tokenEndpoint({}, '127.0.0.1', 0, false), isUsage, 'port 0 is not known in advance');
    assert.throws(() => tokenEndpoint({ realm: 'not a url' }, '127.0.0.1', 5000, false), isUsage);
    assert.throws(() => tokenEndpoint({ realm: 'ftp://host/token' }, '127.0.0.1', 5000, false), isUsage);
    assert.throws(() => tokenEndpoint({ service: 'a"b' }, '127.0.0.1', 5000, false), isUsage);
    assert.throws(() => tokenEndpoint({ service: 'a b' }, '127.0.0.1', 5000, false), isUsage);
  });

  it('allows --insecure-no-auth on loopback addresses only, and wants both TLS files', async () => {
    await assert.rejects(openAccess({ 'insecure-no-auth': true }, { host: '0.0.0.0', port: 5000 }, dir, silentLogger), /only allowed with a loopback/);
    const open = await openAccess({ 'insecure-no-auth': true }, { host: '127.0.0.1', port: 5000 }, dir, silentLogger);
    assert.ok('authorize' in open.access);
    await assert.rejects(openAccess({ 'tls-cert': join(dir, 'cert.pem') }, { host: '127.0.0.1', port: 5000 }, dir, silentLogger), /go together/);
    await assert.rejects(openAccess({ 'tls-cert': join(dir, 'missing.pem'), 'tls-key': join(dir, 'missing.key') }, { host: '127.0.0.1', port: 5000 }, dir, silentLogger), /--tls-cert .*missing\.pem/);
  });

  it('refuses to start when the server secret cannot decrypt the signing key', async () => {
    const data = join(dir, 'secret-change');
    await rm(data, { recursive: true, force: true });
    await mkdir(data);
    const first = await openAccess({}, { host: '127.0.0.1', port: 5000 }, data, silentLogger);
    first.close();
    assert.equal((await stat(serverSecretPath(data))).mode & 0o777, 0o600);
    await writeFile(serverSecretPath(data), 'another-secret-of-enough-length', { mode: 0o600 });
    await assert.rejects(openAccess({}, { host: '127.0.0.1', port: 5000 }, data, silentLogger), /cannot decrypt the token signing key/);
  });

  it('prints a generated first admin password once, on the first start only', async () => {
    const data = join(dir, 'generated');
    const first = await startServe(data);
    await first.stop();
    const printed = /created user "admin" with password (\S+)/.exec(first.output());
    assert.ok(printed !== null && (printed[1] ?? '').length >= 24, first.output());
    const second = await startServe(data);
    try {
      assert.doesNotMatch(second.output(), /created user/);
      const basic = `Basic ${Buffer.from(`admin:${printed[1]}`).toString('base64')}`;
      assert.equal((await fetch(`${second.url}/v2/`, { headers: { authorization: basic } })).status, 200, 'the printed password works');
    } finally {
      await second.stop();
    }
  });
});
