import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { defaultDataDir, parseListen } from './serve.ts';

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
