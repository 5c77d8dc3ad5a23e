import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildScanReport } from './build.ts';
import { formatJunit } from './junit.ts';
import { HOSTILE_TEXT, INVENTORY, makeFinding, sampleFindings } from './testing.ts';

const SCHEMA = fileURLToPath(new URL('testdata/junit/junit.xsd', import.meta.url));
const NOW = new Date('2026-06-01T00:00:00Z');

/** xmllint's verdict on the document against the JUnit schema: '' when valid. */
function schemaErrors(document: string): string {
  const which = spawnSync('xmllint', ['--version']);
  assert.equal(which.error, undefined, 'xmllint is missing: run scripts/test-setup.sh (Debian package libxml2-utils)');
  const result = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, '-'], { input: document, encoding: 'utf8' });
  return result.status === 0 ? '' : result.stderr;
}

/** Text of the nodes an XPath selects, through xmllint (a real XML parser, not a regex). */
function xpath(document: string, expression: string): string {
  // xmllint ends its answer with one newline of its own.
  return execFileSync('xmllint', ['--xpath', expression, '-'], { input: document, encoding: 'utf8' }).replace(/\n$/, '');
}

describe('formatJunit', () => {
  const report = buildScanReport({ inventory: INVENTORY, findings: sampleFindings(), toolVersion: 't', now: NOW });

  it('the schema check rejects a document that breaks it', () => {
    assert.notEqual(schemaErrors('<testsuites tests="x" failures="0"/>'), '');
  });

  it('writes one suite per package type and one case per package, failing on findings at the threshold', () => {
    const document = formatJunit(report, { inventory: INVENTORY, failOn: 'MEDIUM' });
    assert.equal(schemaErrors(document), '');
    assert.equal(xpath(document, 'string(/testsuites/@tests)'), '6', 'seven packages, lodash twice');
    assert.equal(xpath(document, 'string(/testsuites/@failures)'), '3');
    assert.equal(xpath(document, 'count(/testsuites/testsuite)'), '4');
    assert.equal(xpath(document, 'string(/testsuites/testsuite[@name="deb"]/@failures)'), '1');
    assert.match(xpath(document, 'string(//testcase[starts-with(@name, "libssl3")]/failure/@message)'), /^CVE-2024-0001 \(HIGH\), fixed in 3\.0\.16-1~deb12u1$/);
    assert.match(xpath(document, 'string(//testcase[starts-with(@name, "requests ")]/system-out)'), /CVE-2024-0004 LOW: below the failure threshold MEDIUM/);
    assert.equal(xpath(document, 'count(//testcase[starts-with(@name, "slf4j")]/*)'), '0');
  });

  it('fails on every finding without a threshold and lists suppressed ones', () => {
    const suppressed = buildScanReport({
      inventory: INVENTORY,
      findings: sampleFindings(),
      toolVersion: 't',
      ignores: [{ id: 'CVE-2024-0003', reason: 'dev only', source: 'ignore.yaml:3' }],
      now: NOW,
    });
    const document = formatJunit(suppressed, { inventory: INVENTORY });
    assert.equal(schemaErrors(document), '');
    assert.equal(xpath(document, 'string(/testsuites/@failures)'), '3');
    assert.match(xpath(document, 'string(//testcase[starts-with(@name, "lodash")]/system-out)'), /CVE-2024-0003 MEDIUM: suppressed, ignored \(ignore.yaml:3\): dev only/);
  });

  it('escapes hostile package names and advisory text into well-formed XML that reads back intact', () => {
    const hostile = makeFinding('lodash', { id: 'CVE-1', severity: 'HIGH', title: HOSTILE_TEXT });
    hostile.package.name = HOSTILE_TEXT;
    const document = formatJunit(buildScanReport({ inventory: INVENTORY, findings: [hostile], toolVersion: 't', now: NOW }), { inventory: INVENTORY });
    assert.equal(schemaErrors(document), '');
    assert.doesNotMatch(document, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const title = xpath(document, 'string(//failure)');
    assert.equal(title, 'evil\ufffd[31mRED\ufffd]0;title\ufffd <script>&"\'</script>\ufffd\ufffd ]]>');
  });
});
