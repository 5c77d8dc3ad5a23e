import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goComparator } from './go.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, type Mismatch } from './testing/reference.ts';
import { goCompareBatch } from './testing/go-reference.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0x60;
const testdata = new URL('./testdata/go/', import.meta.url);

const NUMBERS = ['0', '1', '2', '9', '10', '11', '99999999999999999999'];
const IDENTIFIERS = ['alpha', 'beta', 'rc', '0', '1', '2', '10', 'x-y', '-', 'A', 'pre1'];

function release(rng: Rng): [string, string, string] {
  return [rng.pick(NUMBERS), rng.pick(NUMBERS), rng.pick(NUMBERS)];
}

function timestamp(rng: Rng): string {
  return `20${rng.int(10, 29)}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(10, 28))}${String(rng.int(100000, 235959))}`;
}

function goVersion(rng: Rng, hostile = false): string {
  const [major, minor, patch] = release(rng);
  let v = `${rng.chance(0.8) ? 'v' : ''}${major}.${minor}.${patch}`;
  if (rng.chance(0.2)) v = `v${major}${rng.chance(0.5) ? `.${minor}` : ''}`;
  else if (rng.chance(0.3)) v += `-${rng.join(rng.int(1, 3), () => rng.pick(IDENTIFIERS), '.')}`;
  else if (rng.chance(0.2)) v += `-0.${timestamp(rng)}-abcdef${rng.int(100000, 999999)}`;
  if (rng.chance(0.15) && !/^v[0-9]+(\.[0-9]+)?$/.test(v)) v += rng.pick(['+incompatible', '+meta.1']);
  if (hostile) v += rng.pick(['', '.', '-', '+', '..', '-01', 'x']);
  return v;
}

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 6)) {
    case 0:
      return `${v}+incompatible`;
    case 1:
      return v.replace(/-.*/, '');
    case 2:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 3:
      return v.replace(/^v?/, 'v0');
    case 4:
      return `${v}.0`;
    case 5:
      return v.replace(/[a-z]+/, rng.pick(IDENTIFIERS));
    default:
      return `${v}-0`;
  }
}

/** OSV spells Go versions without the v; Go's own functions need it. */
function withV(version: string): string {
  return version.startsWith('v') ? version : `v${version}`;
}

describe('Go comparator', () => {
  it('orders 6000 generated pairs exactly as golang.org/x/mod/semver (from the Go toolchain)', () => {
    const rng = new Rng(SEED + 4);
    const pairs = [
      ...generatePairs(rng, 4500, (r) => goVersion(r), mutate),
      ...generatePairs(rng, 1500, (r) => goVersion(r, true), mutate),
    ];
    const expected = goCompareBatch(pairs.map(([a, b]) => [withV(a), withV(b)] as const));
    const mismatches: Mismatch[] = [];
    pairs.forEach(([a, b], i) => {
      const reference = expected[i] as { compare: number; valid: boolean };
      const actual = Math.sign(goComparator.compare(a, b));
      if (actual !== reference.compare) mismatches.push({ a, b, expected: reference.compare, actual });
      if (goComparator.isValid(a) !== reference.valid) mismatches.push({ a, b: '(isValid)', expected: String(reference.valid), actual: String(!reference.valid) });
    });
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED + 4));
  });

  it('orders the hand-written Go list', () => {
    assertOrdering(goComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('follows the x/mod/semver rules on generated versions', () => {
    const rng = new Rng(SEED);
    for (let i = 0; i < 3000; i++) {
      const [major, minor, patch] = release(rng);
      const base = `v${major}.${minor}.${patch}`;
      const next = `v${major}.${minor}.1${patch}`;
      const pseudo = `v${major}.${minor}.1${patch}-0.${timestamp(rng)}-0123456789ab`;
      const pre = `${base}-${rng.join(rng.int(1, 3), () => rng.pick(IDENTIFIERS), '.')}`;
      // A pseudo-version for the next patch sits between the tag it builds on and that patch.
      assert.equal(goComparator.compare(base, pseudo), -1, `${base} < ${pseudo}`);
      assert.equal(goComparator.compare(pseudo, next), -1, `${pseudo} < ${next}`);
      // Pre-releases sort below their release; build metadata and the v prefix change nothing.
      assert.equal(goComparator.compare(pre, base), -1, `${pre} < ${base}`);
      assert.equal(goComparator.compare(`${base}+incompatible`, base), 0);
      assert.equal(goComparator.compare(base.slice(1), base), 0);
      // Invalid versions are all equal, and below every valid one.
      assert.equal(goComparator.compare(`${base}-0${patch}x.01`, `v0${major}`), 0);
      assert.equal(goComparator.compare(`v0${major}.0.0`, 'v0.0.0-0'), -1);
    }
  });

  it('rejects what x/mod/semver rejects', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) assert.equal(goComparator.isValid(v), false, JSON.stringify(v));
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(goComparator, Array.from({ length: 400 }, () => goVersion(rng, rng.chance(0.2))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(goComparator, new Rng(SEED + 3));
  });
});
