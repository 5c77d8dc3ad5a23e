import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeComposerVersion, packagistComparator } from './packagist.ts';
import { canonicalizePhpVersion, phpVersionCompare } from './php-version-compare.ts';
import { Rng } from './testing/rng.ts';
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

describe('Packagist comparator', () => {
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
