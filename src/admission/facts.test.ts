import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { trustedKey } from '../signing/index.ts';
import { keysValidAt } from './facts.ts';

describe('keysValidAt', () => {
  it('keeps only keys that are not revoked and inside their window', () => {
    const key = (name: string) => trustedKey(name, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
    const now = new Date('2026-06-01T00:00:00Z');
    const keys = [
      key('plain'),
      { ...key('revoked'), revoked: true },
      { ...key('expired'), notAfter: new Date('2026-05-31T23:59:59Z') },
      { ...key('future'), notBefore: new Date('2026-06-01T00:00:01Z') },
      { ...key('window'), notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-06-01T00:00:00Z') },
    ];
    assert.deepEqual(keysValidAt(keys, now).map((entry) => entry.name), ['plain', 'window']);
  });
});
