import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortcullisError } from '../core/index.ts';
import { parseTokenResponse } from './authorizer.ts';

const parse = (value: unknown) => parseTokenResponse(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), 'getting a token');

describe('parseTokenResponse', () => {
  it('takes token, else access_token, with the lifetime the server gives', () => {
    const before = Date.now();
    const both = parse({ token: 'abc', access_token: 'other', expires_in: 300 });
    assert.equal(both.token, 'abc');
    assert.ok(both.expiresAt >= before + 295_000 && both.expiresAt <= Date.now() + 295_000);
    assert.equal(parse({ access_token: 'xyz' }).token, 'xyz');
  });

  it('defaults the lifetime to 60 s and never trusts an issue time in the future', () => {
    const now = Date.now();
    const future = parse({ token: 't', issued_at: new Date(now + 3_600_000).toISOString() });
    assert.ok(future.expiresAt <= Date.now() + 55_000, 'lifetime counted from now, not from the future issue time');
    const past = parse({ token: 't', expires_in: 60, issued_at: new Date(now - 120_000).toISOString() });
    assert.ok(past.expiresAt < Date.now(), 'a token issued two minutes ago for 60 s has expired');
  });

  it('refuses answers that are not a usable token, without echoing the token', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['<html>', /not JSON/],
      ['"token"', /not a JSON object/],
      [{}, /neither "token" nor "access_token"/],
      [{ token: '' }, /neither/],
      [{ token: 'secret\r\nX-Injected: 1' }, /characters not allowed/],
      [{ token: 'secret', expires_in: 'soon' }, /expires_in/],
      [{ token: 'secret', expires_in: -5 }, /expires_in/],
    ];
    for (const [body, pattern] of cases) {
      assert.throws(
        () => parse(body),
        (error: unknown) => error instanceof PortcullisError && error.code === 'AUTH' && pattern.test(error.message) && !error.message.includes('secret'),
        JSON.stringify(body),
      );
    }
  });
});
