import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLintSarif } from './sarif.ts';
import { HOSTILE_TEXT, finding, sampleReport, sarifSchemaErrors } from './testing.ts';

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations?: Array<{ fullyQualifiedName: string }> }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
}
interface Rule {
  id: string;
  name: string;
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { 'security-severity': string; tags: string[] };
}
interface Log {
  version: string;
  runs: Array<{ tool: { driver: { name: string; version?: string; rules: Rule[] } }; results: Result[]; invocations: Array<{ toolExecutionNotifications: unknown[] }> }>;
}

function formatValid(report = sampleReport()): Log {
  const json = formatLintSarif(report, { toolVersion: '0.1.0-test' });
  assert.deepEqual(sarifSchemaErrors(json), [], 'output must validate against the SARIF 2.1.0 schema');
  return JSON.parse(json) as Log;
}

describe('formatLintSarif', () => {
  it('the schema check rejects a log that breaks the SARIF schema', () => {
    const log = formatValid();
    (log.runs[0]?.results[0] as unknown as { level: string }).level = 'fatal';
    assert.notDeepEqual(sarifSchemaErrors(JSON.stringify(log)), []);
  });

  it('writes one rule per check that ran, with help, security-severity and compliance tags', () => {
    const run = formatValid().runs[0];
    assert.ok(run);
    assert.equal(run.tool.driver.version, '0.1.0-test');
    assert.deepEqual(run.tool.driver.rules.map((rule) => rule.id), ['PC-T-001', 'PC-T-002', 'PC-T-003']);
    assert.deepEqual(run.tool.driver.rules.map((rule) => rule.name), ['ImageRunsAsRoot', 'NoHEALTHCHECK', 'SecretInENV']);
    const [root, health, secret] = run.tool.driver.rules;
    assert.deepEqual(run.tool.driver.rules.map((rule) => rule.properties['security-severity']), ['8.0', '2.0', '9.5']);
    assert.deepEqual(run.tool.driver.rules.map((rule) => rule.defaultConfiguration.level), ['error', 'note', 'error']);
    assert.deepEqual(root?.properties.tags, ['security', 'dockerfile', 'CIS-Docker-4.1', 'NIST-800-190-4.4.3']);
    assert.match(root?.help.text ?? '', /Fix: Add a USER instruction/);
    assert.match(root?.help.text ?? '', /CIS Docker Benchmark 4\.1; NIST SP 800-190 4\.4\.3/);
    assert.equal(root?.helpUri, 'https://example.test/root');
    assert.equal(health?.helpUri, undefined);
    assert.match(secret?.help.markdown ?? '', /\*\*Fix:\*\* Pass secrets/);
  });

  it('writes results at the file and line, in reading order, with rule indexes and suppressions', () => {
    const run = formatValid().runs[0];
    assert.ok(run);
    const summary = run.results.map((result) => [result.ruleId, result.locations[0]?.physicalLocation.artifactLocation.uri, result.locations[0]?.physicalLocation.region.startLine]);
    assert.deepEqual(summary, [
      ['PC-T-002', 'app/Dockerfile', 1],
      ['PC-T-003', 'app/Dockerfile', 7],
      ['PC-T-001', 'app/Dockerfile', 12],
      ['PC-T-001', 'other%20dir/Dockerfile%232', 3],
    ]);
    for (const result of run.results) assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, result.ruleId);
    assert.deepEqual(run.results[2]?.suppressions, [{ kind: 'inSource', justification: 'runs under a user namespace' }]);
    assert.equal(run.results[0]?.suppressions, undefined);
    assert.equal(run.results[1]?.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName, 'stage build');
    assert.equal(run.invocations[0]?.toolExecutionNotifications.length, 1);
  });

  it('keeps fingerprints when lines move and separates identical findings', () => {
    const report = sampleReport();
    const before = formatValid(report).runs[0]?.results ?? [];
    const moved = { ...report, findings: report.findings.map((each) => ({ ...each, line: each.line + 5 })) };
    const after = formatValid(moved).runs[0]?.results ?? [];
    assert.deepEqual(after.map((result) => result.partialFingerprints), before.map((result) => result.partialFingerprints));
    const twice = { ...report, findings: [finding({ checkId: 'PC-T-002', line: 2 }), finding({ checkId: 'PC-T-002', line: 9 })] };
    const prints = (formatValid(twice).runs[0]?.results ?? []).map((result) => Object.values(result.partialFingerprints)[0]);
    assert.equal(new Set(prints).size, 2);
  });

  it('names stdin and absolute paths with valid URIs, and carries hostile text as data', () => {
    const report = { ...sampleReport(), findings: [finding({ checkId: 'PC-T-001', line: 0, file: '-', message: HOSTILE_TEXT }), finding({ checkId: 'PC-T-002', line: 4, file: '/abs path/Dockerfile' }), finding({ checkId: 'PC-T-003', line: 5, file: '../up/a?b%c.df' })] };
    const results = formatValid(report).runs[0]?.results ?? [];
    const uris = results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris, ['stdin', '../up/a%3Fb%25c.df', 'file:///abs%20path/Dockerfile'], 'in file order');
    assert.equal(results[0]?.locations[0]?.physicalLocation.region.startLine, 1, 'SARIF lines start at 1');
    assert.equal(results[0]?.message.text, HOSTILE_TEXT);
  });
});
