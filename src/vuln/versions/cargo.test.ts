import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cargoComparator } from './cargo.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, type Mismatch } from './testing/reference.ts';
import { cargoCompareBatch } from './testing/cargo-reference.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0xca4;
const testdata = new URL('./testdata/cargo/', import.meta.url);

const NUMBERS = ['0', '1', '2', '9', '10', '123', '18446744073709551615'];
const IDENTIFIERS = ['alpha', 'beta', 'rc', '0', '1', '2', '10', 'x-y', '-', 'A', 'a1'];
const BUILD = ['0', '00', '1', '01', 'a', 'b', 'sha.5114f85', '20240101'];

function cargoVersion(rng: Rng, hostile = false): string {
  let v = rng.join(3, () => rng.pick(NUMBERS), '.');
  if (rng.chance(0.4)) v += `-${rng.join(rng.int(1, 3), () => rng.pick(IDENTIFIERS), '.')}`;
  if (rng.chance(0.3)) v += `+${rng.join(rng.int(1, 2), () => rng.pick(BUILD), '.')}`;
  if (hostile) v = rng.pick(['', 'v', '0', ' ']) + v + rng.pick(['', '.', '-', '+', '.0']);
  return v;
}

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 6)) {
    case 0:
      return `${v}+${rng.pick(BUILD)}`;
    case 1:
      return v.replace(/[-+].*/, '');
    case 2:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 3:
      return `${v.replace(/-.*/, '')}-${rng.pick(IDENTIFIERS)}`;
    case 4:
      return v.replace(/\+.*/, `+${rng.pick(BUILD)}`);
    case 5:
      return v.replace(/[0-9]+/, (d) => `0${d}`);
    default:
      return `${v}.0`;
  }
}

describe('crates.io comparator', () => {
  it('orders 6000 generated pairs exactly as the semver crate (Debian librust-semver-dev)', () => {
    const rng = new Rng(SEED + 4);
    const pairs = [
      ...generatePairs(rng, 4500, (r) => cargoVersion(r), mutate),
      ...generatePairs(rng, 1500, (r) => cargoVersion(r, true), mutate),
    ];
    const answers = cargoCompareBatch(pairs);
    const mismatches: Mismatch[] = [];
    let compared = 0;
    pairs.forEach(([a, b], i) => {
      const answer = answers[i] as { compare: number | 'invalid'; valid: boolean };
      if (answer.valid !== cargoComparator.isValid(a)) mismatches.push({ a, b: '(isValid)', expected: String(answer.valid), actual: String(!answer.valid) });
      if (answer.compare === 'invalid') return;
      compared++;
      const actual = Math.sign(cargoComparator.compare(a, b));
      if (actual !== answer.compare) mismatches.push({ a, b, expected: answer.compare, actual });
    });
    assert.ok(compared > 3000, `only ${compared} valid pairs`);
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED + 4));
  });

  it('orders the hand-written crates.io list', () => {
    assertOrdering(cargoComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('follows SemVer 2.0 precedence on generated versions', () => {
    const rng = new Rng(SEED);
    for (let i = 0; i < 3000; i++) {
      // The patch stays small enough that "1" + patch still fits in 64 bits.
      const [major, minor, patch] = [rng.pick(NUMBERS), rng.pick(NUMBERS), rng.pick(NUMBERS.slice(0, -1))];
      const base = `${major}.${minor}.${patch}`;
      const pre = `${base}-${rng.join(rng.int(1, 3), () => rng.pick(IDENTIFIERS), '.')}`;
      assert.equal(cargoComparator.compare(pre, base), -1, `${pre} < ${base}`);
      assert.equal(cargoComparator.compare(`${pre}+${rng.pick(BUILD)}`, base), -1);
      assert.equal(cargoComparator.compare(base, `${major}.${minor}.1${patch}-0`), -1);
      assert.equal(cargoComparator.compare(`${base}+${rng.pick(BUILD)}`, base), 1, 'build metadata orders after the bare version');
      // Numeric identifiers compare as numbers and below alphanumeric ones.
      assert.equal(cargoComparator.compare(`${base}-${patch}`, `${base}-1${patch}`), -1);
      assert.equal(cargoComparator.compare(`${base}-1${patch}`, `${base}-a`), -1);
    }
  });

  it('rejects what the semver crate rejects, sorting it below valid versions', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) {
      assert.equal(cargoComparator.isValid(v), false, JSON.stringify(v));
      assert.equal(cargoComparator.compare(v, '0.0.0-0'), -1, JSON.stringify(v));
    }
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(cargoComparator, Array.from({ length: 400 }, () => cargoVersion(rng, rng.chance(0.2))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(cargoComparator, new Rng(SEED + 3));
  });
});
