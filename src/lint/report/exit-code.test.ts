import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintExitCode } from './exit-code.ts';
import { sampleReport } from './testing.ts';

describe('lintExitCode', () => {
  it('never fails without a threshold', () => {
    assert.equal(lintExitCode(sampleReport()), 0);
  });

  it('fails when an unsuppressed finding reaches the threshold', () => {
    assert.equal(lintExitCode(sampleReport(), 'CRITICAL'), 1);
    assert.equal(lintExitCode(sampleReport(), 'LOW'), 1);
  });

  it('ignores suppressed findings and findings below the threshold', () => {
    const report = sampleReport();
    const onlySuppressedHigh = { ...report, findings: report.findings.filter((each) => each.suppressed !== undefined || each.severity === 'LOW') };
    assert.equal(lintExitCode(onlySuppressedHigh, 'HIGH'), 0);
    assert.equal(lintExitCode(onlySuppressedHigh, 'LOW'), 1);
  });
});
