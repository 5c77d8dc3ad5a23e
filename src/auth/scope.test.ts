import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { formatScope, MAX_SCOPE_LENGTH, MAX_SCOPES, parseScope, parseScopes } from './scope.ts';

const hasCode = (code: string) => (error: unknown) => error instanceof PortcullisError && error.code === code;

describe('token scopes', () => {
  it('parses repository scopes, deduplicating actions', () => {
    assert.deepEqual(parseScope('repository:team/app:pull,push,pull'), { type: 'repository', name: 'team/app', actions: ['pull', 'push'] });
    assert.deepEqual(parseScope('repository(plugin):team/app:pull'), { type: 'repository', name: 'team/app', actions: ['pull'] });
    assert.deepEqual(parseScope('registry:catalog:*'), { type: 'registry', name: 'catalog', actions: ['*'] });
  });

  it('reads repeated and space-separated scope parameters', () => {
    const scopes = parseScopes(['repository:a/b:pull repository:c:push', 'repository:d:delete']);
    assert.deepEqual(scopes.map(formatScope), ['repository:a/b:pull', 'repository:c:push', 'repository:d:delete']);
    assert.deepEqual(parseScopes([]), []);
  });

  it('rejects malformed scopes with INPUT errors', () => {
    const bad = ['repository', 'repository:team/app', 'repository:Team/App:pull', 'repository:../etc:pull', 'repository:team//app:pull', 'Repo:x:pull', 'repository:x:pu ll', 'repository:x:PULL', 'repository:caf\u00e9:pull', 'repository:x\u0000:pull', 'repository:\ud800:pull'];
    for (const text of bad) assert.throws(() => parseScope(text), hasCode('INPUT'), text);
  });

  it('bounds the number and length of scopes', () => {
    assert.throws(() => parseScope(`repository:${'a'.repeat(MAX_SCOPE_LENGTH)}:pull`), hasCode('LIMIT'));
    assert.throws(() => parseScopes([Array.from({ length: MAX_SCOPES + 1 }, (_, i) => `repository:r${i}:pull`).join(' ')]), hasCode('LIMIT'));
    const huge = `repository:${'a/'.repeat(500_000)}b:pull`;
    assert.throws(() => parseScopes([huge]), hasCode('LIMIT'));
  });
});
