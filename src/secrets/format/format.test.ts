/**
 * The three report formats on one result with file, deleted-file and config findings: SARIF is
 * valid against the official 2.1.0 schema, and no format ever carries a secret in full.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { redact } from '../redact.ts';
import { sampleFor } from '../testing.ts';
import type { SecretFinding, SecretScanResult } from '../types.ts';
import { findingsAtOrAbove } from './describe.ts';
import { formatSecretsJson, formatSecretsSarif, formatSecretsTable } from './index.ts';

// Both packages are CommonJS with a default export that Node's ESM loader wraps once more.
const AjvDraft04 = AjvDraft04Module as unknown as typeof AjvDraft04Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const require = createRequire(import.meta.url);
const SARIF_SCHEMA: unknown = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

const GITHUB = sampleFor('github-token');
const KEY = sampleFor('private-key');
const ENV = sampleFor('dotenv-secret');
const LAYER = { index: 1, digest: `sha256:${'ab'.repeat(32)}`, diffId: `sha256:${'cd'.repeat(32)}`, createdBy: 'COPY . /srv' };

const FINDINGS: SecretFinding[] = [
  { ruleId: 'github-token', category: 'secret', title: 'GitHub token', severity: 'CRITICAL', source: { kind: 'file', path: 'srv/deploy.sh', layer: LAYER, survives: true }, line: 2, column: 21, redacted: redact(GITHUB.secret) },
  { ruleId: 'private-key', category: 'secret', title: 'Private key (PEM)', severity: 'HIGH', source: { kind: 'file', path: 'root/.ssh/id rsa\u001b[31m', layer: LAYER, survives: false }, line: 2, column: 1, redacted: redact(KEY.secret) },
  { ruleId: 'dotenv-secret', category: 'secret', title: 'Secret in an environment file or image ENV', severity: 'HIGH', source: { kind: 'config', field: 'env', key: 'DB_PASSWORD' }, line: 1, column: 13, redacted: redact(ENV.secret) },
  { ruleId: 'pii-email', category: 'pii', title: 'E-mail address', severity: 'LOW', source: { kind: 'file', path: 'srv/data/people.csv' }, line: 3, column: 1, redacted: redact('jane@corp.net') },
];

const RESULT: SecretScanResult = {
  schemaVersion: 1,
  target: { reference: 'oci:/images/shop:v1', kind: 'image' },
  layers: [{ index: 0, digest: `sha256:${'ef'.repeat(32)}` }, LAYER],
  findings: FINDINGS,
  stats: { filesScanned: 10, filesBinary: 2, filesTooLarge: 1, suppressed: 3 },
  warnings: [],
};

function assertNoSecret(output: string): void {
  for (const secret of [GITHUB.secret, KEY.secret, ENV.secret, 'jane@corp.net']) {
    assert.equal(output.includes(secret), false, 'a secret appears in full');
    assert.equal(output.includes(secret.slice(4, -4)), false, 'the middle of a secret appears');
  }
}

describe('secret report formats', () => {
  it('SARIF validates against the 2.1.0 schema, with lines, rules and help', () => {
    const text = formatSecretsSarif(RESULT, { toolVersion: '0.1.0-test' });
    // strict off: the schema uses draft-04 idioms strict mode flags; unicodeRegExp off: its
    // language-tag pattern is valid only without the `u` flag.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(SARIF_SCHEMA as object);
    const log = JSON.parse(text) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; help: { text: string } }> } };
        results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }>; properties: { survives?: boolean } }>;
      }>;
    };
    assert.equal(validate(log), true, JSON.stringify(validate.errors));
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0]!;
    assert.deepEqual(run.tool.driver.rules.map((rule) => rule.id), ['github-token', 'private-key', 'dotenv-secret', 'pii-email']);
    assert.match(run.tool.driver.rules[0]!.help.text, /Revoke/);
    assert.deepEqual(run.results.map((result) => [result.ruleId, result.ruleIndex, result.level]), [
      ['github-token', 0, 'error'],
      ['private-key', 1, 'error'],
      ['dotenv-secret', 2, 'error'],
      ['pii-email', 3, 'note'],
    ]);
    assert.equal(run.results[0]!.locations[0]!.physicalLocation!.region.startLine, 2);
    assert.equal(run.results[1]!.properties.survives, false);
    assert.equal(run.results[1]!.locations[0]!.physicalLocation!.artifactLocation.uri, 'root/.ssh/id%20rsa%1B%5B31m');
    assertNoSecret(text);
  });

  it('JSON is the result model, redacted', () => {
    const text = formatSecretsJson(RESULT);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(RESULT)));
    assertNoSecret(text);
  });

  it('the table lists every finding, most severe first, and escapes control characters', () => {
    const text = formatSecretsTable(RESULT, { color: false });
    const lines = text.split('\n');
    const header = lines.findIndex((line) => line.startsWith('SEVERITY'));
    assert.ok(header > 0);
    assert.deepEqual(lines.slice(header + 1, header + 5).map((line) => line.split(/\s+/)[0]), ['CRITICAL', 'HIGH', 'HIGH', 'LOW']);
    assert.match(text, /srv\/deploy\.sh:2:21 +1 cdcdcdcdcdcd$/m);
    assert.match(text, /removed later, still in image/);
    assert.match(text, /image config env DB_PASSWORD/);
    assert.match(text, /4 findings: CRITICAL 1, HIGH 2, LOW 1/);
    assert.doesNotMatch(text, /\u001b/);
    assert.match(text, /id rsa\\x1b\[31m/);
    assertNoSecret(text);
    assert.match(formatSecretsTable({ ...RESULT, findings: [] }, { color: false }), /No secrets found\./);
  });

  it('counts findings at or above a severity', () => {
    assert.equal(findingsAtOrAbove(FINDINGS, 'CRITICAL').length, 1);
    assert.equal(findingsAtOrAbove(FINDINGS, 'HIGH').length, 3);
    assert.equal(findingsAtOrAbove(FINDINGS, 'LOW').length, 4);
  });
});
