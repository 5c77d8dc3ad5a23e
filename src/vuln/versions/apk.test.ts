import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apkComparator } from './apk.ts';
import { Rng } from './testing/rng.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0xa1b;
const testdata = new URL('./testdata/apk/', import.meta.url);

const NUMBERS = ['0', '00', '1', '01', '001', '2', '9', '10', '20240101', '18446744073709551615', '18446744073709551617'];
const SUFFIXES = ['alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'];

/** Alpine-shaped versions; `hostile` adds the malformed tails apk has to stop at. */
function apkVersion(rng: Rng, hostile = false): string {
  let v = rng.join(rng.int(1, 4), () => rng.pick(NUMBERS), '.');
  if (rng.chance(0.2)) v += rng.pick(['a', 'b', 'z']);
  for (let n = rng.chance(0.5) ? rng.int(1, 2) : 0; n > 0; n--) v += `_${rng.pick(SUFFIXES)}${rng.chance(0.7) ? rng.pick(NUMBERS) : ''}`;
  if (rng.chance(0.1)) v += `~${rng.pick(['abc123', '0', 'deadbeef', 'f'])}`;
  if (rng.chance(0.6)) v += `-r${rng.pick(['0', '1', '2', '10', '01'])}`;
  if (hostile) v += rng.pick(['', '_', '_foo', '-', '-r', '.', 'A', '.a', '~', '~xyz', '-r1-r2', '_p_p', 'é']);
  return v;
}

describe('apk comparator', () => {
  it('orders the hand-written Alpine list (apk-tools 3 rules)', () => {
    assertOrdering(apkComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('follows the documented rules on generated versions', () => {
    const rng = new Rng(SEED);
    for (let i = 0; i < 3000; i++) {
      const base = rng.join(rng.int(1, 4), () => rng.pick(NUMBERS), '.');
      const suffix = rng.pick(SUFFIXES);
      const pre = SUFFIXES.indexOf(suffix) < 4;
      // A pre-release suffix makes a version older than its base, a post-release one newer.
      assert.equal(apkComparator.compare(`${base}_${suffix}1`, base), pre ? -1 : 1, `${base}_${suffix}1 vs ${base}`);
      // Any revision is newer than none, and revisions compare as numbers.
      assert.equal(apkComparator.compare(`${base}-r0`, base), 1);
      assert.equal(apkComparator.compare(`${base}-r9`, `${base}-r10`), -1);
      // One more component is newer; a letter after the last number too.
      assert.equal(apkComparator.compare(`${base}.1`, base), 1);
      assert.equal(apkComparator.compare(`${base}a`, base), 1);
      // A malformed tail sorts below the version it extends.
      assert.equal(apkComparator.compare(`${base}_foo`, base), -1);
      assert.equal(apkComparator.isValid(`${base}_${suffix}1-r2`), true);
    }
  });

  it('rejects what apk_version_validate rejects', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) assert.equal(apkComparator.isValid(v), false, JSON.stringify(v));
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(apkComparator, Array.from({ length: 400 }, () => apkVersion(rng, rng.chance(0.3))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(apkComparator, new Rng(SEED + 3));
  });
});
