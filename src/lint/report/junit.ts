/**
 * JUnit XML for CI systems that show test results: one testsuite per linted file, one testcase per
 * check that ran on it (so passing checks show as passed), one failure per unsuppressed finding at
 * or above the threshold. Findings below it and suppressed findings go to the testcase's
 * system-out, input warnings to the testsuite's, so nothing is hidden.
 */
import { xml } from '../../core/index.ts';
import { type Severity, compareSeverity } from '../../vuln/index.ts';
import type { LintFinding, LintReport } from '../model.ts';
import { compareStrings, sortedFindings } from './summary.ts';

export interface LintJunitOptions {
  /** Lowest severity that fails a testcase; default every severity. */
  failOn?: Severity;
}

interface Case {
  name: string;
  failures: LintFinding[];
  notes: string[];
}

export function formatLintJunit(report: LintReport, options: LintJunitOptions = {}): string {
  const failOn = options.failOn ?? 'UNKNOWN';
  const files = [...new Set([...report.files, ...report.findings.map((finding) => finding.file)])].sort(compareStrings);
  const checks = [...report.checks].sort((a, b) => compareStrings(a.id, b.id));
  const total = { tests: 0, failures: 0 };
  const body: string[] = [];
  for (const file of files) {
    const cases = new Map<string, Case>(checks.map((check) => [check.id, { name: `${check.id} ${check.title}`, failures: [], notes: [] }]));
    for (const finding of sortedFindings(report).filter((each) => each.file === file)) {
      let testcase = cases.get(finding.checkId);
      if (testcase === undefined) cases.set(finding.checkId, (testcase = { name: finding.checkId, failures: [], notes: [] }));
      const where = `line ${finding.line}: ${finding.message}`;
      if (finding.suppressed !== undefined) testcase.notes.push(`suppressed (${finding.suppressed.reason}) ${where}`);
      else if (compareSeverity(finding.severity, failOn) >= 0) testcase.failures.push(finding);
      else testcase.notes.push(`below the failure threshold ${failOn}: ${where}`);
    }
    const list = [...cases.values()];
    const failures = list.reduce((sum, testcase) => sum + testcase.failures.length, 0);
    total.tests += list.length;
    total.failures += failures;
    body.push(`  <testsuite name="${xml(file)}" tests="${list.length}" failures="${failures}" errors="0" skipped="0">`);
    for (const testcase of list) body.push(...testcaseXml(file, testcase));
    const warnings = report.warnings.filter((warning) => warning.file === file).map((warning) => `warning: ${warning.message}`);
    if (warnings.length > 0) body.push(`    <system-out>${xml(warnings.join('\n'))}</system-out>`);
    body.push('  </testsuite>');
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`portcullis lint ${report.kind}`)}" tests="${total.tests}" failures="${total.failures}" errors="0">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}

function testcaseXml(file: string, testcase: Case): string[] {
  const open = `    <testcase classname="${xml(file)}" name="${xml(testcase.name)}"`;
  if (testcase.failures.length === 0 && testcase.notes.length === 0) return [`${open}/>`];
  const lines = [`${open}>`];
  for (const finding of testcase.failures) {
    const where = finding.resource === undefined ? `${file}:${finding.line}` : `${file}:${finding.line} (${finding.resource})`;
    lines.push(`      <failure type="${xml(finding.severity)}" message="${xml(`${finding.checkId} (${finding.severity}) at line ${finding.line}`)}">${xml(`${where}: ${finding.message}`)}</failure>`);
  }
  if (testcase.notes.length > 0) lines.push(`      <system-out>${xml(testcase.notes.join('\n'))}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}
