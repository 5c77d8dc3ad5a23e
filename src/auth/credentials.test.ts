import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { parseAuthorization } from './credentials.ts';

const basic = (raw: string | Buffer) => `Basic ${Buffer.from(raw).toString('base64')}`;
const isAuth = (error: unknown) => error instanceof PortcullisError && error.code === 'AUTH';

describe('Authorization header parsing', () => {
  it('reads basic credentials, keeping colons in the password and unicode in both parts', () => {
    assert.deepEqual(parseAuthorization(basic('alice:pa:ss')), { scheme: 'basic', username: 'alice', password: 'pa:ss' });
    assert.deepEqual(parseAuthorization(basic('j\u00fcrgen:p\u00e4ss\u{1f511}')), { scheme: 'basic', username: 'j\u00fcrgen', password: 'p\u00e4ss\u{1f511}' });
    assert.deepEqual(parseAuthorization(`basic ${Buffer.from('u:').toString('base64')}`), { scheme: 'basic', username: 'u', password: '' });
  });

  it('reads bearer tokens and treats a missing header as anonymous', () => {
    assert.deepEqual(parseAuthorization('Bearer abc.def.ghi'), { scheme: 'bearer', token: 'abc.def.ghi' });
    assert.deepEqual(parseAuthorization(undefined), { scheme: 'none' });
  });

  it('rejects malformed headers with AUTH errors', () => {
    const bad = [
      'Basic',
      'Basic !!!!',
      'Basic YWxpY2U', // not padded to a multiple of 4
      basic('no-colon'),
      basic(':password-without-user'),
      basic('ali\nce:pw'),
      basic(Buffer.from([0x61, 0xff, 0xfe, 0x3a, 0x70])), // invalid UTF-8
      basic(`${'u'.repeat(300)}:pw`),
      'Bearer',
      'Bearer a b',
      'Digest username="x"',
      `Basic ${'A'.repeat(20_000)}`,
    ];
    for (const header of bad) assert.throws(() => parseAuthorization(header), isAuth, header.slice(0, 40));
  });
});
