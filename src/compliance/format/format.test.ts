import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sarifSchemaErrors } from '../../lint/report/testing.ts';
import { HOSTILE_TEXT } from '../../scan/report/testing.ts';
import { FRAMEWORKS, buildComplianceReport, formatComplianceJson, formatComplianceJunit, formatComplianceSarif, formatComplianceTable } from '../index.ts';
import { lintReport, secretResult } from '../testing.ts';

/** One of each verdict: 4.1 fails, 4.6 passes, 4.5 is manual, 4.4 is not evaluated. */
function sample(message = 'USER root') {
  return buildComplianceReport({
    framework: FRAMEWORKS['cis-docker'],
    evidence: {
      lint: [lintReport('dockerfile', ['PC-DF-004', 'PC-DF-019'], [{ checkId: 'PC-DF-004', line: 12, message }])],
      secrets: [secretResult(0)],
      vulnerabilities: [],
      unavailable: { vulnerabilities: 'no advisory database at /x.db' },
      warnings: ['app/Dockerfile: unknown instruction FOO'],
    },
    toolVersion: '0.1.0-test',
  });
}

describe('compliance formatters', () => {
  it('table: a verdict per control, the evidence under failures, reasons, and the totals', () => {
    const text = formatComplianceTable(sample());
    assert.match(text, /FAIL {10}4\.1 /);
    assert.match(text, /PC-DF-004 HIGH app\/Dockerfile:12 USER root/);
    assert.match(text, /PASS {10}4\.6 /);
    assert.match(text, /MANUAL {8}4\.5 /);
    assert.match(text, /NOT EVALUATED 4\.4 .*\n {6}vulnerabilities: no advisory database at \/x\.db/);
    assert.match(text, /controls: \d+ pass, 1 fail, \d+ manual, \d+ not evaluated/);
    assert.match(text, /warning: app\/Dockerfile: unknown instruction FOO/);
  });

  it('json: the report model as it is', () => {
    const report = sample();
    assert.deepEqual(JSON.parse(formatComplianceJson(report)), JSON.parse(JSON.stringify(report)));
  });

  it('sarif: validates against SARIF 2.1.0 and marks each verdict with a result kind', () => {
    const json = formatComplianceSarif(sample(HOSTILE_TEXT));
    assert.deepEqual(sarifSchemaErrors(json), []);
    const log = JSON.parse(json) as { runs: Array<{ results: Array<{ ruleId: string; kind: string; level: string; locations?: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> };
    const results = log.runs[0]?.results ?? [];
    const kindOf = (ruleId: string) => results.filter((result) => result.ruleId === ruleId).map((result) => result.kind);
    assert.deepEqual(kindOf('cis-docker/4.1'), ['fail']);
    assert.deepEqual(kindOf('cis-docker/4.6'), ['pass']);
    assert.deepEqual(kindOf('cis-docker/4.5'), ['review']);
    assert.deepEqual(kindOf('cis-docker/4.4'), ['open']);
    assert.equal(results.find((result) => result.kind === 'fail')?.locations?.[0]?.physicalLocation.region.startLine, 12);
  });

  it('junit: failures for failed controls, skipped for manual and not evaluated, hostile text escaped', () => {
    const report = sample(HOSTILE_TEXT);
    const xml = formatComplianceJunit(report);
    assert.match(xml, new RegExp(`<testsuites [^>]*tests="${report.controls.length}" failures="1" errors="0" skipped="${report.counts.manual + report.counts['not-evaluated']}"`));
    assert.match(xml, /<testcase classname="cis-docker" name="4\.1 [^"]*">\n {6}<failure message="1 finding\(s\)">PC-DF-004 HIGH/);
    assert.match(xml, /name="4\.5 [^"]*">\n {6}<skipped message="manual: manual review/);
    assert.doesNotMatch(xml, /<script>|\u001b|\u0000/);
    assert.match(xml, /&lt;script&gt;&amp;&quot;&apos;/);
  });
});
