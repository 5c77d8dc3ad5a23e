import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionCache } from './cache.ts';

describe('DecisionCache', () => {
  it('expires entries after their lifetime', () => {
    let now = 1000;
    const cache = new DecisionCache<string>({ now: () => now });
    cache.set('a', 'allow', 300, 'sha256:a');
    cache.set('d', 'deny', 10, 'sha256:a');
    now += 10;
    assert.equal(cache.get('d'), undefined);
    assert.equal(cache.get('a'), 'allow');
    now += 290;
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.hits, 1);
    assert.equal(cache.misses, 2);
  });

  it('evicts the least recently used beyond its size', () => {
    const cache = new DecisionCache<number>({ maxEntries: 2 });
    cache.set('one', 1, 1000, undefined);
    cache.set('two', 2, 1000, undefined);
    assert.equal(cache.get('one'), 1);
    cache.set('three', 3, 1000, undefined);
    assert.equal(cache.get('two'), undefined);
    assert.equal(cache.get('one'), 1);
    assert.equal(cache.get('three'), 3);
    assert.equal(cache.size, 2);
  });

  it('drops exactly the entries of one digest', () => {
    const cache = new DecisionCache<number>();
    cache.set('x1', 1, 1000, 'sha256:x');
    cache.set('x2', 2, 1000, 'sha256:x');
    cache.set('y', 3, 1000, 'sha256:y');
    assert.equal(cache.invalidateDigest('sha256:x'), 2);
    assert.equal(cache.get('x1'), undefined);
    assert.equal(cache.get('y'), 3);
  });
});
