import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeComposerVersion, packagistComparator } from './packagist.ts';
import { canonicalizePhpVersion, phpVersionCompare } from './php-version-compare.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, type Mismatch } from './testing/reference.ts';
import { composerBatch, type ComposerAnswer } from './testing/composer-reference.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0xc0;
const testdata = new URL('./testdata/packagist/', import.meta.url);

const NUMBERS = ['0', '1', '2', '9', '10', '01', '99999'];
const STABILITIES = ['alpha', 'a', 'beta', 'b', 'RC', 'rc', 'patch', 'pl', 'p', 'stable', 'ALPHA'];
const ORDER = ['dev', 'alpha', 'beta', 'RC', '', 'patch'];

function composerVersion(rng: Rng, hostile = false): string {
  let v = `${rng.chance(0.3) ? 'v' : ''}${rng.join(rng.int(1, 4), () => rng.pick(NUMBERS), '.')}`;
  if (rng.chance(0.4)) v += `${rng.pick(['-', '.', '_', ''])}${rng.pick(STABILITIES)}${rng.chance(0.6) ? rng.pick(['1', '2', '.3', '-10']) : ''}`;
  if (rng.chance(0.1)) v += rng.pick(['-dev', '.dev']);
  if (rng.chance(0.05)) v = rng.pick(['dev-main', 'dev-feature/x', '2.x-dev', '1.2.*-dev']);
  if (hostile) v = rng.pick(['', ' ', 'x', '=']) + v + rng.pick(['', ' ', '.', '-', '-foo', '+', '@beta']);
  return v;
}

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 6)) {
    case 0:
      return `${v}.0`;
    case 1:
      return `${v}-${rng.pick(STABILITIES)}${rng.pick(['', '1', '.2'])}`;
    case 2:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 3:
      return v.startsWith('v') ? v.slice(1) : `v${v}`;
    case 4:
      return `${v}-dev`;
    case 5:
      return v.toUpperCase();
    default:
      return v.replace(/[.-]/, rng.pick(['.', '-', '_', '']));
  }
}

/** Strings for PHP's version_compare alone: any mix of its special words, digits and separators. */
function phpVersionString(rng: Rng): string {
  const pieces = ['1', '2', '10', '0', '007', '99999999999999999999', 'dev', 'alpha', 'a', 'beta', 'b', 'RC', 'rc', 'pl', 'p', 'patch', 'foo', '#', '.', '-', '_', '+', '..', '~', ' ', 'x'];
  return rng.join(rng.int(1, 8), () => rng.pick(pieces));
}

describe('Packagist comparator', () => {
  it('normalises and orders 6000 generated pairs exactly as Composer (php-composer-semver)', () => {
    const rng = new Rng(SEED + 4);
    const pairs = [
      ...generatePairs(rng, 4500, (r) => composerVersion(r), mutate),
      ...generatePairs(rng, 1500, (r) => composerVersion(r, true), mutate),
    ];
    const answers = composerBatch(pairs);
    const mismatches: Mismatch[] = [];
    let compared = 0;
    pairs.forEach(([a, b], i) => {
      const answer = answers[i] as ComposerAnswer;
      const normalized = normalizeComposerVersion(a);
      if (normalized !== answer.normalizedA) mismatches.push({ a, b: '(normalize)', expected: String(answer.normalizedA), actual: String(normalized) });
      // Composer does not order branches; Portcullis' order for them is its own (tested above).
      if (answer.compareNormalized === null || answer.normalizedA?.startsWith('dev-') || answer.normalizedB?.startsWith('dev-')) return;
      compared++;
      const actual = Math.sign(packagistComparator.compare(a, b));
      if (actual !== answer.compareNormalized) mismatches.push({ a, b, expected: answer.compareNormalized, actual });
    });
    assert.ok(compared > 3000, `only ${compared} comparable pairs`);
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED + 4));
  });

  it('reproduces PHP version_compare on 6000 arbitrary strings', () => {
    const rng = new Rng(SEED + 5);
    const pairs = generatePairs(rng, 6000, phpVersionString, (r, v) => v + phpVersionString(r));
    const answers = composerBatch(pairs);
    const mismatches: Mismatch[] = [];
    pairs.forEach(([a, b], i) => {
      const actual = phpVersionCompare(a, b);
      const expected = (answers[i] as ComposerAnswer).compareRaw;
      if (actual !== expected) mismatches.push({ a, b, expected, actual });
    });
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED + 5));
  });

  it('orders the hand-written Packagist list', () => {
    assertOrdering(packagistComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('normalises versions as Composer documents', () => {
    const cases: Array<[string, string]> = [
      ['1.2', '1.2.0.0'],
      ['v2.0.1-p1', '2.0.1.0-patch1'],
      ['1.2-b3', '1.2.0.0-beta3'],
      ['1.0.0-RC.2', '1.0.0.0-RC2'],
      ['1.0.0-alpha1-dev', '1.0.0.0-alpha1-dev'],
      ['2024-01-31', '2024.01.31'],
      ['1.x-dev', '1.9999999.9999999.9999999-dev'],
      ['dev-Main', 'dev-Main'],
      ['master', 'dev-master'],
      ['1.0.0 as 2.0.0', '1.0.0.0'],
    ];
    for (const [input, normal] of cases) assert.equal(normalizeComposerVersion(input), normal, input);
  });

  it('implements PHP version_compare on normalised versions', () => {
    assert.equal(canonicalizePhpVersion('1.0rc1-dev'), '1.0.rc.1.dev');
    assert.equal(canonicalizePhpVersion('1.0--_+2'), '1.0.2');
    assert.equal(phpVersionCompare('1.0.0.0-pl1', '1.0.0.0'), 1);
    assert.equal(phpVersionCompare('1.0.0.0-foo', '1.0.0.0-dev'), -1, 'unknown words sort below dev');
    assert.equal(phpVersionCompare('1.0', '1.0.0'), -1, 'a number more is newer');
    assert.equal(phpVersionCompare('99999999999999999999', '99999999999999999998'), 0, 'numbers saturate like strtol');
  });

  it('follows the stability order on generated versions', () => {
    const rng = new Rng(SEED);
    for (let i = 0; i < 3000; i++) {
      const base = rng.join(rng.int(1, 4), () => rng.pick(NUMBERS.slice(0, -1)), '.');
      const a = rng.int(0, ORDER.length - 1);
      const b = rng.int(0, ORDER.length - 1);
      const withStability = (k: number, n: string): string => (ORDER[k] === '' ? base : `${base}-${ORDER[k]}${ORDER[k] === 'dev' ? '' : n}`);
      assert.equal(packagistComparator.compare(withStability(a, '1'), withStability(b, '1')), Math.sign(a - b), `${withStability(a, '1')} vs ${withStability(b, '1')}`);
      assert.equal(packagistComparator.compare(`v${base}`, `${base}.0.0.0`.split('.').slice(0, 4).join('.')), 0);
      assert.equal(packagistComparator.compare(`${base}-beta2`, `${base}-beta10`), -1);
      assert.equal(packagistComparator.compare(`dev-${rng.pick(['main', 'x', 'feature'])}`, `${base}-dev`), -1);
    }
  });

  it('rejects what Composer rejects, sorting it below valid versions', () => {
    for (const v of readLines(new URL('invalid.txt', testdata))) {
      assert.equal(packagistComparator.isValid(v), false, JSON.stringify(v));
      assert.equal(packagistComparator.compare(v, 'dev-a'), -1, JSON.stringify(v));
    }
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    assertTotalOrder(packagistComparator, Array.from({ length: 400 }, () => composerVersion(rng, rng.chance(0.2))), rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(packagistComparator, new Rng(SEED + 3));
  });
});
