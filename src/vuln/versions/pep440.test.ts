import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pep440Comparator } from './pep440.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, pythonCompareBatch, requirePythonModule, type Mismatch } from './testing/reference.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0x440;
const testdata = new URL('./testdata/pep440/', import.meta.url);

const NUMBERS = ['0', '00', '1', '01', '2', '9', '10', '010', '2024', '99999999999999999999'];
const SEP = ['', '', '.', '-', '_'];
const PRE = ['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'A', 'RC', 'Alpha', 'PREVIEW'];
const POST = ['post', 'rev', 'r', 'POST', 'Rev'];
/** Letters Python's case-insensitive matching equates with ASCII ones. */
const FOLDED = ['ſ', 'ı', 'İ', 'K'];
const LOCAL = ['ubuntu', 'abc', '1', '01', 'git', 'deadbeef', 'cu118', 'Z', 'a1b2'];

function maybe(rng: Rng, p: number, make: () => string): string {
  return rng.chance(p) ? make() : '';
}

function pep440Version(rng: Rng, hostile = false): string {
  let v = '';
  v += maybe(rng, 0.1, () => rng.pick([' ', '\t', '\n', '\x1c', '\u3000']));
  v += maybe(rng, 0.1, () => rng.pick(['v', 'V']));
  v += maybe(rng, 0.15, () => `${rng.pick(NUMBERS)}!`);
  v += rng.join(rng.int(1, 4), () => rng.pick(NUMBERS), '.');
  v += maybe(rng, 0.35, () => `${rng.pick(SEP)}${rng.pick(PRE)}${rng.pick(SEP)}${maybe(rng, 0.8, () => rng.pick(NUMBERS))}`);
  v += maybe(rng, 0.25, () =>
    rng.chance(0.3) ? `-${rng.pick(NUMBERS)}` : `${rng.pick(SEP)}${rng.pick(POST)}${rng.pick(SEP)}${maybe(rng, 0.8, () => rng.pick(NUMBERS))}`,
  );
  v += maybe(rng, 0.25, () => `${rng.pick(SEP)}${rng.pick(['dev', 'DEV'])}${rng.pick(SEP)}${maybe(rng, 0.8, () => rng.pick(NUMBERS))}`);
  v += maybe(rng, 0.2, () => `+${rng.join(rng.int(1, 3), () => rng.pick(LOCAL), rng.pick(['.', '-', '_']))}`);
  v += maybe(rng, 0.1, () => rng.pick([' ', '\r\n', '\x85', '\ufeff']));
  if (hostile) {
    // Folded letters, stray characters and doubled separators: some valid to Python, most not.
    v = v.replace(/[sikSIK]/, () => rng.pick(FOLDED));
    v += maybe(rng, 0.3, () => rng.pick(['.', '..', '+', '-', 'foo', '*', '+a..b', '.post', 'ſ', '!1']));
  }
  return v;
}

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 8)) {
    case 0:
      return `${v}.0`;
    case 1:
      return `${v}.dev0`;
    case 2:
      return `${v}.post0`;
    case 3:
      return `${v}+local.1`;
    case 4:
      return v.replace(/[0-9]+/, (d) => `0${d}`);
    case 5:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 6:
      return v.replace(/[a-z]+/i, rng.pick([...PRE, ...POST]));
    case 7:
      return v.toUpperCase();
    default:
      return v.replace(/[.-_]/, rng.pick(SEP));
  }
}

const PACKAGING = [
  'from packaging.version import Version, InvalidVersion',
  'def parse(s):',
  '    try:',
  '        return Version(s)',
  '    except InvalidVersion:',
  '        return None',
  'def compare(a, b):',
  '    x, y = parse(a), parse(b)',
  '    if x is None or y is None:',
  '        return "invalid" + ("1" if x is None else "0") + ("1" if y is None else "0")',
  '    return (x > y) - (x < y)',
].join('\n');

describe('PEP 440 comparator', () => {
  it('parses and orders 8000 generated pairs exactly as packaging (python3-packaging)', () => {
    requirePythonModule('packaging.version', 'python3-packaging');
    const rng = new Rng(SEED);
    const pairs = [
      ...generatePairs(rng, 6000, (r) => pep440Version(r), mutate),
      ...generatePairs(rng, 2000, (r) => pep440Version(r, true), mutate),
    ];
    const expected = pythonCompareBatch(PACKAGING, pairs);
    const mismatches: Mismatch[] = [];
    let compared = 0;
    pairs.forEach(([a, b], i) => {
      const reference = expected[i] as number | string;
      const validity = `invalid${pep440Comparator.isValid(a) ? 0 : 1}${pep440Comparator.isValid(b) ? 0 : 1}`;
      if (typeof reference === 'string') {
        if (reference !== validity) mismatches.push({ a, b, expected: reference, actual: validity });
        return;
      }
      compared++;
      const actual = Math.sign(pep440Comparator.compare(a, b));
      if (validity !== 'invalid00') mismatches.push({ a, b, expected: reference, actual: validity });
      else if (actual !== reference) mismatches.push({ a, b, expected: reference, actual });
    });
    assert.ok(compared > 5000, `only ${compared} valid pairs`);
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED));
  });

  it('orders the hand-written PyPI list', () => {
    assertOrdering(pep440Comparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('rejects non-PEP 440 strings and sorts them below every valid version', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) {
      assert.equal(pep440Comparator.isValid(v), false, JSON.stringify(v));
      assert.equal(pep440Comparator.compare(v, '0.dev0'), -1, `${JSON.stringify(v)} sorts below valid versions`);
    }
  });

  it('is a total order on generated versions, valid or not', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(pep440Comparator, Array.from({ length: 300 }, () => pep440Version(rng, rng.chance(0.3))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(pep440Comparator, new Rng(SEED + 3));
  });
});
