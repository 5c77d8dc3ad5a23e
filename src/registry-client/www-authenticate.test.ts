import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortcullisError } from '../core/index.ts';
import { parseChallenges } from './www-authenticate.ts';

describe('parseChallenges', () => {
  it('parses a Docker Hub Bearer challenge with a comma inside a quoted scope', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"';
    assert.deepEqual(parseChallenges(header, 'docker.io'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push' } },
    ]);
  });

  it('parses several challenges, token values, spacing, escapes and case', () => {
    const header = 'Basic realm="Registry \\"Realm\\"" , BEARER Realm = a.example , error="invalid_token",  Newauth';
    assert.deepEqual(parseChallenges(header, 'r'), [
      { scheme: 'basic', params: { realm: 'Registry "Realm"' } },
      { scheme: 'bearer', params: { realm: 'a.example', error: 'invalid_token' } },
      { scheme: 'newauth', params: {} },
    ]);
  });

  it('accepts an empty quoted value', () => {
    assert.deepEqual(parseChallenges('Basic realm=""', 'r'), [{ scheme: 'basic', params: { realm: '' } }]);
  });

  const malformed: Array<[string, RegExp]> = [
    ['', /no challenge/],
    [' , ,', /no challenge/],
    ['Bearer realm="https://a.example/token', /unterminated quoted string/],
    ['Bearer realm=', /has no value/],
    ['Bearer realm=,service=x', /has no value/],
    ['Bearer realm="a" service="b"', /unexpected character "s" after parameter "realm"/],
    ['Bearer realm="a";service="b"', /unexpected character ";"/],
    ['Bearer realm="a",realm="b"', /appears twice/],
    ['"Bearer" realm="a"', /where an auth scheme should start/],
    ['Bearer realm=a\u0000b', /unexpected character/],
    [`Bearer realm="${'x'.repeat(9000)}"`, /longer than 8192/],
  ];
  for (const [header, pattern] of malformed) {
    it(`refuses ${JSON.stringify(header.slice(0, 40))} with an AUTH error`, () => {
      assert.throws(
        () => parseChallenges(header, 'registry.example'),
        (error: unknown) => error instanceof PortcullisError && error.code === 'AUTH' && /registry\.example sent a malformed WWW-Authenticate/.test(error.message) && pattern.test(error.message),
      );
    });
  }
});
