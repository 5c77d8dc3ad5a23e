import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../../core/index.ts';
import { lintK8sCommand } from './lint-k8s.ts';

const K8S_TESTDATA = join(import.meta.dirname, '..', '..', 'lint', 'k8s', 'testdata');
const RULES_TESTDATA = join(import.meta.dirname, '..', '..', 'lint', 'custom', 'testdata', 'rules');
const COMMAND = new URL('./lint-k8s.ts', import.meta.url).href;

/** Runs the command in a child process, as the CLI does, so stdin, stdout and the exit code are real. */
function run(args: string[], stdin = ''): { status: number | null; stdout: string; stderr: string } {
  const script = `const { lintK8sCommand } = await import(${JSON.stringify(COMMAND)}); process.exitCode = await lintK8sCommand(JSON.parse(process.argv[1]));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(args)], { input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function usage(pattern: RegExp) {
  return (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE' && pattern.test(error.message);
}

describe('portcullis lint k8s', () => {
  it("reads manifests from stdin with '-' and exits 1 at --fail-on", async () => {
    const text = await readFile(join(K8S_TESTDATA, 'insecure', 'deployment.yaml'), 'utf8');
    const failing = run(['-', '--format', 'json', '--fail-on', 'critical'], text);
    assert.equal(failing.status, 1, failing.stderr);
    const report = JSON.parse(failing.stdout) as { files: string[]; findings: Array<{ checkId: string; file: string; line: number }> };
    assert.deepEqual(report.files, ['-']);
    assert.ok(report.findings.some((finding) => finding.checkId === 'PC-K8S-001' && finding.file === '-' && finding.line === 47));
  });

  it('exits 0 on the hardened manifests even at --fail-on low', () => {
    const result = run([join(K8S_TESTDATA, 'hardened'), '--fail-on', 'low', '--trusted-registries', 'ghcr.io/acme', '--format', 'sarif']);
    assert.equal(result.status, 0, result.stderr);
    const sarif = JSON.parse(result.stdout) as { runs: Array<{ results: unknown[] }> };
    assert.deepEqual(sarif.runs[0]?.results, []);
  });

  it('--profile baseline drops the restricted findings', () => {
    const restricted = run([join(K8S_TESTDATA, 'insecure', 'cronjob.yaml'), '--format', 'json']);
    const baseline = run([join(K8S_TESTDATA, 'insecure', 'cronjob.yaml'), '--format', 'json', '--profile', 'baseline']);
    const ids = (output: string) => (JSON.parse(output) as { findings: Array<{ checkId: string }> }).findings.map((finding) => finding.checkId);
    assert.ok(ids(restricted.stdout).includes('PC-K8S-014'));
    assert.ok(!ids(baseline.stdout).includes('PC-K8S-014'));
    assert.ok(ids(baseline.stdout).includes('PC-K8S-011'));
  });

  it('writes JUnit to --output and warns on stderr about skipped documents unless --quiet', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'portcullis-lint-k8s-'));
    try {
      const output = join(directory, 'junit.xml');
      const result = run([join(K8S_TESTDATA, 'hostile', 'mixed.yaml'), '--format', 'junit', '--output', output]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(await readFile(output, 'utf8'), /^<\?xml[\s\S]*PC-K8S-001/);
      assert.match(result.stderr, /skipped a document that is not a Kubernetes object/);
      assert.equal(run([join(K8S_TESTDATA, 'hostile', 'mixed.yaml'), '--quiet', '--output', output]).stderr, '');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('applies custom rules next to the built-in checks', () => {
    const result = run([join(RULES_TESTDATA, 'good.yaml'), '--rules', join(RULES_TESTDATA, 'rules.yaml'), '--format', 'json']);
    const ids = (JSON.parse(result.stdout) as { findings: Array<{ checkId: string }> }).findings.map((finding) => finding.checkId);
    assert.ok(ids.includes('PC-K8S-013'));
    assert.ok(!ids.some((id) => id.startsWith('ACME-')));
  });

  it('runs rule unit tests with --rules and --test, exiting 1 when one fails', () => {
    const passing = run(['--rules', join(RULES_TESTDATA, 'rules.yaml'), '--test', join(RULES_TESTDATA, 'tests.yaml')]);
    assert.equal(passing.status, 0, passing.stdout + passing.stderr);
    assert.match(passing.stdout, /2 passed, 0 failed/);
    const failing = run(['--rules', join(RULES_TESTDATA, 'rules.yaml'), '--test', join(RULES_TESTDATA, 'failing-tests.yaml')]);
    assert.equal(failing.status, 1);
    assert.match(failing.stdout, /0 passed, 2 failed/);
  });

  it('rejects bad usage with USAGE errors (exit 2 in the CLI)', async () => {
    await assert.rejects(lintK8sCommand([]), usage(/needs at least one PATH/));
    await assert.rejects(lintK8sCommand(['x.yaml', '--format', 'xml']), usage(/--format must be one of/));
    await assert.rejects(lintK8sCommand(['x.yaml', '--profile', 'privileged']), usage(/--profile must be one of baseline, restricted/));
    await assert.rejects(lintK8sCommand(['x.yaml', '--trusted-registries', 'bad host!']), usage(/is not a registry host with an optional repository prefix/));
    await assert.rejects(lintK8sCommand(['--test', 'tests.yaml']), usage(/--test needs --rules/));
    await assert.rejects(lintK8sCommand(['x.yaml', '--bogus']), usage(/bogus/));
  });

  it('reports unreadable input and broken rules as errors, never as a clean pass', async () => {
    await assert.rejects(lintK8sCommand(['/nonexistent/k8s']), (error: unknown) => error instanceof PortcullisError && error.code === 'NOT_FOUND');
    await assert.rejects(
      lintK8sCommand([join(K8S_TESTDATA, 'hardened'), '--rules', join(RULES_TESTDATA, '..', 'broken', 'syntax.yaml')]),
      (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && /BAD-SYNTAX/.test(error.message),
    );
    await assert.rejects(lintK8sCommand([join(K8S_TESTDATA, 'hostile', 'bomb.yaml')]), (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT');
  });
});
