/**
 * Test support: builds the Go program under testdata/modules with the real Go toolchain, offline
 * (its dependencies are local modules wired in by `replace`), and caches the binary under
 * ~/.cache/portcullis-test/go-binary/<hash of sources and flags>. Tests only.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';

const MODULES = join(import.meta.dirname, 'testdata', 'modules');
const CACHE = join(homedir(), '.cache', 'portcullis-test');

export function requireGo(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error('the Go toolchain (`go`, Debian package golang-go) is needed by these tests: run scripts/test-setup.sh', { cause: error });
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Builds testdata/modules/app/cmd/app with extra `go build` flags and environment (GOARCH=arm for
 * a 32-bit ELF, s390x for a big-endian one); returns the binary's path.
 */
export function buildTestBinary(buildFlags: readonly string[], buildEnv: Readonly<Record<string, string>> = {}): string {
  const goVersion = requireGo();
  const hash = createHash('sha256').update(JSON.stringify([goVersion, buildFlags, buildEnv]));
  for (const file of filesUnder(MODULES)) hash.update(relative(MODULES, file)).update(readFileSync(file));
  const dir = join(CACHE, 'go-binary', hash.digest('hex').slice(0, 16));
  const binary = join(dir, 'app');
  if (existsSync(binary)) return binary;

  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, 'build-'));
  try {
    cpSync(MODULES, work, { recursive: true });
    const output = join(work, 'app.bin');
    execFileSync('go', ['build', ...buildFlags, '-o', output, './cmd/app'], {
      cwd: join(work, 'app'),
      env: {
        ...process.env,
        GOFLAGS: '-mod=mod -buildvcs=false',
        GOPROXY: 'off',
        GOTOOLCHAIN: 'local',
        GOCACHE: join(CACHE, 'go-build-cache'),
        GOPATH: join(CACHE, 'go-path'),
        ...buildEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    renameSync(output, binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

/** What `go version -m` prints for a binary, the reference the extractor's output is checked against. */
export function goVersionM(binary: string): { goVersion: string; lines: string[][] } {
  const text = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  const [first = '', ...rest] = text.split('\n');
  const goVersion = first.slice(first.lastIndexOf(': ') + 2);
  const lines = rest.filter((line) => line.startsWith('\t')).map((line) => line.slice(1).split('\t'));
  return { goVersion, lines };
}
