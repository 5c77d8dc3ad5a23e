/**
 * Runs a package manager's own comparison code on a batch of version pairs, in one process, so
 * the comparator tests can hold Portcullis' answers against the real implementation. A missing
 * tool fails the test with the Debian package to install (scripts/test-setup.sh installs them).
 */
import { spawnSync } from 'node:child_process';

export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Fails with an actionable message unless Debian's python3 can import `module`. */
export function requirePythonModule(module: string, debianPackage: string): void {
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `reference implementation missing: ${SYSTEM_PYTHON} cannot import ${module}; install the Debian package ` +
        `${debianPackage} (run scripts/test-setup.sh as root)`,
    );
  }
}

/** Runs `command` with `input` on stdin and returns its stdout lines. */
export function runBatch(command: string, args: readonly string[], input: string): string[] {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${result.stderr.slice(0, 2000)}`);
  const lines = result.stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Sends pairs as JSON lines to a Python snippet that defines `compare(a, b) -> int | str` and
 * returns one answer per pair (numbers as their sign; strings such as "invalid" as they are).
 */
export function pythonCompareBatch(prelude: string, pairs: ReadonlyArray<readonly [string, string]>): Array<number | string> {
  const script = [
    'import json, sys',
    prelude,
    'out = []',
    'for line in sys.stdin:',
    '    a, b = json.loads(line)',
    '    r = compare(a, b)',
    '    out.append(r if isinstance(r, str) else str((r > 0) - (r < 0)))',
    'sys.stdout.write("\\n".join(out) + ("\\n" if out else ""))',
  ].join('\n');
  const input = pairs.map((pair) => JSON.stringify(pair)).join('\n') + '\n';
  const lines = runBatch(SYSTEM_PYTHON, ['-c', script], input);
  if (lines.length !== pairs.length) throw new Error(`reference answered ${lines.length} of ${pairs.length} pairs`);
  return lines.map((line) => (/^-?[01]$/.test(line) ? Number(line) : line));
}

/** Fails with an actionable message unless `command` runs (probed with `args`). */
export function requireCommand(command: string, args: readonly string[], debianPackage: string): void {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(`reference implementation missing: cannot run ${command}; install the Debian package ${debianPackage} (run scripts/test-setup.sh as root)`);
  }
}

/** A pair whose answers differ, for failure messages. */
export interface Mismatch {
  a: string;
  b: string;
  expected: number | string;
  actual: number | string;
}

export function describeMismatches(mismatches: readonly Mismatch[], seed: number): string {
  const shown = mismatches
    .slice(0, 25)
    .map((m) => `  ${JSON.stringify(m.a)} vs ${JSON.stringify(m.b)}: reference ${m.expected}, Portcullis ${m.actual}`);
  return `${mismatches.length} mismatches (seed ${seed}):\n${shown.join('\n')}`;
}
