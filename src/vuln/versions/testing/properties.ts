/**
 * Checks every comparator must pass whatever its ecosystem: it is a total preorder (reflexive,
 * antisymmetric, transitive) on the versions given, and it orders hand-written lists from
 * testdata exactly as written.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { VersionComparator } from '../types.ts';
import type { Rng } from './rng.ts';

/** Reflexivity, and antisymmetry on all pairs. */
export function assertAntisymmetric(comparator: VersionComparator, versions: readonly string[]): void {
  const sign = (a: string, b: string): number => Math.sign(comparator.compare(a, b));
  for (const v of versions) assert.equal(sign(v, v), 0, `compare(${JSON.stringify(v)}, itself) must be 0`);
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const a = versions[i] as string;
      const b = versions[j] as string;
      assert.equal(sign(a, b), -sign(b, a) || 0, `antisymmetry broken for ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
    }
  }
}

/**
 * Transitivity: after sorting, every earlier version must compare <= every later one, plus
 * random triples checked directly.
 */
export function assertTransitive(comparator: VersionComparator, versions: readonly string[], rng: Rng): void {
  const sign = (a: string, b: string): number => Math.sign(comparator.compare(a, b));
  const sorted = [...versions].sort(sign);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i] as string;
      const b = sorted[j] as string;
      assert.ok(sign(a, b) <= 0, `not transitive: ${JSON.stringify(a)} sorted before ${JSON.stringify(b)} but compares greater`);
    }
  }
  for (let n = 0; n < versions.length * 4; n++) {
    const [a, b, c] = [rng.pick(versions), rng.pick(versions), rng.pick(versions)];
    if (sign(a, b) <= 0 && sign(b, c) <= 0) {
      assert.ok(sign(a, c) <= 0, `not transitive: ${JSON.stringify([a, b, c])}`);
    }
  }
}

/** A total preorder: reflexive, antisymmetric and transitive on `versions`. */
export function assertTotalOrder(comparator: VersionComparator, versions: readonly string[], rng: Rng): void {
  assertAntisymmetric(comparator, versions);
  assertTransitive(comparator, versions, rng);
}

/**
 * Reads an ordering file: one rank per line, ascending; versions on one line (separated by
 * spaces) are equal; `#` starts a comment line; blank lines are ignored.
 */
export function readOrdering(path: string | URL): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/));
}

/** Every version in a later rank compares greater than every version in an earlier one. */
export function assertOrdering(comparator: VersionComparator, ranks: readonly string[][]): void {
  assert.ok(ranks.length > 1, 'an ordering file needs at least two ranks');
  for (let i = 0; i < ranks.length; i++) {
    for (const a of ranks[i] as string[]) {
      assert.ok(comparator.isValid(a), `${JSON.stringify(a)} should be valid`);
      for (const b of ranks[i] as string[]) assert.equal(Math.sign(comparator.compare(a, b)), 0, `${JSON.stringify(a)} = ${JSON.stringify(b)}`);
      for (let j = i + 1; j < ranks.length; j++) {
        for (const b of ranks[j] as string[]) {
          assert.equal(Math.sign(comparator.compare(a, b)), -1, `${JSON.stringify(a)} < ${JSON.stringify(b)}`);
          assert.equal(Math.sign(comparator.compare(b, a)), 1, `${JSON.stringify(b)} > ${JSON.stringify(a)}`);
        }
      }
    }
  }
}

/** Reads a list of strings (one per line, JSON-quoted when they need escapes) that must be invalid. */
export function readLines(path: string | URL): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => (line.startsWith('"') ? (JSON.parse(line) as string) : line));
}

/** Hostile strings every comparator must survive without throwing (the result is not checked here). */
export function hostileStrings(rng: Rng): string[] {
  const shapes = [
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff1.0',
    '1.0\u0000',
    '١٢٣',
    '１.２',
    '1.0-\u00e9',
    '💥1.2.3',
    '-',
    ':',
    '::',
    '~',
    '^',
    '+',
    '.',
    '..',
    '-r',
    '_',
    '_alpha',
    'v',
    '1'.repeat(5000),
    '1.'.repeat(5000),
    '9'.repeat(400) + '.0',
    '0'.repeat(300),
    'a'.repeat(10000),
    '-'.repeat(1000),
    '1-'.repeat(2000),
    '1.0+'.repeat(500),
    // Shapes that make ambiguous regular expressions backtrack exponentially.
    `1.0.0-beta${'1'.repeat(3000)}!`,
    `1.0.0-beta${'1.'.repeat(2000)}!`,
    `1.0+${'a.'.repeat(2000)}!`,
    `1.0.0-${'1a.'.repeat(2000)}!`,
    `1.0-${'a-'.repeat(2000)}.`,
    `2024${'01'.repeat(2000)}x`,
    `1.0${'.dev'.repeat(2000)}!`,
    `${' '.repeat(3000)}x${' '.repeat(3000)}`,
  ];
  const alphabet = '0123456789.-_+~^:!@#abcdefrpvxAZ \u00e9\ud83d\ude00';
  for (let i = 0; i < 200; i++) {
    shapes.push(rng.join(rng.int(0, 30), () => alphabet[rng.int(0, alphabet.length - 1)] as string));
  }
  return shapes;
}

/** compare and isValid never throw, and stay fast, on hostile strings. */
export function assertSurvivesHostileInput(comparator: VersionComparator, rng: Rng): void {
  const strings = hostileStrings(rng);
  const started = performance.now();
  for (const a of strings) {
    assert.equal(typeof comparator.isValid(a), 'boolean');
    for (let k = 0; k < 8; k++) {
      const b = rng.pick(strings);
      const result = comparator.compare(a, b);
      assert.ok(Number.isFinite(result), `compare(${JSON.stringify(a.slice(0, 40))}, ...) returned ${result}`);
    }
  }
  assert.ok(performance.now() - started < 20_000, 'hostile input took too long');
}
