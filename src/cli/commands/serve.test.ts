import assert from 'node:assert/strict';
import { homedir, tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultDataDir, parseListen } from './serve-location.ts';
import { scanningOptions } from './serve.ts';

describe('serve options', () => {
  it('reads HOST:PORT and [IPv6]:PORT', () => {
    assert.deepEqual(parseListen('127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
    assert.deepEqual(parseListen('[::1]:15300'), { host: '::1', port: 15300 });
    assert.deepEqual(parseListen('localhost:0'), { host: 'localhost', port: 0 });
  });

  it('refuses listen addresses without a valid port', () => {
    for (const value of ['127.0.0.1', ':5000', '127.0.0.1:70000', '127.0.0.1:http', '::1:5000', 'a b:1']) {
      assert.throws(() => parseListen(value), (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE', value);
    }
  });

  it('keeps data under the XDG state directory, else ~/.local/state', () => {
    assert.equal(defaultDataDir({ XDG_STATE_HOME: '/var/lib/me' }), '/var/lib/me/portcullis');
    assert.equal(defaultDataDir({}), `${homedir()}/.local/state/portcullis`);
    assert.equal(defaultDataDir({ XDG_STATE_HOME: 'relative' }), `${homedir()}/.local/state/portcullis`, 'relative paths are ignored, as the XDG spec says');
  });
});

describe('serve scanning options', () => {
  const usage = (pattern: RegExp) => (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE' && pattern.test(error.message);

  it('defaults to one worker, HIGH, no webhooks and no advisory database', async () => {
    const options = await scanningOptions({});
    assert.equal(options.scanWorkers, 1);
    assert.equal(options.advisoryDb, undefined);
    assert.deepEqual(options.webhooks, { urls: [], minSeverity: 'HIGH' });
  });

  it('reads the webhook secret from its file without the trailing newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-serve-options-'));
    try {
      await writeFile(join(dir, 'secret'), 's3cret\n');
      await writeFile(join(dir, 'empty'), '\n');
      const options = await scanningOptions({
        db: '/var/lib/advisories.db',
        'scan-workers': '2',
        webhook: ['http://127.0.0.1:9/a', 'https://hooks.example.com/b'],
        'webhook-secret-file': join(dir, 'secret'),
        'webhook-min-severity': 'critical',
      });
      assert.equal(options.advisoryDb, '/var/lib/advisories.db');
      assert.equal(options.scanWorkers, 2);
      assert.deepEqual(options.webhooks, { urls: ['http://127.0.0.1:9/a', 'https://hooks.example.com/b'], secret: 's3cret', minSeverity: 'CRITICAL' });
      await assert.rejects(scanningOptions({ 'webhook-secret-file': join(dir, 'empty') }), usage(/is empty/));
      await assert.rejects(scanningOptions({ 'webhook-secret-file': join(dir, 'missing') }), usage(/missing/));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad worker counts, severities and webhook URLs', async () => {
    await assert.rejects(scanningOptions({ 'scan-workers': '-1' }), usage(/--scan-workers/));
    await assert.rejects(scanningOptions({ 'scan-workers': 'many' }), usage(/--scan-workers/));
    await assert.rejects(scanningOptions({ 'webhook-min-severity': 'urgent' }), usage(/--webhook-min-severity/));
    await assert.rejects(scanningOptions({ webhook: ['ftp://example.com/'] }), usage(/http or https/));
  });
});
