/**
 * `portcullis secrets` as users run it: formats, --fail-on exit codes, --allowlist, --pii, and the
 * promise that a secret never reaches stdout or stderr in full, even with --debug.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../test/helpers/cli.ts';
import { writeOciLayout } from '../../../test/helpers/image-builder.ts';
import { PLANTED, PLANTED_IMAGE } from '../../secrets/testing.ts';

async function fixture(t: { after: (fn: () => Promise<void>) => void }): Promise<{ dir: string; target: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-cli-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeOciLayout(join(dir, 'layout'), PLANTED_IMAGE, 'v1');
  return { dir, target: `oci:${join(dir, 'layout')}:v1` };
}

function assertNoSecret(output: string, what: string): void {
  for (const [name, sample] of Object.entries(PLANTED)) {
    assert.equal(output.includes(sample.secret), false, `${what} shows the ${name} secret in full`);
    assert.equal(output.includes(sample.secret.slice(4, -4)), false, `${what} shows the middle of the ${name} secret`);
  }
}

describe('portcullis secrets', () => {
  it('reports in every format without ever showing a secret, even with --debug', async (t) => {
    const { target } = await fixture(t);
    for (const format of ['table', 'json', 'sarif']) {
      const result = await runCli(['secrets', target, '--format', format, '--debug']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /DEBUG/);
      assert.match(result.stderr, /github-token/, 'debug names findings, redacted');
      assertNoSecret(result.stdout, `--format ${format} stdout`);
      assertNoSecret(result.stderr, `--format ${format} --debug stderr`);
    }
    const json = JSON.parse((await runCli(['secrets', target, '-f', 'json', '-q'])).stdout) as { findings: Array<{ ruleId: string }> };
    assert.equal(json.findings.length, 9);
    const sarif = JSON.parse((await runCli(['secrets', target, '-f', 'sarif', '-q'])).stdout) as { runs: Array<{ results: unknown[] }> };
    assert.equal(sarif.runs[0]!.results.length, 9);
  });

  it('exits 1 only for findings at or above --fail-on', async (t) => {
    const { dir, target } = await fixture(t);
    assert.equal((await runCli(['secrets', target, '-q', '--fail-on', 'critical'])).code, 1);
    assert.equal((await runCli(['secrets', target, '-q', '--fail-on', 'HIGH'])).code, 1);
    const allow = join(dir, 'allow.yaml');
    // Everything CRITICAL in the planted image, allowed away: nothing left at or above critical.
    await writeFile(allow, 'rules: [aws-access-key-pair, github-token, stripe-live-key, npmrc-auth, npm-token, gitlab-token]\n');
    assert.equal((await runCli(['secrets', target, '-q', '--fail-on', 'critical', '--allowlist', allow])).code, 0);
    assert.equal((await runCli(['secrets', target, '-q', '--fail-on', 'high', '--allowlist', allow])).code, 1);
  });

  it('writes --output and reports personal data with --pii', async (t) => {
    const { dir } = await fixture(t);
    const card = '4111 1111 1111 1111';
    await writeFile(join(dir, 'orders.csv'), `id,card\n1,${card}\n`);
    const out = join(dir, 'report.json');
    const withPii = await runCli(['secrets', dir, '--pii', '-f', 'json', '-o', out, '-q']);
    assert.equal(withPii.code, 0, withPii.stderr);
    assert.equal(withPii.stdout, '');
    const report = JSON.parse(await readFile(out, 'utf8')) as { findings: Array<{ ruleId: string; redacted: string }> };
    assert.deepEqual(report.findings.filter((finding) => finding.ruleId === 'pii-payment-card').map((finding) => finding.redacted), ['4111…1111']);
    const without = JSON.parse((await runCli(['secrets', dir, '-f', 'json', '-q'])).stdout) as { findings: Array<{ ruleId: string }> };
    assert.equal(without.findings.some((finding) => finding.ruleId.startsWith('pii-')), false);
  });

  it('exits 2 with a message for usage errors and a bad allow-list', async (t) => {
    const { dir, target } = await fixture(t);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'values: ["("]\n');
    for (const args of [['secrets'], ['secrets', target, '--format', 'xml'], ['secrets', target, '--fail-on', 'severe'], ['secrets', target, '--allowlist', bad], ['secrets', target, '--allowlist', join(dir, 'missing.yaml')], ['secrets', target, '--max-secret-file-bytes', 'lots']]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^portcullis secrets: /);
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
    }
    const help = await runCli(['secrets', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fail-on/);
  });
});
