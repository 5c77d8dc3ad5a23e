import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Finding } from '../../vuln/index.ts';
import { buildScanReport } from './build.ts';
import { formatScanJson } from './json.ts';
import { HOSTILE_TEXT, INVENTORY, makeFinding, sampleFindings } from './testing.ts';
import { parseOpenVex } from './vex.ts';

const NOW = new Date('2026-06-01T00:00:00Z');

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(new URL('../../../schemas/scan-report.schema.json', import.meta.url), 'utf8')) as object,
);

function schemaErrors(json: string): string[] {
  return validate(JSON.parse(json)) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

function format(findings: Finding[]): string {
  return formatScanJson(buildScanReport({
    inventory: INVENTORY,
    findings,
    toolVersion: '0.1.0-test',
    ignores: [{ id: 'CVE-2024-0004', reason: 'accepted', source: 'ignore.yaml:2' }],
    now: NOW,
  }));
}

/** The same finding with its keys inserted in reverse order. */
function reversedKeys<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).reverse()) as T;
}

describe('formatScanJson', () => {
  it('validates against schemas/scan-report.schema.json, and the schema rejects a broken report', () => {
    const vex = parseOpenVex(readFileSync(new URL('testdata/vex/image.openvex.json', import.meta.url)), 'image.openvex.json');
    const json = formatScanJson(buildScanReport({
      inventory: INVENTORY,
      findings: sampleFindings(),
      toolVersion: 't',
      vex: [vex],
      ignores: [{ id: 'CVE-2024-0004', reason: 'x', source: 'i:1' }, { id: 'CVE-9', reason: 'y', source: 'i:2', expires: '2020-01-01' }],
      now: NOW,
    }));
    assert.deepEqual(schemaErrors(json), []);
    const broken = JSON.parse(json) as { suppressed: Array<{ suppressedBy: { kind: string } }> };
    assert.ok(broken.suppressed.length > 0);
    for (const entry of broken.suppressed) entry.suppressedBy.kind = 'other';
    assert.notDeepEqual(schemaErrors(JSON.stringify(broken)), []);
  });

  it('writes the report with the documented top-level order and severity counts, most severe first', () => {
    const report = JSON.parse(format(sampleFindings())) as Record<string, unknown>;
    assert.deepEqual(Object.keys(report), ['schemaVersion', 'tool', 'target', 'inventory', 'counts', 'findings', 'suppressed', 'expiredIgnores', 'warnings']);
    assert.deepEqual(Object.keys(report['counts'] as object), ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'UNKNOWN']);
    const findings = report['findings'] as Array<{ finding: Record<string, unknown> }>;
    assert.deepEqual(Object.keys(findings[0]?.finding ?? {}).slice(0, 6), ['id', 'aliases', 'advisoryIds', 'package', 'status', 'severity']);
    const suppressed = report['suppressed'] as Array<{ finding: { id: string }; suppressedBy: { kind: string; entry: { reason: string } } }>;
    assert.deepEqual(suppressed.map((s) => [s.finding.id, s.suppressedBy.kind, s.suppressedBy.entry.reason]), [['CVE-2024-0004', 'ignore', 'accepted']]);
  });

  it('gives the same bytes whatever order findings and their keys arrive in', () => {
    const shuffled = sampleFindings().reverse().map((finding) => reversedKeys({ ...finding, package: reversedKeys(finding.package) }));
    assert.equal(format(shuffled), format(sampleFindings()));
  });

  it('round-trips hostile strings as JSON data', () => {
    const hostile = makeFinding('lodash', { id: 'CVE-1', severity: 'HIGH', title: HOSTILE_TEXT });
    const text = format([hostile]);
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f]/);
    const parsed = JSON.parse(text) as { findings: Array<{ finding: { title: string } }> };
    assert.equal(parsed.findings[0]?.finding.title, HOSTILE_TEXT);
  });
});
