import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import { formatLintTable } from './table.ts';
import { HOSTILE_TEXT, finding, sampleReport } from './testing.ts';

describe('formatLintTable', () => {
  it('groups unsuppressed findings by file with line, severity, check and message', () => {
    const text = formatLintTable(sampleReport(), { color: false });
    const lines = text.split('\n');
    const first = lines.indexOf('app/Dockerfile');
    assert.ok(first >= 0);
    assert.match(lines[first + 1] ?? '', /^ {2}LINE {2}SEVERITY {2}CHECK {5}MESSAGE$/);
    assert.match(lines[first + 2] ?? '', /^ {2}1 +LOW +PC-T-002 +final stage has no HEALTHCHECK$/);
    assert.match(lines[first + 3] ?? '', /^ {2}7 +CRITICAL +PC-T-003 +\[stage build\] ENV API_TOKEN has a literal value$/);
    assert.ok(lines.includes('other dir/Dockerfile#2'));
    assert.doesNotMatch(text, /no USER in the final stage/, 'suppressed findings are counted, not listed');
    assert.match(text, /^1 suppressed by inline ignores/m);
    assert.match(text, /^ {2}PC-T-003 {2}Pass secrets at run time or with build secrets\.$/m);
    assert.match(text, /^CRITICAL 1$/m);
    assert.match(text, /^HIGH {5}1$/m);
    assert.match(text, /^MEDIUM {3}0$/m);
    assert.match(text, /^warning: app\/Dockerfile: line 20: unknown instruction FOO$/m);
  });

  it('says so when nothing was found', () => {
    const text = formatLintTable({ ...sampleReport(), findings: [], warnings: [] }, { color: false });
    assert.match(text, /^No findings: 3 checks passed on 2 files\.$/m);
  });

  it('fits the width and neutralises terminal escapes', () => {
    const report = { ...sampleReport(), findings: [finding({ checkId: 'PC-T-001', line: 2, message: `${HOSTILE_TEXT} ${'long '.repeat(40)}` })], warnings: [] };
    const text = formatLintTable(report, { color: false, width: 60 });
    assert.doesNotMatch(text, /\u001b/);
    const row = text.split('\n').find((line) => line.includes('PC-T-001') && line.startsWith('  2'));
    assert.ok(row);
    assert.ok(stringWidth(row) <= 60, `row is ${stringWidth(row)} columns`);
    assert.ok(row.endsWith('…'));
  });

  it('colours severities only when asked', () => {
    assert.match(formatLintTable(sampleReport(), { color: true }), /\u001b\[31mHIGH/);
    assert.doesNotMatch(formatLintTable(sampleReport(), { color: false }), /\u001b/);
  });
});
