import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { buildScanReport } from './build.ts';
import { formatSarif } from './sarif.ts';
import { HOSTILE_TEXT, INVENTORY, makeFinding, sampleFindings } from './testing.ts';

// Both packages are CommonJS with a default export that Node's ESM loader wraps once more.
const AjvDraft04 = AjvDraft04Module as unknown as typeof AjvDraft04Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The official SARIF 2.1.0 schema (draft-04), as the @microsoft/jest-sarif package ships it. */
const validate = (() => {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // strict off: the schema uses draft-04 idioms ajv's strict mode flags; unicodeRegExp off: one of
  // its patterns (the language tag) is valid only without the `u` flag.
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
})();

function schemaErrors(json: string): string[] {
  return validate(JSON.parse(json)) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
}
interface Log {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; help: { text: string; markdown: string }; helpUri?: string; properties: { 'security-severity': string; tags: string[] } }> } };
    results: Result[];
  }>;
}

const NOW = new Date('2026-06-01T00:00:00Z');

function formatValid(findings = sampleFindings(), ignores: Parameters<typeof buildScanReport>[0]['ignores'] = []): Log {
  const json = formatSarif(buildScanReport({ inventory: INVENTORY, findings, toolVersion: '0.1.0-test', ignores, now: NOW }));
  assert.deepEqual(schemaErrors(json), [], 'output must validate against the SARIF 2.1.0 schema');
  return JSON.parse(json) as Log;
}

describe('formatSarif', () => {
  it('the schema check rejects a log that breaks the SARIF schema', () => {
    const log = formatValid();
    (log.runs[0]?.results[0] as unknown as { level: string }).level = 'fatal';
    assert.notDeepEqual(schemaErrors(JSON.stringify(log)), []);
  });

  it('writes one rule per vulnerability id with GitHub security-severity and tags', () => {
    const log = formatValid();
    const run = log.runs[0];
    assert.ok(run);
    assert.equal(log.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'portcullis');
    assert.deepEqual(run.tool.driver.rules.map((rule) => rule.id), ['CVE-2024-0001', 'CVE-2024-0003', 'CVE-2024-0004', 'GHSA-aaaa-bbbb-cccc']);
    const severities = Object.fromEntries(run.tool.driver.rules.map((rule) => [rule.id, rule.properties['security-severity']]));
    // HIGH from Debian with a 9.8 CVSS: the score is outside HIGH's band, so HIGH's representative.
    assert.deepEqual(severities, { 'CVE-2024-0001': '8.0', 'CVE-2024-0003': '5.5', 'CVE-2024-0004': '2.0', 'GHSA-aaaa-bbbb-cccc': '9.5' });
    const openssl = run.tool.driver.rules[0];
    assert.deepEqual(openssl?.properties.tags, ['security', 'vulnerability', 'high']);
    assert.equal(openssl?.helpUri, 'https://security-tracker.debian.org/tracker/CVE-2024-0001');
    assert.match(openssl?.help.text ?? '', /Aliases: DSA-5000-1/);
  });

  it('writes results with levels, file locations at line 1 and stable fingerprints', () => {
    const first = formatValid();
    const results = first.runs[0]?.results ?? [];
    assert.deepEqual(results.map((result) => [result.ruleId, result.level]), [
      ['GHSA-aaaa-bbbb-cccc', 'error'],
      ['CVE-2024-0001', 'error'],
      ['CVE-2024-0003', 'warning'],
      ['CVE-2024-0004', 'note'],
    ]);
    for (const result of results) {
      assert.equal(first.runs[0]?.tool.driver.rules[result.ruleIndex]?.id, result.ruleId);
      assert.equal(result.locations[0]?.physicalLocation.region.startLine, 1);
    }
    assert.equal(results[1]?.locations[0]?.physicalLocation.artifactLocation.uri, 'var/lib/dpkg/status');
    assert.match(results[1]?.message.text ?? '', /libssl3 3\.0\.15-1~deb12u1 .* is affected by CVE-2024-0001 \(HIGH\)\. Fixed in 3\.0\.16-1~deb12u1\./);
    const second = formatValid([...sampleFindings()].reverse());
    assert.deepEqual(second.runs[0]?.results.map((r) => r.partialFingerprints), results.map((r) => r.partialFingerprints));
    assert.equal(new Set(results.map((r) => JSON.stringify(r.partialFingerprints))).size, results.length);
  });

  it('keeps suppressed findings as results with a suppression', () => {
    const log = formatValid(sampleFindings(), [{ id: 'CVE-2024-0004', reason: 'accepted', source: 'ignore.yaml:2' }]);
    const suppressed = log.runs[0]?.results.filter((result) => result.suppressions !== undefined) ?? [];
    assert.deepEqual(suppressed.map((result) => [result.ruleId, result.suppressions?.[0]?.justification]), [['CVE-2024-0004', 'accepted (ignore.yaml:2)']]);
  });

  it('encodes odd paths as URIs and carries hostile text as data', () => {
    const finding = makeFinding('lodash', { id: 'CVE-1', severity: 'UNKNOWN', title: HOSTILE_TEXT, description: `# heading [link](javascript:alert(1)) ${HOSTILE_TEXT}` });
    finding.package.locations = ['dir with space/#hash?q/package.json', '/abs/path'];
    const log = formatValid([finding]);
    const uris = log.runs[0]?.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris, ['dir%20with%20space/%23hash%3Fq/package.json', 'abs/path']);
    const markdown = log.runs[0]?.tool.driver.rules[0]?.help.markdown ?? '';
    assert.doesNotMatch(markdown, /\[link\]\(/);
    assert.doesNotMatch(markdown, /<script>/);
  });
});
