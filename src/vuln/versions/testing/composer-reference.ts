/**
 * Composer and PHP as a batch reference: testing/composer-reference.php runs Debian's
 * php-composer-semver (Composer's own VersionParser) and PHP's version_compare once per batch.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requireCommand, runBatch } from './reference.ts';

const COMPOSER = fileURLToPath(new URL('./composer-reference.php', import.meta.url));

/** Composer's normalisations (null where normalize() throws) and PHP's answers for one pair. */
export interface ComposerAnswer {
  normalizedA: string | null;
  normalizedB: string | null;
  compareNormalized: number | null;
  compareRaw: number;
}

export function composerBatch(pairs: ReadonlyArray<readonly [string, string]>): ComposerAnswer[] {
  requireCommand('php', ['--version'], 'php-cli');
  const autoload = '/usr/share/php/Composer/Semver/autoload.php';
  assert.ok(existsSync(autoload), `reference implementation missing: no ${autoload}; install the Debian package php-composer-semver (run scripts/test-setup.sh as root)`);
  const lines = runBatch('php', [COMPOSER], pairs.map((pair) => JSON.stringify(pair)).join('\n') + '\n');
  assert.equal(lines.length, pairs.length, 'Composer reference answered every pair');
  return lines.map((line) => {
    const [normalizedA, normalizedB, compareNormalized, compareRaw] = JSON.parse(line) as [string | null, string | null, number | null, number];
    return { normalizedA, normalizedB, compareNormalized, compareRaw };
  });
}
