import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatLintJunit } from './junit.ts';
import { HOSTILE_TEXT, finding, sampleReport } from './testing.ts';

const SCHEMA = fileURLToPath(new URL('testdata/junit.xsd', import.meta.url));

/** xmllint's verdict on the document against the JUnit schema: '' when valid. */
function schemaErrors(document: string): string {
  const which = spawnSync('xmllint', ['--version']);
  assert.equal(which.error, undefined, 'xmllint is missing: run scripts/test-setup.sh (Debian package libxml2-utils)');
  const result = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, '-'], { input: document, encoding: 'utf8' });
  return result.status === 0 ? '' : result.stderr;
}

/** Text of the nodes an XPath selects, through xmllint (a real XML parser, not a regex). */
function xpath(document: string, expression: string): string {
  return execFileSync('xmllint', ['--xpath', expression, '-'], { input: document, encoding: 'utf8' }).replace(/\n$/, '');
}

describe('formatLintJunit', () => {
  it('the schema check rejects a document that breaks it', () => {
    assert.notEqual(schemaErrors('<testsuites tests="x" failures="0"/>'), '');
  });

  it('writes one suite per file and one case per check, failing on unsuppressed findings', () => {
    const document = formatLintJunit(sampleReport());
    assert.equal(schemaErrors(document), '');
    assert.equal(xpath(document, 'count(/testsuites/testsuite)'), '2');
    assert.equal(xpath(document, 'string(/testsuites/@tests)'), '6');
    assert.equal(xpath(document, 'string(/testsuites/@failures)'), '3');
    const app = '/testsuites/testsuite[@name="app/Dockerfile"]';
    assert.equal(xpath(document, `string(${app}/@failures)`), '2');
    assert.equal(xpath(document, `count(${app}/testcase[starts-with(@name, "PC-T-001")]/failure)`), '0');
    assert.match(xpath(document, `string(${app}/testcase[starts-with(@name, "PC-T-001")]/system-out)`), /suppressed \(runs under a user namespace\) line 12/);
    assert.equal(xpath(document, `string(${app}/testcase[starts-with(@name, "PC-T-003")]/failure/@message)`), 'PC-T-003 (CRITICAL) at line 7');
    assert.match(xpath(document, `string(${app}/system-out)`), /unknown instruction FOO/);
  });

  it('moves findings below the threshold to system-out', () => {
    const document = formatLintJunit(sampleReport(), { failOn: 'HIGH' });
    assert.equal(schemaErrors(document), '');
    assert.equal(xpath(document, 'string(/testsuites/@failures)'), '2');
    assert.match(xpath(document, '//testcase[starts-with(@name, "PC-T-002")]/system-out'), /below the failure threshold HIGH: line 1/);
  });

  it('escapes hostile text into well-formed XML', () => {
    const report = { ...sampleReport(), files: [HOSTILE_TEXT], findings: [finding({ checkId: 'PC-T-001', line: 2, file: HOSTILE_TEXT, message: HOSTILE_TEXT })] };
    const document = formatLintJunit(report);
    assert.equal(schemaErrors(document), '');
    assert.match(xpath(document, 'string(//failure)'), /<b>&"'<\/b>/);
  });
});
