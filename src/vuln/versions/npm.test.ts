import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import semver from 'semver';
import { isValidNpmRange, npmComparator, npmSatisfies } from './npm.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, type Mismatch } from './testing/reference.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readOrdering } from './testing/properties.ts';

const SEED = 0x9e3;
const testdata = new URL('./testdata/npm/', import.meta.url);

const NUMBERS = ['0', '1', '2', '9', '10', '01', '999999999999999', '9007199254740993'];
const IDENTIFIERS = ['alpha', 'beta', 'rc', '0', '1', '2', '10', '01', 'x', 'a-b', '-', 'Alpha', 'RC', ''];

function npmVersion(rng: Rng): string {
  let v = rng.pick(['', '', '', 'v', '=', ' ', 'V', '=v']);
  v += rng.join(rng.chance(0.9) ? 3 : rng.int(1, 4), () => rng.pick(NUMBERS), '.');
  if (rng.chance(0.4)) v += `-${rng.join(rng.int(1, 3), () => rng.pick(IDENTIFIERS), '.')}`;
  if (rng.chance(0.15)) v += `+${rng.join(rng.int(1, 2), () => rng.pick(IDENTIFIERS), '.')}`;
  return v + (rng.chance(0.05) ? ' ' : '');
}

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 5)) {
    case 0:
      return `${v}-0`;
    case 1:
      return `${v}+build.1`;
    case 2:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 3:
      return v.replace(/^[v= ]*/, '');
    case 4:
      return v.replace(/-.*/, '');
    default:
      return v.replace(/[a-z]+/, rng.pick(IDENTIFIERS));
  }
}

function npmRange(rng: Rng): string {
  const bound = (): string => rng.pick(['', '^', '~', '>', '>=', '<', '<=', '=', '~>']) + rng.pick([npmVersion(rng), '1.x', '1.2.x', '*', '2', '1.2']);
  const set = (): string => (rng.chance(0.15) ? `${npmVersion(rng)} - ${npmVersion(rng)}` : rng.join(rng.int(1, 2), bound, ' '));
  return rng.join(rng.int(1, 2), set, ' || ');
}

describe('npm comparator', () => {
  it('orders 8000 generated pairs exactly as the semver package', () => {
    const rng = new Rng(SEED);
    const mismatches: Mismatch[] = [];
    let compared = 0;
    for (const [a, b] of generatePairs(rng, 8000, npmVersion, mutate)) {
      assert.equal(npmComparator.isValid(a), semver.valid(a) !== null, JSON.stringify(a));
      const x = semver.parse(a, { loose: true });
      const y = semver.parse(b, { loose: true });
      if (x === null || y === null) continue;
      compared++;
      const expected = semver.compare(x, y);
      const actual = Math.sign(npmComparator.compare(a, b));
      if (actual !== expected) mismatches.push({ a, b, expected, actual });
    }
    assert.ok(compared > 3000, `only ${compared} comparable pairs`);
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED));
  });

  it('matches ranges exactly as semver.satisfies, with and without pre-releases', () => {
    const rng = new Rng(SEED + 1);
    let matched = 0;
    for (let i = 0; i < 3000; i++) {
      const version = npmVersion(rng);
      const range = npmRange(rng);
      assert.equal(isValidNpmRange(range), semver.validRange(range) !== null, JSON.stringify(range));
      for (const includePrerelease of [false, true]) {
        const parsed = semver.parse(version) ?? semver.parse(version, { loose: true });
        const expected = parsed !== null && semver.validRange(range, { includePrerelease }) !== null && semver.satisfies(parsed, range, { includePrerelease });
        const actual = npmSatisfies(version, range, { includePrerelease });
        assert.equal(actual, expected, `${JSON.stringify(version)} in ${JSON.stringify(range)} (includePrerelease ${includePrerelease})`);
        if (actual) matched++;
      }
    }
    assert.ok(matched > 300, `only ${matched} matches: the generator is too narrow`);
  });

  it('lets pre-releases of a fixed version count as vulnerable when asked', () => {
    assert.equal(npmSatisfies('1.2.3-beta.1', '<1.2.3'), false);
    assert.equal(npmSatisfies('1.2.3-beta.1', '<1.2.3', { includePrerelease: true }), true);
    assert.equal(npmSatisfies('not a version', '*'), false);
    assert.equal(npmSatisfies('1.0.0', 'not a range'), false);
  });

  it('orders the hand-written npm list and puts unparseable strings first', () => {
    assertOrdering(npmComparator, readOrdering(new URL('ordering.txt', testdata)));
    assert.equal(npmComparator.compare('not-a-version', '0.0.0-0'), -1);
    assert.equal(npmComparator.compare('v1.2.3', '1.2.3'), 0, 'loose spellings compare as their version');
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(npmComparator, Array.from({ length: 300 }, () => npmVersion(rng)), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(npmComparator, new Rng(SEED + 3));
  });
});
