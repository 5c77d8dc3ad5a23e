import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rubygemsComparator } from './rubygems.ts';
import { Rng } from './testing/rng.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0x9e4;
const testdata = new URL('./testdata/rubygems/', import.meta.url);

const NUMBERS = ['0', '00', '1', '01', '2', '9', '10', '99999999999999999999'];
const WORDS = ['a', 'b', 'pre', 'rc', 'beta', 'alpha', 'A', 'Z'];

function gemVersion(rng: Rng, hostile = false): string {
  let v = rng.pick(NUMBERS);
  for (let n = rng.int(0, 4); n > 0; n--) v += `.${rng.chance(0.7) ? rng.pick(NUMBERS) : rng.pick(WORDS) + (rng.chance(0.5) ? rng.pick(NUMBERS) : '')}`;
  if (rng.chance(0.15)) v += `-${rng.pick(WORDS)}${rng.chance(0.5) ? `.${rng.pick(NUMBERS)}` : ''}`;
  if (hostile) v = rng.pick(['', ' ', 'v', '.']) + v + rng.pick(['', ' ', '.', '-', '+1', '..']);
  return v;
}

describe('RubyGems comparator', () => {
  it('orders the hand-written RubyGems list', () => {
    assertOrdering(rubygemsComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('follows the Gem::Version rules on generated versions', () => {
    const rng = new Rng(SEED);
    for (let i = 0; i < 3000; i++) {
      const base = rng.join(rng.int(1, 4), () => rng.pick(NUMBERS), '.');
      const word = rng.pick(WORDS);
      // Trailing zeros and surrounding blanks change nothing; a letter makes a pre-release.
      assert.equal(rubygemsComparator.compare(`${base}.0.0`, ` ${base}\n`), 0);
      assert.equal(rubygemsComparator.compare(`${base}.${word}`, base), -1);
      assert.equal(rubygemsComparator.compare(`${base}-${word}`, `${base}.pre.${word}`), 0);
      assert.equal(rubygemsComparator.compare(`${base}.${word}.1`, `${base}.${word}`), 1);
      // One more non-zero number is newer.
      assert.equal(rubygemsComparator.compare(`${base}.1`, base), 1);
    }
    assert.equal(rubygemsComparator.isValid(''), true, 'a blank version is "0" to RubyGems');
    assert.equal(rubygemsComparator.compare('', '0'), 0);
  });

  it('rejects what Gem::Version rejects', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) assert.equal(rubygemsComparator.isValid(v), false, JSON.stringify(v));
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(rubygemsComparator, Array.from({ length: 400 }, () => gemVersion(rng, rng.chance(0.2))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(rubygemsComparator, new Rng(SEED + 3));
  });
});
