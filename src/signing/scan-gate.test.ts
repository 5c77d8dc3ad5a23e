import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortcullisError } from '../core/index.ts';
import { evaluateScanRule, formatScanRule, parseScanRule, type GateFinding } from './scan-gate.ts';

function rejects(rule: string, pattern: RegExp, code = 'USAGE') {
  assert.throws(
    () => parseScanRule(rule),
    (error: unknown) => error instanceof PortcullisError && error.code === code && pattern.test(error.message),
    `rule ${JSON.stringify(rule)} should fail with ${pattern}`,
  );
}

const finding = (id: string, severity: string, fixedVersion?: string): GateFinding => ({
  id,
  severity,
  package: `pkg-${id}@1.0.0`,
  ...(fixedVersion !== undefined && { fixedVersion }),
});

describe('scan rule grammar', () => {
  it('parses each clause form, case-insensitively, into canonical spelling', () => {
    const rule = parseScanRule('no critical,  No HIGH with FIX ,max 3 medium, MAX 0 low WITH fix, no UNKNOWN');
    assert.deepEqual(
      rule.clauses.map(({ kind, limit, level, withFix }) => [kind, limit, level, withFix]),
      [
        ['no', 0, 'CRITICAL', false],
        ['no', 0, 'HIGH', true],
        ['max', 3, 'MEDIUM', false],
        ['max', 0, 'LOW', true],
        ['no', 0, 'UNKNOWN', false],
      ],
    );
    assert.equal(formatScanRule(rule), 'no CRITICAL, no HIGH with fix, max 3 MEDIUM, max 0 LOW with fix, no UNKNOWN');
  });

  it('rejects malformed rules naming the column of the mistake', () => {
    rejects('', /column 1: expected a clause/);
    rejects('   ', /column 4: expected a clause/);
    rejects('none CRITICAL', /column 1: expected 'no' or 'max', got "none"/);
    rejects('no CRITICL', /column 4: expected a level \(CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN\), got "CRITICL"/);
    rejects('no NONE', /column 4: expected a level/);
    rejects('no HIGH with', /column 13: expected 'fix', got the end of the rule/);
    rejects('no HIGH with fixes', /column 14: expected 'fix' after 'with', got "fixes"/);
    rejects('no HIGH without fix', /column 9: expected ',' or the end of the rule, got "without"/);
    rejects('no CRITICAL no HIGH', /column 13: expected ','/);
    rejects('no CRITICAL,', /column 13: expected a clause/);
    rejects('no CRITICAL,, no HIGH', /column 13: expected 'no' or 'max', got ","/);
    rejects('max HIGH', /column 5: expected a count from 0 to 1000000, got "HIGH"/);
    rejects('max -1 HIGH', /column 5: expected a count/);
    rejects('max 1.5 HIGH', /column 5: expected a count/);
    rejects('max 99999999 HIGH', /column 5: expected a count/);
    rejects('max 2', /column 6: expected a level/);
  });

  it('rejects hostile input clearly: oversized rules, control characters, quoted JSON-ish text', () => {
    rejects(`no HIGH${', no HIGH'.repeat(1000)}`, /longer than 4096 characters/, 'LIMIT');
    rejects('no \u001b[31mHIGH', /column 4: expected a level/);
    rejects('{"no": "HIGH"}', /column 1: expected 'no' or 'max'/);
  });
});

describe('scan rule evaluation', () => {
  const findings = [finding('CVE-1', 'HIGH', '2.0'), finding('CVE-2', 'HIGH'), finding('CVE-3', 'MEDIUM', '1.1'), finding('CVE-4', 'MEDIUM'), finding('CVE-5', 'LOW')];

  it('"no LEVEL" counts every finding at exactly that level', () => {
    assert.deepEqual(evaluateScanRule(parseScanRule('no CRITICAL'), findings), []);
    const [violation, ...rest] = evaluateScanRule(parseScanRule('no HIGH'), findings);
    assert.deepEqual(rest, []);
    assert.equal(violation?.clause.text, 'no HIGH');
    assert.deepEqual(violation?.findings.map((entry) => entry.id), ['CVE-1', 'CVE-2']);
  });

  it('"with fix" counts only findings that have a fixed version', () => {
    const violations = evaluateScanRule(parseScanRule('no HIGH with fix, no MEDIUM with fix'), findings);
    assert.deepEqual(violations.map((entry) => [entry.clause.text, entry.findings.map((f) => f.id)]), [
      ['no HIGH with fix', ['CVE-1']],
      ['no MEDIUM with fix', ['CVE-3']],
    ]);
    assert.deepEqual(evaluateScanRule(parseScanRule('no LOW with fix'), findings), []);
  });

  it('"max N LEVEL" allows up to N and breaks above', () => {
    assert.deepEqual(evaluateScanRule(parseScanRule('max 2 MEDIUM'), findings), []);
    assert.deepEqual(evaluateScanRule(parseScanRule('max 1 MEDIUM'), findings).map((entry) => entry.findings.length), [2]);
    assert.deepEqual(evaluateScanRule(parseScanRule('max 0 MEDIUM with fix'), findings).map((entry) => entry.findings.map((f) => f.id)), [['CVE-3']]);
  });

  it('reports every broken clause of a combined rule, and none for a clean scan', () => {
    const rule = parseScanRule('no CRITICAL, no HIGH with fix, max 0 LOW');
    assert.deepEqual(evaluateScanRule(rule, findings).map((entry) => entry.clause.text), ['no HIGH with fix', 'max 0 LOW']);
    assert.deepEqual(evaluateScanRule(rule, []), []);
  });
});
