/**
 * Go's golang.org/x/mod/semver as a batch reference. The Go toolchain ships that package (vendored
 * for the go command under $GOROOT/src/cmd/vendor); the test builds testing/go-semver/main.go
 * against that very copy, offline, into ~/.cache/portcullis-test/, and runs it once per batch.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBatch } from './reference.ts';

const MAIN = fileURLToPath(new URL('./go-semver/main.go', import.meta.url));

function goRoot(): string {
  const env = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' });
  if (env.error !== undefined || env.status !== 0) {
    throw new Error('reference implementation missing: no `go` command; install the Debian package golang-go (run scripts/test-setup.sh as root)');
  }
  return env.stdout.trim();
}

/** Builds the reference program once per (Go toolchain, program) and returns its path. */
function referenceBinary(): string {
  const semverSource = join(goRoot(), 'src', 'cmd', 'vendor', 'golang.org', 'x', 'mod', 'semver', 'semver.go');
  if (!existsSync(semverSource)) throw new Error(`reference implementation missing: ${semverSource} (is golang-go complete?)`);
  const key = createHash('sha256').update(readFileSync(semverSource)).update(readFileSync(MAIN)).digest('hex').slice(0, 16);
  const dir = join(homedir(), '.cache', 'portcullis-test', 'go-semver', key);
  const binary = join(dir, 'gosemver');
  if (existsSync(binary)) return binary;
  mkdirSync(join(dir, 'xmod', 'semver'), { recursive: true });
  copyFileSync(semverSource, join(dir, 'xmod', 'semver', 'semver.go'));
  copyFileSync(MAIN, join(dir, 'main.go'));
  writeFileSync(join(dir, 'xmod', 'go.mod'), 'module golang.org/x/mod\n\ngo 1.19\n');
  writeFileSync(
    join(dir, 'go.mod'),
    'module portcullis.test/gosemver\n\ngo 1.19\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ./xmod\n',
  );
  const build = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOCACHE: join(dir, '.gocache'), GOPATH: join(dir, '.gopath') },
  });
  if (build.error !== undefined || build.status !== 0) throw new Error(`cannot build the Go reference: ${build.error?.message ?? build.stderr}`);
  return binary;
}

/** Go's answers for each pair: Compare(a, b) and IsValid(a). */
export function goCompareBatch(pairs: ReadonlyArray<readonly [string, string]>): Array<{ compare: number; valid: boolean }> {
  const input = pairs.map(([a, b]) => `${a}\n${b}\n`).join('');
  const lines = runBatch(referenceBinary(), [], input);
  if (lines.length !== pairs.length) throw new Error(`Go reference answered ${lines.length} of ${pairs.length} pairs`);
  return lines.map((line) => {
    const [compare, valid] = line.split(' ');
    return { compare: Number(compare), valid: valid === '1' };
  });
}
