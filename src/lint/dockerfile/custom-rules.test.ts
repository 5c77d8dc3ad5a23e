import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadCustomRules } from '../custom/rules-file.ts';
import type { LintFinding } from '../model.ts';
import { lintDockerfile, lintDockerfiles } from './lint.ts';

const TESTDATA = new URL('testdata/custom-rules/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, TESTDATA), 'utf8');
const RULES = loadCustomRules('rules.yaml', read('rules.yaml'));
const custom = (findings: readonly LintFinding[]) => findings.filter((finding) => !finding.checkId.startsWith('PC-'));

describe('lintDockerfiles with custom rules', () => {
  it('reports a rule at the offending instruction with its stage, beside the built-in checks', () => {
    const report = lintDockerfiles([{ file: 'untrusted.Dockerfile', text: read('untrusted.Dockerfile') }], { customRules: RULES });
    assert.deepEqual(
      custom(report.findings).map((finding) => [finding.checkId, finding.severity, finding.line, finding.resource, finding.message]),
      [
        ['ACME-DF-001', 'HIGH', 3, 'stage build', 'FROM golang:${GO} AS build names no registry host'],
        ['ACME-DF-001', 'HIGH', 7, 'stage certs', 'FROM alpine:3.20 AS certs names no registry host'],
        // A document rule points at the first instruction: here a global ARG, in no stage.
        ['acme-df-002', 'LOW', 2, undefined, 'Images set a USER'],
      ],
    );
    assert.ok(report.findings.some((finding) => finding.checkId === 'PC-DF-004' && finding.line === 10), 'built-in checks still run');
    assert.deepEqual(report.warnings, []);
  });

  it('is silent on a Dockerfile that follows the rules', () => {
    const report = lintDockerfiles([{ file: 'trusted.Dockerfile', text: read('trusted.Dockerfile') }], { customRules: RULES });
    assert.deepEqual(custom(report.findings), []);
    assert.deepEqual(report.warnings, []);
  });

  it("lists the Dockerfile rules' definitions among the checks, never the Kubernetes ones", () => {
    const ids = lintDockerfiles([{ file: 'Dockerfile', text: 'FROM a:1\n' }], { customRules: RULES }).checks.map((check) => check.id);
    assert.deepEqual(ids.slice(-3), ['PC-DF-031', 'ACME-DF-001', 'acme-df-002']);
    assert.ok(!ids.includes('ACME-K8S-001'));
    const only = lintDockerfiles([{ file: 'Dockerfile', text: 'FROM a:1\n' }], { customRules: RULES, customRulesOnly: true });
    assert.deepEqual(only.checks.map((check) => [check.id, check.kind]), [['ACME-DF-001', 'dockerfile'], ['acme-df-002', 'dockerfile']]);
    assert.deepEqual(only.findings.map((finding) => finding.checkId), ['ACME-DF-001', 'acme-df-002']);
  });

  it('points a multi-line instruction finding at all of its lines', () => {
    const rules = loadCustomRules('r.yaml', 'rules:\n- {id: NO-CURL, title: No curl, severity: LOW, kinds: [Dockerfile], scope: instructions, fix: f, expression: \'instruction.arguments.contains("curl")\'}\n');
    const { findings } = lintDockerfile({ file: 'Dockerfile', text: 'FROM a:1\nRUN apt-get update \\\n && curl -o x y\nUSER 1\n' }, { customRules: rules, customRulesOnly: true });
    assert.deepEqual(findings, [{ checkId: 'NO-CURL', severity: 'LOW', message: 'No curl', file: 'Dockerfile', line: 2, endLine: 3, resource: 'stage 0' }]);
  });
});

describe('inline ignores of custom rules', () => {
  it('suppresses a custom finding like a built-in one, whatever the case of the id', () => {
    const text = '# portcullis:ignore=ACME-DF-002 the runtime sets the user, see ADR-9\n\nFROM registry.acme.example/a:1\n# portcullis:ignore=acme-df-001 vendor image\nFROM b:1\n';
    const { findings, warnings } = lintDockerfile({ file: 'Dockerfile', text }, { customRules: RULES, customRulesOnly: true });
    assert.deepEqual(
      findings.map((finding) => [finding.checkId, finding.line, finding.suppressed?.reason]),
      [
        ['ACME-DF-001', 5, 'vendor image'],
        ['acme-df-002', 3, 'the runtime sets the user, see ADR-9'],
      ],
    );
    assert.deepEqual(warnings, []);
  });

  it('covers only the instruction below the ignore', () => {
    const text = 'FROM registry.acme.example/a:1 AS a\n# portcullis:ignore=ACME-DF-001 vendor image\nFROM b:1\nFROM c:1\nUSER 1\n';
    const { findings } = lintDockerfile({ file: 'Dockerfile', text }, { customRules: RULES, customRulesOnly: true });
    assert.deepEqual(findings.map((finding) => [finding.line, finding.suppressed !== undefined]), [[3, true], [4, false]]);
  });

  it('warns about an ignore naming a custom rule that is not loaded', () => {
    const { warnings } = lintDockerfile({ file: 'Dockerfile', text: '# portcullis:ignore=ACME-DF-001 vendor image\nFROM b:1\n' });
    assert.deepEqual(warnings, ['line 1: portcullis:ignore names unknown check ACME-DF-001']);
  });
});

describe('custom rules on hostile Dockerfiles', () => {
  it('turns a rule that fails at run time into a warning naming it, keeping every other finding', () => {
    const rules = loadCustomRules('r.yaml', 'rules:\n- {id: THIRD, title: t, severity: LOW, kinds: [Dockerfile], fix: f, expression: \'object.instructions[2].keyword == "RUN"\'}\n');
    const report = lintDockerfiles([{ file: 'Dockerfile', text: 'FROM a:1\nUSER root\n' }], { customRules: [...rules, ...RULES] });
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]?.message ?? '', /^line 1: custom rule THIRD \(r\.yaml:2\) could not be evaluated: /);
    assert.deepEqual(custom(report.findings).map((finding) => finding.checkId), ['ACME-DF-001']);
    assert.ok(report.findings.some((finding) => finding.checkId === 'PC-DF-004'));
  });

  it('hands rules odd text as plain data: replacement characters, template braces, very long lines', () => {
    const text = `FROM a\uFFFD{{ name }}:1 AS x\nRUN ${'echo {{ kind }} '.repeat(2000)}\n`;
    const { findings, warnings } = lintDockerfile({ file: 'Dockerfile', text }, { customRules: RULES, customRulesOnly: true });
    assert.deepEqual(findings.map((finding) => [finding.checkId, finding.line, finding.message]), [
      ['ACME-DF-001', 1, 'FROM a\uFFFD{{ name }}:1 AS x names no registry host'],
      ['acme-df-002', 1, 'Images set a USER'],
    ]);
    assert.match(warnings.join('\n'), /line 1: FROM/, 'the unparsable reference is a parse warning, not a crash');
  });
});
