import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complement, intersect, normalize, toEvents, type Interval } from './intervals.ts';

const compare = (a: string, b: string) => Number(a) - Number(b);
const closed = (lower: string, upper: string): Interval => ({ lower: { version: lower, inclusive: true }, upper: { version: upper, inclusive: true } });

describe('version intervals', () => {
  it('merges overlapping and touching intervals, drops empty ones', () => {
    assert.deepEqual(
      normalize(
        [
          closed('5', '7'),
          { lower: { version: '1', inclusive: true }, upper: { version: '3', inclusive: false } },
          { lower: { version: '3', inclusive: true }, upper: { version: '4', inclusive: false } },
          { lower: { version: '9', inclusive: false }, upper: { version: '9', inclusive: true } },
          { lower: { version: '6', inclusive: true } },
        ],
        compare,
      ),
      [{ lower: { version: '1', inclusive: true }, upper: { version: '4', inclusive: false } }, { lower: { version: '5', inclusive: true } }],
    );
  });

  it('keeps intervals that only meet at an excluded point apart', () => {
    const apart = [
      { upper: { version: '3', inclusive: false } },
      { lower: { version: '3', inclusive: false } },
    ];
    assert.equal(normalize(apart, compare).length, 2);
    assert.deepEqual(complement(apart, compare), [closed('3', '3')]);
  });

  it('complements: everything, nothing, and the gaps between', () => {
    assert.deepEqual(complement([], compare), [{}]);
    assert.deepEqual(complement([{}], compare), []);
    assert.deepEqual(complement([closed('2', '4'), { lower: { version: '6', inclusive: false } }], compare), [
      { upper: { version: '2', inclusive: false } },
      { lower: { version: '4', inclusive: false }, upper: { version: '6', inclusive: true } },
    ]);
  });

  it('intersects', () => {
    assert.deepEqual(intersect([closed('1', '5')], [{ lower: { version: '3', inclusive: false } }, closed('0', '1')], compare), [
      closed('1', '1'),
      { lower: { version: '3', inclusive: false }, upper: { version: '5', inclusive: true } },
    ]);
    assert.deepEqual(intersect([closed('1', '2')], [closed('3', '4')], compare), []);
  });

  it('writes OSV events, using the next version for an exclusive lower bound when there is one', () => {
    const intervals = [{ lower: { version: '1', inclusive: false }, upper: { version: '2', inclusive: false } }, { lower: { version: '3', inclusive: true } }];
    assert.deepEqual(toEvents(intervals, (version) => `${version}.0.1`), [{ introduced: '1.0.1' }, { fixed: '2' }, { introduced: '3' }]);
    assert.deepEqual(toEvents(intervals, () => undefined), [{ introduced: '1' }, { fixed: '2' }, { introduced: '3' }]);
    assert.deepEqual(toEvents([{ upper: { version: '4', inclusive: true } }], () => undefined), [{ introduced: '0' }, { last_affected: '4' }]);
  });
});
