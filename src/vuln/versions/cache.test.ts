import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseCache } from './cache.ts';

describe('ParseCache', () => {
  it('parses each string once while it stays cached', () => {
    const parsed: string[] = [];
    const cache = new ParseCache((v) => {
      parsed.push(v);
      return v.length;
    }, 8);
    assert.equal(cache.get('1.0'), 3);
    assert.equal(cache.get('1.0'), 3);
    assert.equal(cache.get('10.0.1'), 6);
    assert.deepEqual(parsed, ['1.0', '10.0.1']);
  });

  it('caches null results too (invalid versions are parsed once)', () => {
    let calls = 0;
    const cache = new ParseCache(() => {
      calls++;
      return null;
    });
    cache.get('x');
    cache.get('x');
    assert.equal(calls, 1);
  });

  it('stays within its capacity under a flood of distinct strings, evicting the oldest', () => {
    const parsed: string[] = [];
    const cache = new ParseCache((v) => {
      parsed.push(v);
      return v;
    }, 100);
    for (let i = 0; i < 10_000; i++) cache.get(`1.${i}`);
    assert.equal(cache.size, 100);
    cache.get('1.9999');
    assert.equal(parsed.length, 10_000, 'the newest entry is still cached');
    cache.get('1.0');
    assert.equal(parsed.length, 10_001, 'the oldest entry was evicted and is parsed again');
  });
});
