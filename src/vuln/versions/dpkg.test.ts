import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { dpkgComparator } from './dpkg.ts';
import { Rng, generatePairs } from './testing/rng.ts';
import { describeMismatches, pythonCompareBatch, requirePythonModule, type Mismatch } from './testing/reference.ts';
import { assertOrdering, assertSurvivesHostileInput, assertTotalOrder, readLines, readOrdering } from './testing/properties.ts';

const SEED = 0x0de6;
const testdata = new URL('./testdata/dpkg/', import.meta.url);

/** Upstream/revision pieces Debian versions are really made of, plus the corner cases. */
const NUMBERS = ['0', '00', '1', '01', '001', '2', '9', '10', '11', '99', '100', '2024', '20240131', '18446744073709551616'];
const WORDS = ['a', 'b', 'z', 'A', 'Z', 'rc', 'beta', 'alpha', 'dfsg', 'ubuntu', 'deb', 'bpo', 'build', 'git', 'really'];
const SEPARATORS = ['.', '.', '.', '+', '~', '~~', '-', ':', '+~', '.~'];
/** Bytes dpkg rejects but apt still orders (compared against apt only). */
const ODD = ['_', '@', '%', ',', '=', 'é', 'ü', '€', '\u00ff', ' ', '!'];

function upstream(rng: Rng, odd: boolean): string {
  let s = rng.pick(NUMBERS);
  for (let n = rng.int(0, 5); n > 0; n--) {
    s += rng.chance(0.35) ? rng.pick(SEPARATORS) : '';
    s += rng.chance(0.6) ? rng.pick(NUMBERS) : rng.pick(WORDS);
    if (odd && rng.chance(0.15)) s += rng.pick(ODD);
  }
  return s;
}

function revision(rng: Rng): string {
  const shapes = ['0', '1', '1ubuntu1', '1~bpo12+1', '0.1', '1+deb12u1', '2build1', '1~', '10', '01', '1.0', 'a'];
  return rng.pick(shapes) + (rng.chance(0.2) ? rng.pick(['~', '+b1', '.1', 'ubuntu0.22.04.1']) : '');
}

function debianVersion(rng: Rng, odd = false): string {
  const epoch = rng.chance(0.25) ? `${rng.pick(['0', '1', '2', '00', '01', '10'])}:` : '';
  let up = upstream(rng, odd);
  // A '-' or ':' inside upstream is only allowed with a revision / an epoch.
  if (epoch === '') up = up.replaceAll(':', '.');
  const rev = rng.chance(0.7) ? `-${revision(rng)}` : '';
  if (rev === '') up = up.replaceAll('-', '+');
  return `${epoch}${up}${rev}`;
}

function mutate(rng: Rng, v: string): string {
  switch (rng.int(0, 9)) {
    case 0:
      return `${v}~`;
    case 1:
      return `${v}.0`;
    case 2:
      return `${v}+1`;
    case 3:
      return v.replace(/[0-9]+/, (d) => `0${d}`);
    case 4:
      return v.replace(/[0-9]+(?=[^0-9]*$)/, (d) => String(Number(d.slice(-6)) + 1));
    case 5:
      return v.includes(':') ? v.slice(v.indexOf(':') + 1) : `0:${v}`;
    case 6:
      return v.replace(/~/, '');
    case 7:
      return `${v}a`;
    case 8:
      // Same position, different byte class: where byte-order emulation shows.
      return v.replace(/[.+~]/, rng.pick(ODD));
    default:
      return v.replace(/[a-z]/, rng.pick(SEPARATORS));
  }
}

const APT = 'import apt_pkg\napt_pkg.init_system()\ndef compare(a, b):\n    return apt_pkg.version_compare(a, b)';

describe('dpkg comparator', () => {
  it('orders 6000 generated pairs exactly as apt (python3-apt)', () => {
    requirePythonModule('apt_pkg', 'python3-apt');
    const rng = new Rng(SEED);
    const pairs = [
      ...generatePairs(rng, 4000, (r) => debianVersion(r), mutate),
      ...generatePairs(rng, 2000, (r) => debianVersion(r, true), mutate),
    ];
    const expected = pythonCompareBatch(APT, pairs);
    const mismatches: Mismatch[] = [];
    pairs.forEach(([a, b], i) => {
      const actual = Math.sign(dpkgComparator.compare(a, b));
      if (actual !== expected[i]) mismatches.push({ a, b, expected: expected[i] as number, actual });
    });
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED));
  });

  it('agrees with dpkg --compare-versions itself on 300 valid pairs, and with its validity checks', () => {
    const rng = new Rng(SEED + 1);
    const pairs = generatePairs(rng, 300, (r) => debianVersion(r), mutate).filter(
      ([a, b]) => dpkgComparator.isValid(a) && dpkgComparator.isValid(b),
    );
    assert.ok(pairs.length > 200, `only ${pairs.length} valid pairs generated`);
    // One shell runs dpkg per pair (dpkg compares one pair per process); answers -1, 0 or 1.
    const script =
      'while IFS= read -r a && IFS= read -r b; do ' +
      'if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' +
      'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
    const input = pairs.map(([a, b]) => `${a}\n${b}\n`).join('');
    const run = spawnSync('bash', ['-c', script], { input, encoding: 'utf8' });
    assert.equal(run.status, 0, `dpkg failed (is dpkg installed?): ${run.stderr}`);
    assert.equal(run.stderr, '', 'dpkg warned about a version Portcullis calls valid');
    const answers = run.stdout.trim().split('\n').map(Number);
    const mismatches: Mismatch[] = [];
    pairs.forEach(([a, b], i) => {
      const actual = Math.sign(dpkgComparator.compare(a, b));
      if (actual !== answers[i]) mismatches.push({ a, b, expected: answers[i] as number, actual });
    });
    assert.equal(mismatches.length, 0, describeMismatches(mismatches, SEED + 1));
  });

  it('rejects what dpkg rejects or warns about', () => {
    assert.equal(dpkgComparator.isValid(''), false, 'dpkg reads an empty version as "no version"');
    assert.equal(dpkgComparator.isValid(' 1:1.0-1\t'), true, 'dpkg trims surrounding blanks');
    const invalid = readLines(new URL('invalid.txt', testdata));
    for (const v of invalid) {
      assert.equal(dpkgComparator.isValid(v), false, JSON.stringify(v));
      // The version goes last so that a leading '-' is not taken for an option.
      const run = spawnSync('dpkg', ['--compare-versions', '1', 'eq', v], { encoding: 'utf8' });
      assert.match(run.stderr, /bad syntax|empty|embedded/, `dpkg should object to ${JSON.stringify(v)}`);
    }
  });

  it('orders the hand-written Debian list', () => {
    assertOrdering(dpkgComparator, readOrdering(new URL('ordering.txt', testdata)));
  });

  it('is a total order on generated versions', () => {
    const rng = new Rng(SEED + 2);
    const versions = Array.from({ length: 300 }, () => debianVersion(rng, rng.chance(0.2)));
    assertTotalOrder(dpkgComparator, versions, rng);
  });

  it('survives hostile strings', () => {
    assertSurvivesHostileInput(dpkgComparator, new Rng(SEED + 3));
  });
});
