import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenges } from '../registry-client/www-authenticate.ts';
import { basicChallenge, bearerChallenge } from './challenge.ts';
import { parseScopes } from './scope.ts';

describe('WWW-Authenticate challenges', () => {
  it('builds the Bearer challenge Docker clients expect', () => {
    const header = bearerChallenge('https://host/token', 'registry.example', parseScopes(['repository:team/app:pull,push']));
    assert.equal(header, 'Bearer realm="https://host/token",service="registry.example",scope="repository:team/app:pull,push"');
  });

  it('round-trips through the Portcullis client parser, with several scopes and quoting', () => {
    const scopes = parseScopes(['repository:team/app:pull,push', 'repository:pub/base:pull']);
    const header = bearerChallenge('https://h:5000/token?x="y"', 'svc "quoted" \\ name', scopes);
    const [challenge, ...rest] = parseChallenges(header, 'test');
    assert.equal(rest.length, 0);
    assert.equal(challenge?.scheme, 'bearer');
    assert.deepEqual(challenge?.params, { realm: 'https://h:5000/token?x="y"', service: 'svc "quoted" \\ name', scope: 'repository:team/app:pull,push repository:pub/base:pull' });
  });

  it('omits the scope when none is needed, and builds the Basic challenge for the token endpoint', () => {
    assert.deepEqual(parseChallenges(bearerChallenge('https://h/token', 's'), 'test'), [{ scheme: 'bearer', params: { realm: 'https://h/token', service: 's' } }]);
    assert.deepEqual(parseChallenges(basicChallenge('portcullis'), 'test'), [{ scheme: 'basic', params: { realm: 'portcullis' } }]);
  });

  it('adds the RFC 6750 error when a token was bad or lacked the scope', () => {
    const header = bearerChallenge('https://h/token', 's', parseScopes(['repository:a/b:push']), 'insufficient_scope');
    assert.deepEqual(parseChallenges(header, 'test')[0]?.params, { realm: 'https://h/token', service: 's', scope: 'repository:a/b:push', error: 'insufficient_scope' });
  });
});
