import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PortcullisError } from '../../core/index.ts';
import { lintManifests } from '../k8s/lint.ts';
import { parseDockerfile } from '../dockerfile/parse.ts';
import { dockerfileRuleDocument } from './dockerfile.ts';
import { evaluateCustomRules } from './evaluate.ts';
import { loadRuleTests, runRuleTests, formatRuleTestResults } from './rule-tests.ts';
import { loadCustomRules } from './rules-file.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
const read = (path: string) => readFile(join(TESTDATA, path), 'utf8');

async function loadError(path: string): Promise<string> {
  try {
    loadCustomRules(path, await read(path));
  } catch (error) {
    assert.ok(error instanceof PortcullisError && error.code === 'INPUT', String(error));
    return error.message;
  }
  assert.fail(`${path} loaded without errors`);
}

describe('custom rules file', () => {
  it('loads valid rules with their definitions', async () => {
    const rules = loadCustomRules('rules.yaml', await read('rules/rules.yaml'));
    assert.deepEqual(rules.map((rule) => [rule.definition.id, rule.definition.severity, rule.definition.kind, rule.scope]), [
      ['ACME-001', 'MEDIUM', 'kubernetes', 'document'],
      ['ACME-002', 'HIGH', 'kubernetes', 'containers'],
      ['ACME-003', 'LOW', 'kubernetes', 'document'],
      ['ACME-004', 'MEDIUM', 'dockerfile', 'instructions'],
    ]);
    assert.deepEqual(rules[0]?.definition.compliance, { 'nsa-k8s': ['pod-security'] });
    assert.equal(rules[0]?.source.line, 3);
  });

  it('makes a CEL syntax error a load error naming the rule, file line and expression position', async () => {
    const message = await loadError('broken/syntax.yaml');
    assert.match(message, /syntax\.yaml:6: rule BAD-SYNTAX: CEL syntax error: .* at expression line 1 column 27/);
  });

  it('reports every problem in a file at once', async () => {
    const message = await loadError('broken/many.yaml');
    const expected = [
      /many\.yaml:6: rule BAD-TYPE: CEL type error: no such overload: string == int at expression line 1 column 1/,
      /many\.yaml:12: rule NOT-BOOL: CEL expression must yield a bool \(true when violated\), not string/,
      /many\.yaml:14: rule PC-K8S-999: ids starting with PC- are reserved/,
      /many\.yaml:16: rule PC-K8S-999: severity must be one of CRITICAL, HIGH, MEDIUM, LOW/,
      /many\.yaml:17: rule PC-K8S-999: kinds must be a non-empty list/,
      /many\.yaml:18: rule PC-K8S-999: unknown field 'expresion'/,
      /many\.yaml:14: rule PC-K8S-999: fix must be a non-empty string/,
      /many\.yaml:23: rule BAD-VAR: CEL type error: Unknown variable: container/,
      /many\.yaml:24: rule BAD-VAR: message placeholder \{\{ object\.spec \+ \}\}: CEL syntax error/,
      /many\.yaml:26: rule BAD-TYPE: duplicate id/,
      /many\.yaml:30: rule BAD-TYPE: scope 'containers' is only for Kubernetes rules/,
    ];
    for (const pattern of expected) assert.match(message, pattern);
  });

  it('refuses files without a rules list and bad YAML', () => {
    assert.throws(() => loadCustomRules('empty.yaml', 'other: 1\n'), /empty\.yaml:1: a rules file needs a top-level 'rules' list/);
    assert.throws(() => loadCustomRules('bad.yaml', 'rules: [\n'), /bad\.yaml:\d+: invalid YAML/);
    assert.throws(() => loadCustomRules('huge.yaml', `# ${'x'.repeat(1024 ** 2)}`), /over 1048576 bytes/);
    assert.throws(() => loadCustomRules('long.yaml', `rules:\n- {id: L, title: t, severity: LOW, kinds: [Pod], fix: f, expression: "${'1 == '.repeat(3000)}1"}\n`), /longer than 10000 characters/);
  });
});

describe('evaluateCustomRules', () => {
  it('reports violations on Kubernetes objects with rendered messages and lines', async () => {
    const rules = loadCustomRules('rules.yaml', await read('rules/rules.yaml'));
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n';
    const report = lintManifests([{ file: 'web.yaml', text }], { customRules: rules, customRulesOnly: true });
    assert.deepEqual(
      report.findings.map((finding) => [finding.checkId, finding.line, finding.message, finding.resource]),
      [
        ['ACME-003', 1, 'Workloads carry an owner label', 'Deployment/web'],
        ['ACME-001', 6, 'Deployment web runs 1 replica(s)', 'Deployment/web'],
        ['ACME-002', 11, 'container web uses nginx:1.27', 'Deployment/web'],
      ],
    );
    assert.deepEqual(report.checks.map((check) => check.id), ['ACME-001', 'ACME-002', 'ACME-003']);
  });

  it('turns a runtime evaluation error into a warning naming the rule, never a silent pass', async () => {
    const rules = loadCustomRules('rules.yaml', await read('rules/rules.yaml'));
    const text = 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {replicas: "two"}\n';
    const report = lintManifests([{ file: 'db.yaml', text }], { customRules: rules, customRulesOnly: true });
    assert.deepEqual(report.findings, []);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]?.message ?? '', /^line 4: custom rule ACME-001 \(rules\.yaml:3\) could not be evaluated: /);
  });

  it('evaluates Dockerfile rules per instruction with the instruction line and stage', async () => {
    const rules = loadCustomRules('rules.yaml', await read('rules/rules.yaml'));
    const instructions = [
      { keyword: 'FROM', arguments: 'alpine:3.20 AS build', line: 1, stage: 'build' },
      { keyword: 'ADD', arguments: 'https://example.com/x.tgz /x', line: 3, stage: 'build' },
      { keyword: 'COPY', arguments: '. /src', line: 4, stage: 'build' },
    ];
    const result = evaluateCustomRules(rules, { type: 'dockerfile', file: 'Dockerfile', instructions });
    assert.deepEqual(result, {
      findings: [{ checkId: 'ACME-004', severity: 'MEDIUM', message: 'stage build uses ADD https://example.com/x.tgz /x', file: 'Dockerfile', line: 3, resource: 'build' }],
      warnings: [],
    });
  });
});

describe('dockerfileRuleDocument', () => {
  it('exposes a parsed Dockerfile to the rules: keyword, arguments with flags, line and stage', async () => {
    const rules = loadCustomRules('rules.yaml', await read('rules/rules.yaml'));
    const text = 'ARG BASE=alpine:3.20\nFROM ${BASE} AS build\nADD --chown=1000 https://example.com/x.tgz /x\nFROM build\nADD a.tar /\n';
    const document = dockerfileRuleDocument('Dockerfile', parseDockerfile(text));
    assert.equal(document.type, 'dockerfile');
    assert.deepEqual(document.type === 'dockerfile' && document.instructions.map((instruction) => [instruction.keyword, instruction.line, instruction.stage]), [
      ['ARG', 1, ''],
      ['FROM', 2, 'build'],
      ['ADD', 3, 'build'],
      ['FROM', 4, '1'],
      ['ADD', 5, '1'],
    ]);
    const { findings } = evaluateCustomRules(rules, document);
    assert.deepEqual(findings.map((finding) => [finding.line, finding.message]), [
      [3, 'stage build uses ADD --chown=1000 https://example.com/x.tgz /x'],
      [5, 'stage 1 uses ADD a.tar /'],
    ]);
  });
});

describe('rule unit tests', () => {
  it('passes when every case produces exactly the expected ids', async () => {
    const rules = loadCustomRules('rules.yaml', await read('rules/rules.yaml'));
    const path = join(TESTDATA, 'rules', 'tests.yaml');
    const results = runRuleTests(rules, await loadRuleTests(path, await readFile(path, 'utf8')));
    assert.deepEqual(results.map((result) => [result.name, result.passed, result.actual]), [
      ['one replica from a foreign registry, no owner', true, ['ACME-001', 'ACME-002', 'ACME-003']],
      ['compliant deployment', true, []],
    ]);
    assert.match(formatRuleTestResults(results), /2 passed, 0 failed\n$/);
  });

  it('fails cases with missing findings or evaluation errors, and says why', async () => {
    const rules = loadCustomRules('rules.yaml', await read('rules/rules.yaml'));
    const path = join(TESTDATA, 'rules', 'failing-tests.yaml');
    const results = runRuleTests(rules, await loadRuleTests(path, await readFile(path, 'utf8')));
    assert.deepEqual(results.map((result) => result.passed), [false, false]);
    const text = formatRuleTestResults(results);
    assert.match(text, /FAIL {2}expects a finding the rules do not produce\n {8}expected \[ACME-001\], got \[\]/);
    assert.match(text, /could not be evaluated/);
    assert.match(text, /0 passed, 2 failed\n$/);
  });

  it('runs Dockerfile cases through the Dockerfile rules, inline ignores included', async () => {
    const directory = join(import.meta.dirname, '..', 'dockerfile', 'testdata', 'custom-rules');
    const rules = loadCustomRules('rules.yaml', await readFile(join(directory, 'rules.yaml'), 'utf8'));
    const path = join(directory, 'rules.test.yaml');
    const results = runRuleTests(rules, await loadRuleTests(path, await readFile(path, 'utf8')), 'dockerfile');
    assert.deepEqual(results.map((result) => [result.name, result.passed, result.actual]), [
      ['a Docker Hub base image and no USER', true, ['ACME-DF-001', 'acme-df-002']],
      ['an ignored base image still needs a USER', true, ['acme-df-002']],
      ['trusted multi-stage build', true, []],
    ]);

    const failing = await loadRuleTests(path, 'tests:\n- {name: missed, input: "FROM node:22\\nUSER 1\\n", expect: []}\n- {name: not a Dockerfile, input: "kind: Pod\\n", expect: []}\n');
    const failed = runRuleTests(rules, failing, 'dockerfile');
    assert.deepEqual(failed.map((result) => [result.name, result.passed, result.actual]), [['missed', false, ['ACME-DF-001']], ['not a Dockerfile', false, []]]);
    assert.match(failed[1]?.problems.join('\n') ?? '', /no FROM instruction/);
  });

  it('validates the tests file', async () => {
    await assert.rejects(loadRuleTests('t.yaml', 'tests: []\n'), /non-empty top-level 'tests' list/);
    await assert.rejects(loadRuleTests('t.yaml', 'tests:\n- {name: x, expect: [A], input: "a", file: b}\n- {expect: A}\n'), (error: unknown) => {
      assert.ok(error instanceof PortcullisError && error.code === 'INPUT');
      assert.match(error.message, /test x: give exactly one of input/);
      assert.match(error.message, /test #2: name must be a non-empty string/);
      assert.match(error.message, /test #2: expect must be a list of rule ids/);
      return true;
    });
    await assert.rejects(loadRuleTests(join(TESTDATA, 't.yaml'), 'tests:\n- {name: x, expect: [], file: missing.yaml}\n'), /test x: cannot read missing\.yaml/);
  });
});
