import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rpmComparator } from './rpm.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, pythonCompareBatch, requirePythonModule, type Mismatch } from './testing/reference.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0x4e1;
const testdata = new URL('./testdata/rpm/', import.meta.url);

const NUMBERS = ['0', '00', '1', '01', '2', '9', '10', '010', '99', '100', '2024', '20240131', '999999999999999999999'];
const WORDS = ['a', 'b', 'z', 'A', 'Z', 'rc', 'beta', 'alpha', 'el', 'fc', 'git', 'post', 'module'];
const SEPARATORS = ['.', '.', '.', '_', '+', '~', '^', '~~', '^^', '.~', '~^', '%', '..'];
const ODD = ['é', '€', ' ', '@', '-', ':', '\u00ff'];

function segmentRun(rng: Rng, odd: boolean): string {
  let s = rng.chance(0.9) ? rng.pick(NUMBERS) : rng.pick(WORDS);
  for (let n = rng.int(0, 5); n > 0; n--) {
    s += rng.chance(0.7) ? rng.pick(SEPARATORS) : '';
    s += rng.chance(0.6) ? rng.pick(NUMBERS) : rng.pick(WORDS);
    if (odd && rng.chance(0.15)) s += rng.pick(ODD);
  }
  return s;
}

function rpmVersion(rng: Rng, odd = false): string {
  const epoch = rng.chance(0.3) ? `${rng.pick(['0', '1', '2', '00', '01', '10', ''])}:` : '';
  const release = rng.chance(0.7)
    ? `-${rng.chance(0.5) ? rng.pick(['1.el9', '0.1.rc1.fc40', '1.el9_4', '2.module+el8.1.0', '1~', '1^post', '3']) : segmentRun(rng, odd)}`
    : '';
  return `${epoch}${segmentRun(rng, odd)}${release}`;
}

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 9)) {
    case 0:
      return `${v}~rc1`;
    case 1:
      return `${v}^1`;
    case 2:
      return `${v}.0`;
    case 3:
      return v.replace(/[0-9]+/, (d) => `0${d}`);
    case 4:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 5:
      return v.includes('-') ? v.slice(0, v.lastIndexOf('-')) : `${v}-1`;
    case 6:
      return v.includes(':') ? v.slice(v.indexOf(':') + 1) : `0:${v}`;
    case 7:
      return v.replace(/[.~^_]/, rng.pick(SEPARATORS));
    case 8:
      return v.replace(/[0-9]+/, rng.pick(WORDS));
    default:
      return `${v}a`;
  }
}

const RPM = [
  'import rpm',
  'def compare(a, b):',
  '    try:',
  '        x, y = rpm.ver(a), rpm.ver(b)',
  '    except Exception:',
  '        return "error"',
  '    return (x > y) - (x < y)',
].join('\n');

describe('rpm comparator', () => {
  it('orders 6000 generated pairs exactly as rpm 4.18 (python3-rpm rpm.ver)', () => {
    requirePythonModule('rpm', 'python3-rpm');
    const rng = new Rng(SEED);
    const pairs = [
      ...generatePairs(rng, 4000, (r) => rpmVersion(r), mutate),
      ...generatePairs(rng, 2000, (r) => rpmVersion(r, true), mutate),
    ];
    const expected = pythonCompareBatch(RPM, pairs);
    const mismatches: Mismatch[] = [];
    pairs.forEach(([a, b], i) => {
      if (expected[i] === 'error') return;
      const actual = Math.sign(rpmComparator.compare(a, b));
      if (actual !== expected[i]) mismatches.push({ a, b, expected: expected[i] as number, actual });
    });
    assert.ok(expected.filter((e) => e === 'error').length < pairs.length / 100, 'too many pairs rpm refused');
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED));
  });

  it('orders the hand-written Red Hat list', () => {
    assertOrdering(rpmComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('rejects versions rpmbuild would refuse', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) assert.equal(rpmComparator.isValid(v), false, JSON.stringify(v));
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(rpmComparator, Array.from({ length: 300 }, () => rpmVersion(rng, rng.chance(0.2))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(rpmComparator, new Rng(SEED + 3));
  });
});
