import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rubygemsComparator } from './rubygems.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, requireCommand, runBatch, type Mismatch } from './testing/reference.ts';
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

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 6)) {
    case 0:
      return `${v}.0`;
    case 1:
      return `${v}.${rng.pick(WORDS)}`;
    case 2:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 3:
      return v.replace(/[0-9]+/, (d) => `0${d}`);
    case 4:
      return v.replace('.', '-');
    case 5:
      return v.toUpperCase();
    default:
      return v.replace(/\.0(?=\.|$)/, '');
  }
}

/** Ruby's own Gem::Version: "<a <=> b> <correct?(a)>", or "invalid <correct?(a)>" when new() raises. */
const GEM_VERSION = [
  'require "json"',
  'STDIN.each_line do |line|',
  '  a, b = JSON.parse(line)',
  '  valid = Gem::Version.correct?(a) ? 1 : 0',
  '  begin',
  '    puts "#{Gem::Version.new(a) <=> Gem::Version.new(b)} #{valid}"',
  '  rescue ArgumentError',
  '    puts "invalid #{valid}"',
  '  end',
  'end',
].join('\n');

describe('RubyGems comparator', () => {
  it('orders 6000 generated pairs exactly as Ruby\'s Gem::Version', () => {
    requireCommand('ruby', ['--version'], 'ruby');
    const rng = new Rng(SEED + 4);
    const pairs = [
      ...generatePairs(rng, 4500, (r) => gemVersion(r), mutate),
      ...generatePairs(rng, 1500, (r) => gemVersion(r, true), mutate),
    ];
    const answers = runBatch('ruby', ['-e', GEM_VERSION], pairs.map((pair) => JSON.stringify(pair)).join('\n') + '\n');
    assert.equal(answers.length, pairs.length);
    const mismatches: Mismatch[] = [];
    let compared = 0;
    pairs.forEach(([a, b], i) => {
      const [result, valid] = (answers[i] as string).split(' ');
      if ((valid === '1') !== rubygemsComparator.isValid(a)) mismatches.push({ a, b: '(isValid)', expected: valid as string, actual: String(!(valid === '1')) });
      if (result === 'invalid') return;
      compared++;
      const actual = Math.sign(rubygemsComparator.compare(a, b));
      if (actual !== Number(result)) mismatches.push({ a, b, expected: Number(result), actual });
    });
    assert.ok(compared > 4000, `only ${compared} valid pairs`);
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED + 4));
  });

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
