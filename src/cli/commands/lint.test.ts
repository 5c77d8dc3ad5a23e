import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sarifSchemaErrors } from '../../lint/report/testing.ts';

const BIN = new URL('../../../bin/portcullis.js', import.meta.url).pathname;
const TESTDATA = new URL('../../lint/dockerfile/testdata/', import.meta.url).pathname;
const INSECURE = join(TESTDATA, 'insecure', 'Dockerfile');
const CLEAN = join(TESTDATA, 'clean', 'Dockerfile');
const RULES_DIR = join(TESTDATA, 'custom-rules');
const RULES = join(RULES_DIR, 'rules.yaml');

/** Runs the real CLI in a child process, so arguments, stdin, stdout and the exit code are real. */
function portcullis(args: string[], stdin = ''): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('portcullis lint dockerfile', () => {
  let directory = '';
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'portcullis-lint-cli-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('prints a table and exits 0 without --fail-on, 1 with a threshold that findings reach', () => {
    const plain = portcullis(['lint', 'dockerfile', INSECURE]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /^ {2}26 +HIGH +PC-DF-004 +\[stage 1\] USER root makes the final image run as root$/m);
    assert.equal(portcullis(['lint', 'dockerfile', '--fail-on', 'high', INSECURE]).status, 1);
    assert.equal(portcullis(['lint', 'dockerfile', '--fail-on', 'CRITICAL', INSECURE]).status, 0, 'nothing in the fixture is critical');
  });

  it('exits 0 on the clean Dockerfile even at --fail-on low', () => {
    const result = portcullis(['lint', 'dockerfile', '--fail-on', 'low', '--allowed-registries', 'docker.io/library', CLEAN]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /No findings: 31 checks passed on 1 file\./);
  });

  it("reads stdin with '-' and writes SARIF that validates, at the instruction's line", () => {
    const text = 'FROM alpine\nUSER app\nHEALTHCHECK CMD true\n';
    const result = portcullis(['lint', 'dockerfile', '-', '--format', 'sarif', '--fail-on', 'medium'], text);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(sarifSchemaErrors(result.stdout), []);
    const log = JSON.parse(result.stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    const results = log.runs[0]?.results ?? [];
    assert.deepEqual(results.map((each) => [each.ruleId, each.locations[0]?.physicalLocation.artifactLocation.uri, each.locations[0]?.physicalLocation.region.startLine]), [['PC-DF-001', 'stdin', 1]]);
  });

  it('writes JSON and JUnit reports to --output, and applies --allowed-registries and --config', async () => {
    const json = join(directory, 'report.json');
    const first = portcullis(['lint', 'dockerfile', CLEAN, '--format', 'json', '--output', json, '--allowed-registries', 'ghcr.io/acme']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, '');
    const report = JSON.parse(await readFile(json, 'utf8')) as { findings: Array<{ checkId: string; line: number }> };
    assert.deepEqual(report.findings.map((finding) => `${finding.checkId}:${finding.line}`), ['PC-DF-003:6', 'PC-DF-003:19']);

    const config = join(directory, 'lint.yaml');
    await writeFile(config, 'dockerfile:\n  allowedRegistries: [ghcr.io/acme]\n');
    const junit = join(directory, 'report.xml');
    const second = portcullis(['lint', 'dockerfile', CLEAN, '--format', 'junit', '-o', junit, '--config', config, '--fail-on', 'high']);
    assert.equal(second.status, 1, second.stderr);
    const xml = await readFile(junit, 'utf8');
    assert.match(xml, /<testsuites name="portcullis lint dockerfile" tests="31" failures="2" errors="0">/);
  });

  it('exits 2 with a clear message on bad input, writing no report', async () => {
    const empty = join(directory, 'empty');
    await writeFile(empty, '');
    const binary = join(directory, 'binary');
    await writeFile(binary, Buffer.from([0, 1, 2, 3]));
    const output = join(directory, 'never.json');
    const cases: Array<[string[], RegExp]> = [
      [[empty], /the file is empty/],
      [[binary], /binary content/],
      [[join(directory, 'missing')], /no such file/],
      [[], /needs at least one FILE/],
      [[CLEAN, '--format', 'xml'], /--format must be one of/],
      [[CLEAN, '--fail-on', 'urgent'], /--fail-on must be one of/],
      [[CLEAN, '--allowed-registries', 'library/alpine'], /must be a registry host/],
      [[CLEAN, '--bogus'], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const result = portcullis(['lint', 'dockerfile', ...args, '--output', output]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
    await assert.rejects(readFile(output), 'no report file after a failure');
  });

  it('runs custom rules with --rules: a finding at its line on a bad file, none on a good one', () => {
    const bad = portcullis(['lint', 'dockerfile', join(RULES_DIR, 'untrusted.Dockerfile'), '--rules', RULES, '--format', 'json', '--fail-on', 'high']);
    assert.equal(bad.status, 1, bad.stderr);
    const report = JSON.parse(bad.stdout) as { checks: Array<{ id: string }>; findings: Array<{ checkId: string; line: number; suppressed?: { reason: string } }> };
    const custom = report.findings.filter((finding) => !finding.checkId.startsWith('PC-'));
    assert.deepEqual(custom.map((finding) => [finding.checkId, finding.line, finding.suppressed?.reason]), [
      ['acme-df-002', 2, undefined],
      ['ACME-DF-001', 3, undefined],
      ['ACME-DF-001', 7, 'mirrored by the build farm, see ADR-7'],
    ]);
    assert.deepEqual(report.checks.map((check) => check.id).filter((id) => !id.startsWith('PC-')), ['ACME-DF-001', 'acme-df-002']);

    const good = portcullis(['lint', 'dockerfile', join(RULES_DIR, 'trusted.Dockerfile'), '--rules', RULES, '--format', 'sarif']);
    assert.equal(good.status, 0, good.stderr);
    assert.deepEqual(sarifSchemaErrors(good.stdout), []);
    const log = JSON.parse(good.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string }> }> };
    assert.ok(log.runs[0]?.tool.driver.rules.some((rule) => rule.id === 'ACME-DF-001'), 'the rule is listed as a check that passed');
    assert.deepEqual(log.runs[0]?.results.filter((result) => !result.ruleId.startsWith('PC-')), []);
  });

  it('refuses a rules file with a broken CEL expression: exit 2 naming the rule and position, no report', async () => {
    const output = join(directory, 'never-rules.json');
    const result = portcullis(['lint', 'dockerfile', CLEAN, '--rules', join(RULES_DIR, 'broken.yaml'), '--output', output]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /broken\.yaml:7: rule ACME-DF-BROKEN: CEL syntax error: .* at expression line 1 column \d+/);
    assert.equal(result.stdout, '');
    await assert.rejects(readFile(output), 'no report file after a failure');
    const missing = portcullis(['lint', 'dockerfile', CLEAN, '--rules', join(directory, 'missing.yaml')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing\.yaml: cannot read/);
  });

  it('runs rule unit tests with --rules and --test, exiting 1 when a case fails', async () => {
    const passing = portcullis(['lint', 'dockerfile', '--rules', RULES, '--test', join(RULES_DIR, 'rules.test.yaml')]);
    assert.equal(passing.status, 0, passing.stdout + passing.stderr);
    assert.match(passing.stdout, /^PASS {2}a Docker Hub base image and no USER$/m);
    assert.match(passing.stdout, /3 passed, 0 failed\n$/);

    const tests = join(directory, 'failing.test.yaml');
    await writeFile(tests, `tests:\n- name: trusted file has no findings\n  file: ${join(RULES_DIR, 'trusted.Dockerfile')}\n  expect: [ACME-DF-001]\n`);
    const failing = portcullis(['lint', 'dockerfile', '--rules', RULES, '--test', tests]);
    assert.equal(failing.status, 1, failing.stderr);
    assert.match(failing.stdout, /FAIL {2}trusted file has no findings\n {8}expected \[ACME-DF-001\], got \[\]/);

    for (const [args, message] of [
      [['--test', tests], /--test needs --rules/],
      [['--rules', RULES, '--test', tests, CLEAN], /--test takes no input arguments/],
    ] as Array<[string[], RegExp]>) {
      const result = portcullis(['lint', 'dockerfile', ...args]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });

  it('shows warnings in a table on stdout, and on stderr when the report goes elsewhere', async () => {
    const text = 'FROM alpine:3.20\nFOO bar\nUSER 1\n';
    const table = portcullis(['lint', 'dockerfile', '-'], text);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^warning: -: line 2: unknown instruction FOO$/m);
    assert.equal(table.stderr, '');
    const output = join(directory, 'table.txt');
    const toFile = portcullis(['lint', 'dockerfile', '-', '--output', output], text);
    assert.match(toFile.stderr, /-: line 2: unknown instruction FOO/);
    assert.match(await readFile(output, 'utf8'), /unknown instruction FOO/);
    assert.equal(portcullis(['lint', 'dockerfile', '-', '--output', output, '--quiet'], text).stderr, '');
    assert.match(portcullis(['lint', 'dockerfile', '-', '--format', 'json'], text).stderr, /unknown instruction FOO/);
  });

  it('routes lint kinds and shows help', () => {
    assert.equal(portcullis(['lint', 'dockerfile', '--help']).status, 0);
    assert.match(portcullis(['--help']).stdout, /lint KIND/);
    const k8s = portcullis(['lint', 'k8s', '--help']);
    assert.equal(k8s.status, 0, k8s.stderr);
    assert.match(k8s.stdout, /Usage: portcullis lint k8s/);
    const unknown = portcullis(['lint', 'helm']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown lint kind "helm"/);
    assert.equal(portcullis(['lint']).status, 2);
  });
});
