import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nugetComparator } from './nuget.ts';
import { Rng } from './testing/rng.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0x2e7;
const testdata = new URL('./testdata/nuget/', import.meta.url);

const NUMBERS = ['0', '00', '1', '01', '2', '9', '10', '2147483647'];
const LABELS = ['alpha', 'ALPHA', 'Alpha', 'beta', 'rc', 'RC', '0', '1', '2', '10', 'preview-1', 'x'];

function nugetVersion(rng: Rng, hostile = false): string {
  let v = rng.join(rng.int(1, 4), () => rng.pick(NUMBERS), '.');
  if (rng.chance(0.4)) v += `-${rng.join(rng.int(1, 3), () => rng.pick(LABELS), '.')}`;
  if (rng.chance(0.2)) v += `+${rng.pick(['build', '01', 'sha.abc', 'Build.7'])}`;
  if (hostile) v = rng.pick(['', 'v', ' ', '-']) + v + rng.pick(['', '.', '-', '+', '.0.0.0', '_1']);
  return v;
}

describe('NuGet comparator', () => {
  it('orders the hand-written NuGet list', () => {
    assertOrdering(nugetComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('follows the NuGet rules on generated versions', () => {
    const rng = new Rng(SEED);
    for (let i = 0; i < 3000; i++) {
      const parts = Array.from({ length: rng.int(1, 3) }, () => rng.pick(NUMBERS.slice(0, -1)));
      const base = parts.join('.');
      const label = rng.join(rng.int(1, 3), () => rng.pick(LABELS), '.');
      // Padding with zero parts (up to four) and adding metadata change nothing.
      assert.equal(nugetComparator.compare(`${[...parts, '0', '0', '0'].slice(0, 4).join('.')}+meta`, base), 0);
      // A fourth part counts; a pre-release sorts below its release; labels ignore case.
      assert.equal(nugetComparator.compare(`${[...parts, '0', '0'].slice(0, 3).join('.')}.1`, base), 1);
      assert.equal(nugetComparator.compare(`${base}-${label}`, base), -1);
      assert.equal(nugetComparator.compare(`${base}-${label.toUpperCase()}`, `${base}-${label.toLowerCase()}`), 0);
      // Numeric labels compare as numbers, below alphanumeric ones.
      assert.equal(nugetComparator.compare(`${base}-9`, `${base}-10`), -1);
      assert.equal(nugetComparator.compare(`${base}-99`, `${base}-a`), -1);
    }
  });

  it('keeps NuGet\'s parsing quirks', () => {
    // System.Version lets blanks surround each number; the whole string is trimmed first.
    assert.equal(nugetComparator.compare('1. 0 .2', '1.0.2'), 0);
    assert.equal(nugetComparator.compare(' 1.0\t', '1.0'), 0);
    // Labels may contain '-'; one that reads as a negative integer is numeric.
    assert.equal(nugetComparator.compare('1.0.0--1', '1.0.0-0'), -1);
    // A trailing separator stays in the part before it, which then fails to parse.
    assert.equal(nugetComparator.isValid('1.0.0-'), false);
    assert.equal(nugetComparator.isValid('1.0.0-a+'), false);
  });

  it('rejects what NuGetVersion.TryParse rejects, sorting it below valid versions', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) {
      assert.equal(nugetComparator.isValid(v), false, JSON.stringify(v));
      assert.equal(nugetComparator.compare(v, '0.0.0-0'), -1, JSON.stringify(v));
    }
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(nugetComparator, Array.from({ length: 400 }, () => nugetVersion(rng, rng.chance(0.2))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(nugetComparator, new Rng(SEED + 3));
  });
});
