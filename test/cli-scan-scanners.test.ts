/**
 * `portcullis scan --scanners`: secret (and PII) scanning in the same run as vulnerability scanning,
 * combined into one report per format, with one exit code.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLANTED, PLANTED_IMAGE } from '../src/secrets/testing.ts';
import { runCli } from './helpers/cli.ts';
import { writeOciLayout } from './helpers/image-builder.ts';

const GHSA_NPM = fileURLToPath(new URL('../../shared/vulndata/ghsa/npm/', import.meta.url));

describe('scan --scanners vuln,secret', () => {
  let work: string;
  let target: string;
  let db: string;
  before(async () => {
    assert.ok(existsSync(GHSA_NPM), `the shared advisory data is missing at ${GHSA_NPM}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-scanners-'));
    const withVulnerablePackage = {
      ...PLANTED_IMAGE,
      layers: [...PLANTED_IMAGE.layers, { entries: [{ path: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.20"}' }] }],
    };
    await writeOciLayout(join(work, 'layout'), withVulnerablePackage, 'v1');
    target = `oci:${join(work, 'layout')}:v1`;
    db = join(work, 'advisories.db');
    const imported = await runCli(['db', 'import', '--db', db, '-q', GHSA_NPM]);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('json holds the vulnerabilities and a secrets member; secrets stay redacted', async () => {
    const result = await runCli(['scan', target, '--db', db, '--scanners', 'vuln,secret', '-f', 'json', '-q']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { findings: Array<{ finding: { id: string } }>; secrets: { findings: Array<{ ruleId: string; survives?: boolean }> } };
    assert.ok(report.findings.some((entry) => entry.finding.id === 'CVE-2020-28500'));
    assert.ok(report.secrets.findings.length >= 5, `secrets found: ${report.secrets.findings.length}`);
    for (const planted of [PLANTED.AWS, PLANTED.GITHUB, PLANTED.STRIPE, PLANTED.KEY]) {
      assert.equal(result.stdout.includes(planted.secret), false, `a planted secret appears in full: ${planted.secret.slice(0, 6)}…`);
    }
  });

  it('sarif has one run per scanner', async () => {
    const result = await runCli(['scan', target, '--db', db, '--scanners', 'secret,vuln', '-f', 'sarif', '-q']);
    assert.equal(result.code, 0, result.stderr);
    const log = JSON.parse(result.stdout) as { version: string; runs: Array<{ results: unknown[] }> };
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 2);
    assert.ok(log.runs.every((run) => run.results.length > 0));
  });

  it('--fail-on counts secrets too, and a secret-only scan needs no advisory database', async () => {
    const result = await runCli(['scan', target, '--db', join(work, 'missing.db'), '--scanners', 'secret', '--fail-on', 'HIGH', '-q']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /Target/);
    const missing = await runCli(['scan', target, '--db', join(work, 'missing.db'), '-q']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no advisory database/);
  });

  it('formats that carry vulnerabilities only refuse secret scanning', async () => {
    const result = await runCli(['scan', target, '--db', db, '--scanners', 'secret', '-f', 'cyclonedx', '-q']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /vulnerabilities only/);
    const bogus = await runCli(['scan', target, '--db', db, '--scanners', 'malware', '-q']);
    assert.equal(bogus.code, 2);
  });
});

describe('scan --scanners pii', () => {
  it('reports personal data only when asked', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-pii-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data', 'customers.csv'), 'name,card\nAda,4111 1111 1111 1111\n');
    const without = await runCli(['scan', `dir:${dir}`, '--scanners', 'secret', '-f', 'json', '-q']);
    const withPii = await runCli(['scan', `dir:${dir}`, '--scanners', 'pii', '-f', 'json', '-q']);
    assert.equal(without.code, 0, without.stderr);
    assert.equal(withPii.code, 0, withPii.stderr);
    const count = (stdout: string) => (JSON.parse(stdout) as { findings: unknown[] }).findings.length;
    assert.equal(count(without.stdout), 0);
    assert.ok(count(withPii.stdout) >= 1);
  });
});
