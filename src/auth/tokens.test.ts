import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { loadOrCreateSigningKey } from './keys.ts';
import { SqliteAuthStore } from './sqlite-store.ts';
import { issueToken, verifyToken } from './tokens.ts';

const SECRET = 'token-test-server-secret-0123456789';
const SETTINGS = { issuer: 'portcullis', service: 'registry.test', ttlSeconds: 300 };
const ACCESS = [{ type: 'repository', name: 'team/app', actions: ['pull'] }];
const isAuth = (pattern: RegExp) => (error: unknown) => error instanceof PortcullisError && error.code === 'AUTH' && pattern.test(error.message);

async function key() {
  return loadOrCreateSigningKey(new SqliteAuthStore(new DatabaseSync(':memory:')), SECRET);
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('access tokens', () => {
  it('issues ES256 JWTs with the claims distribution defines and verifies them', async () => {
    const signing = await key();
    const { token, expiresIn } = await issueToken(signing, SETTINGS, 'alice', ACCESS);
    assert.equal(expiresIn, 300);
    assert.deepEqual(decodePart(token, 0), { alg: 'ES256', typ: 'JWT', kid: signing.kid });
    const claims = decodePart(token, 1);
    assert.equal(claims.iss, 'portcullis');
    assert.equal(claims.aud, 'registry.test');
    assert.equal(claims.sub, 'alice');
    assert.equal((claims.exp as number) - (claims.iat as number), 300);
    assert.equal(typeof claims.jti, 'string');
    assert.deepEqual(await verifyToken(token, signing, SETTINGS), { subject: 'alice', access: ACCESS });
  });

  it('carries the empty subject of anonymous tokens', async () => {
    const signing = await key();
    const { token } = await issueToken(signing, SETTINGS, '', []);
    assert.deepEqual(await verifyToken(token, signing, SETTINGS), { subject: '', access: [] });
  });

  it('allows 60 s of clock skew and rejects expired and not-yet-valid tokens beyond it', async () => {
    const signing = await key();
    const issued = new Date('2026-01-01T00:00:00Z');
    const { token } = await issueToken(signing, SETTINGS, 'alice', ACCESS, issued);
    const at = (seconds: number) => new Date(issued.getTime() + seconds * 1000);
    assert.equal((await verifyToken(token, signing, SETTINGS, at(330))).subject, 'alice');
    assert.equal((await verifyToken(token, signing, SETTINGS, at(-50))).subject, 'alice');
    await assert.rejects(verifyToken(token, signing, SETTINGS, at(400)), isAuth(/exp/));
    await assert.rejects(verifyToken(token, signing, SETTINGS, at(-120)), isAuth(/nbf/));
  });

  it('rejects tokens for another audience or from another issuer', async () => {
    const signing = await key();
    const { token } = await issueToken(signing, { ...SETTINGS, service: 'other.registry' }, 'alice', ACCESS);
    await assert.rejects(verifyToken(token, signing, SETTINGS), isAuth(/aud/));
    const foreign = await issueToken(signing, { ...SETTINGS, issuer: 'someone-else' }, 'alice', ACCESS);
    await assert.rejects(verifyToken(foreign.token, signing, SETTINGS), isAuth(/iss/));
  });

  it('rejects tampered claims, foreign keys, alg=none and garbage', async () => {
    const signing = await key();
    const { token } = await issueToken(signing, SETTINGS, 'bob', ACCESS);
    const [header, , signature] = token.split('.');
    const claims = { ...decodePart(token, 1), access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push', 'delete'] }] };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await assert.rejects(verifyToken(forged, signing, SETTINGS), isAuth(/signature/));
    const other = await key();
    await assert.rejects(verifyToken(token, other, SETTINGS), isAuth(/signature/));
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    await assert.rejects(verifyToken(none, signing, SETTINGS), isAuth(/./));
    for (const garbage of ['', 'a.b.c', 'not a token', '\u00e9.\u00e9.\u00e9', 'x'.repeat(20_000)]) {
      await assert.rejects(verifyToken(garbage, signing, SETTINGS), isAuth(/./), garbage.slice(0, 20));
    }
  });

  it('rejects a validly signed token whose access claim is malformed', async () => {
    const signing = await key();
    const bad = [{ type: 'repository', name: 'x', actions: 'pull' }] as unknown as typeof ACCESS;
    const { token } = await issueToken(signing, SETTINGS, 'alice', bad);
    await assert.rejects(verifyToken(token, signing, SETTINGS), isAuth(/access claim/));
  });
});
