import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ComplianceReport } from '../../compliance/index.ts';
import { vulndata } from '../../vuln/sources/testing.ts';

const CLI = new URL('../../../bin/portcullis.js', import.meta.url).pathname;
const TESTDATA = join(import.meta.dirname, 'testdata', 'compliance');

/** Runs the real CLI entry point, so exit codes come from the same translation users see. */
function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'compliance', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(args: string[]): { status: number | null; report: ComplianceReport; stderr: string } {
  const result = run([...args, '--format', 'json', '--quiet']);
  assert.ok(result.stdout.startsWith('{'), `expected a JSON report, got ${result.stdout.slice(0, 200)} / ${result.stderr.slice(0, 500)}`);
  return { status: result.status, report: JSON.parse(result.stdout) as ComplianceReport, stderr: result.stderr };
}

function statusOf(report: ComplianceReport, id: string): string | undefined {
  return report.controls.find((control) => control.id === id)?.status;
}

describe('portcullis compliance', () => {
  let work = '';
  let rootfs = '';
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-compliance-'));
    // A tiny root filesystem (the dir: transport) with an AWS key left in a config file.
    rootfs = join(work, 'rootfs');
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await mkdir(join(rootfs, 'app'), { recursive: true });
    await writeFile(join(rootfs, 'etc', 'os-release'), 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
    await writeFile(join(rootfs, 'app', 'settings.env'), 'AWS_ACCESS_KEY_ID=AKIAZ7QWERTYUIOP3XCV\nREGION=eu-west-1\n');
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('exits 0 when no control fails (hardened manifests, cis-k8s)', () => {
    const { status, report } = json(['--framework', 'cis-k8s', join(TESTDATA, 'hardened.yaml')]);
    assert.equal(status, 0);
    assert.equal(report.counts.fail, 0);
    assert.ok(report.counts.pass >= 15);
    assert.equal(statusOf(report, '5.5.1'), 'not-evaluated', 'provenance needs --trusted-registries');
  });

  it('exits 1 with the findings behind each failed control (insecure manifests, cis-k8s)', () => {
    const { status, report } = json(['--framework', 'cis-k8s', join(TESTDATA, 'insecure.yaml'), '--trusted-registries', 'ghcr.io/acme']);
    assert.equal(status, 1);
    const privileged = report.controls.find((control) => control.id === '5.2.2');
    assert.equal(privileged?.status, 'fail');
    assert.deepEqual(privileged?.evidence.map((item) => [item.id, item.line, item.resource]), [['PC-K8S-001', 16, 'Pod/web/debug']]);
    assert.equal(statusOf(report, '5.4.1'), 'fail');
    assert.equal(statusOf(report, '5.5.1'), 'fail');
  });

  it('decides image controls from the image and the Dockerfile, and never passes vulnerabilities without a database', () => {
    const missingDb = join(work, 'no-such.db');
    const { status, report } = json(['--framework', 'cis-docker', `dir:${rootfs}`, '--dockerfile', join(TESTDATA, 'Dockerfile'), '--db', missingDb]);
    assert.equal(status, 1);
    assert.equal(statusOf(report, '4.1'), 'fail', 'the Dockerfile has no USER');
    const secrets = report.controls.find((control) => control.id === '4.10');
    assert.equal(secrets?.status, 'fail');
    assert.ok(secrets?.evidence.some((item) => item.source === 'secrets' && item.file === 'app/settings.env' && item.line === 1));
    const vulns = report.controls.find((control) => control.id === '4.4');
    assert.equal(vulns?.status, 'not-evaluated');
    assert.match(vulns?.reason ?? '', /no advisory database at .*no-such\.db/);
    assert.equal(statusOf(report, '4.5'), 'manual');
    assert.deepEqual(report.targets.images, [`dir:${rootfs}`]);
  });

  it('fails the vulnerability controls from a real advisory database, and passes them on a clean image', async () => {
    const db = join(work, 'advisories.db');
    const imported = spawnSync(process.execPath, [CLI, 'db', 'import', '--db', db, vulndata('ghsa/npm')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(imported.status, 0, imported.stderr);
    const vulnerable = join(work, 'vulnerable');
    await mkdir(join(vulnerable, 'app', 'node_modules', 'lodash'), { recursive: true });
    await writeFile(join(vulnerable, 'app', 'node_modules', 'lodash', 'package.json'), '{"name":"lodash","version":"4.17.15"}');
    const failing = json(['--framework', 'nist-800-190', `dir:${vulnerable}`, '--db', db]);
    assert.equal(failing.status, 1);
    const vulns = failing.report.controls.find((control) => control.id === '4.1.1');
    assert.equal(vulns?.status, 'fail');
    assert.ok(vulns?.evidence.some((item) => item.id === 'CVE-2020-8203' && item.file === 'app/node_modules/lodash/package.json'));
    const clean = json(['--framework', 'cis-docker', `dir:${rootfs}`, '--db', db]);
    assert.equal(statusOf(clean.report, '4.4'), 'pass');
  });

  it('splits nist-800-190 targets into manifests (.yaml) and images', () => {
    const { report } = json(['--framework', 'nist-800-190', join(TESTDATA, 'insecure.yaml'), `dir:${rootfs}`, '--db', join(work, 'none.db')]);
    assert.deepEqual(report.targets.manifests, [join(TESTDATA, 'insecure.yaml')]);
    assert.deepEqual(report.targets.images, [`dir:${rootfs}`]);
    const secrets = report.controls.find((control) => control.id === '4.1.4');
    assert.deepEqual([...new Set(secrets?.evidence.map((item) => item.source))].sort(), ['k8s-lint', 'secrets']);
  });

  it('prints a table by default and writes --output', async () => {
    const table = run(['--framework', 'cis-k8s', join(TESTDATA, 'insecure.yaml')]);
    assert.equal(table.status, 1);
    assert.match(table.stdout, /FAIL {10}5\.2\.2 /);
    const output = join(work, 'report.xml');
    const junit = run(['--framework', 'cis-k8s', join(TESTDATA, 'insecure.yaml'), '--format', 'junit', '--output', output]);
    assert.equal(junit.status, 1);
    assert.equal(junit.stdout, '');
    assert.match(await readFile(output, 'utf8'), /<testcase classname="cis-k8s" name="5\.2\.2 [^"]*">\n {6}<failure /);
  });

  it('exits 2 on hostile manifests (bad UTF-8, broken YAML) instead of reporting on half the input', async () => {
    const badUtf8 = join(work, 'bad-utf8.yaml');
    await writeFile(badUtf8, Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    const broken = join(work, 'broken.yaml');
    await writeFile(broken, 'kind: Pod\nmetadata: {name: "x\n');
    for (const file of [badUtf8, broken]) {
      const result = run(['--framework', 'cis-k8s', file]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /portcullis compliance: .*(UTF-8|YAML)/i);
    }
  });

  it('exits 2 for usage and input errors', () => {
    const cases: Array<[string[], RegExp]> = [
      [[join(TESTDATA, 'hardened.yaml')], /--framework is required/],
      [['--framework', 'pci', join(TESTDATA, 'hardened.yaml')], /--framework must be one of cis-docker, cis-k8s, nist-800-190/],
      [['--framework', 'cis-k8s'], /at least one TARGET/],
      [['--framework', 'cis-k8s', join(TESTDATA, 'missing.yaml')], /no such file/],
      [['--framework', 'cis-k8s', '--dockerfile', 'Dockerfile', 'x.yaml'], /does not apply to cis-k8s/],
      [['--framework', 'cis-k8s', '--format', 'html', join(TESTDATA, 'hardened.yaml')], /--format must be one of/],
      [['--framework', 'cis-k8s', '--bogus', join(TESTDATA, 'hardened.yaml')], /bogus/],
    ];
    for (const [args, message] of cases) {
      const result = run(args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
  });
});
