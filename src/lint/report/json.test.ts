import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINT_JSON_SCHEMA_VERSION, formatLintJson } from './json.ts';
import { HOSTILE_TEXT, finding, sampleReport } from './testing.ts';

interface Document {
  schemaVersion: number;
  kind: string;
  files: string[];
  summary: { checks: number; findings: number; suppressed: number; bySeverity: Record<string, number>; warnings: number };
  findings: Array<{ checkId: string; title: string; line: number; file: string; fix: string; message: string; resource?: string; suppressed?: { reason: string } }>;
  checks: Array<{ id: string }>;
  warnings: Array<{ file: string; message: string }>;
}

describe('formatLintJson', () => {
  it('writes a summary that counts only unsuppressed findings', () => {
    const document = JSON.parse(formatLintJson(sampleReport())) as Document;
    assert.equal(document.schemaVersion, LINT_JSON_SCHEMA_VERSION);
    assert.equal(document.kind, 'dockerfile');
    assert.deepEqual(document.summary, {
      checks: 3,
      findings: 3,
      suppressed: 1,
      bySeverity: { UNKNOWN: 0, NONE: 0, LOW: 1, MEDIUM: 0, HIGH: 1, CRITICAL: 1 },
      warnings: 1,
    });
    assert.deepEqual(document.checks.map((check) => check.id), ['PC-T-001', 'PC-T-002', 'PC-T-003']);
    assert.equal(document.warnings[0]?.message, 'line 20: unknown instruction FOO');
  });

  it('lists findings in reading order with title, fix, resource and suppression', () => {
    const document = JSON.parse(formatLintJson(sampleReport())) as Document;
    assert.deepEqual(document.findings.map((each) => `${each.file}:${each.line} ${each.checkId}`), [
      'app/Dockerfile:1 PC-T-002',
      'app/Dockerfile:7 PC-T-003',
      'app/Dockerfile:12 PC-T-001',
      'other dir/Dockerfile#2:3 PC-T-001',
    ]);
    const secret = document.findings[1];
    assert.equal(secret?.title, 'Secret in ENV');
    assert.equal(secret?.fix, 'Pass secrets at run time or with build secrets.');
    assert.equal(secret?.resource, 'stage build');
    assert.equal(secret?.suppressed, undefined);
    assert.deepEqual(document.findings[2]?.suppressed, { reason: 'runs under a user namespace' });
  });

  it('round-trips hostile text exactly', () => {
    const report = { ...sampleReport(), findings: [finding({ checkId: 'PC-T-001', line: 2, message: HOSTILE_TEXT })] };
    const document = JSON.parse(formatLintJson(report)) as Document;
    assert.equal(document.findings[0]?.message, HOSTILE_TEXT);
  });
});
