/**
 * The `semver` crate (what Cargo orders crates.io versions with) as a batch reference. Debian's
 * librust-semver-dev ships the crate's source; the test compiles it and
 * testing/cargo-semver/main.rs with rustc, offline, into ~/.cache/portcullis-test/, and runs the
 * program once per batch.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommand, runBatch } from './reference.ts';

const REGISTRY = '/usr/share/cargo/registry';
const MAIN = fileURLToPath(new URL('./cargo-semver/main.rs', import.meta.url));

function crateSource(): string {
  const crate = existsSync(REGISTRY) ? readdirSync(REGISTRY).filter((name) => /^semver-1\.\d+\.\d+$/.test(name)).sort().at(-1) : undefined;
  if (crate === undefined) {
    throw new Error(`reference implementation missing: no ${REGISTRY}/semver-1.*; install the Debian package librust-semver-dev (run scripts/test-setup.sh as root)`);
  }
  return join(REGISTRY, crate, 'src', 'lib.rs');
}

function rustc(args: readonly string[]): void {
  const run = spawnSync('rustc', args, { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) throw new Error(`cannot build the Cargo reference: ${run.error?.message ?? run.stderr}`);
}

/** Builds the reference program once per (crate, program) and returns its path. */
function referenceBinary(): string {
  requireCommand('rustc', ['--version'], 'rustc');
  const lib = crateSource();
  const key = createHash('sha256').update(lib).update(readFileSync(MAIN)).digest('hex').slice(0, 16);
  const dir = join(homedir(), '.cache', 'portcullis-test', 'cargo-semver', key);
  const binary = join(dir, 'cargosemver');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  rustc(['--edition', '2018', '--crate-name', 'semver', '--crate-type', 'rlib', '-O', '--cfg', 'feature="std"', '--cap-lints', 'allow', lib, '--out-dir', dir]);
  rustc(['--edition', '2021', '-O', MAIN, '--extern', `semver=${join(dir, 'libsemver.rlib')}`, '-o', binary]);
  return binary;
}

/** The crate's answers for each pair: the order (or "invalid") and whether `a` parses. */
export function cargoCompareBatch(pairs: ReadonlyArray<readonly [string, string]>): Array<{ compare: number | 'invalid'; valid: boolean }> {
  const lines = runBatch(referenceBinary(), [], pairs.map(([a, b]) => `${a}\n${b}\n`).join(''));
  if (lines.length !== pairs.length) throw new Error(`Cargo reference answered ${lines.length} of ${pairs.length} pairs`);
  return lines.map((line) => {
    const [compare, valid] = line.split(' ');
    return { compare: compare === 'invalid' ? 'invalid' : Number(compare), valid: valid === '1' };
  });
}
