/**
 * JUnit XML for CI systems that show test results: one testsuite per package type, one testcase
 * per package of the inventory, one failure per reported finding at or above the threshold.
 * Findings below it and suppressed findings are listed in the testcase's system-out, so nothing is
 * hidden. Every string is escaped for XML 1.0, including characters XML cannot carry at all.
 */
import type { Inventory, Package } from '../../inventory/index.ts';
import { compareText, displayName, packageKey } from '../../sbom/index.ts';
import { type Finding, type Severity, compareSeverity } from '../../vuln/index.ts';
import type { ScanReport } from './model.ts';
import { xml } from '../../core/index.ts';

export interface JunitOptions {
  /** The inventory the report was built from: its packages are the testcases. */
  inventory: Inventory;
  /** Lowest severity that fails a testcase; default every severity. */
  failOn?: Severity;
}

interface Case {
  name: string;
  failures: Finding[];
  notes: string[];
}

export function formatJunit(report: ScanReport, options: JunitOptions): string {
  const { inventory, failOn = 'UNKNOWN' } = options;
  const suites = new Map<string, Map<string, Case>>();
  const caseOf = (pkg: Pick<Package, 'purl' | 'type' | 'namespace' | 'name' | 'version'>): Case => {
    let suite = suites.get(pkg.type);
    if (suite === undefined) suites.set(pkg.type, (suite = new Map()));
    const key = packageKey(pkg);
    let testcase = suite.get(key);
    if (testcase === undefined) suite.set(key, (testcase = { name: `${displayName(pkg)} ${pkg.version} (${key})`, failures: [], notes: [] }));
    return testcase;
  };
  for (const pkg of inventory.packages) caseOf(pkg);
  for (const { finding } of report.findings) {
    const testcase = caseOf(finding.package);
    if (compareSeverity(finding.severity, failOn) >= 0) testcase.failures.push(finding);
    else testcase.notes.push(`${finding.id} ${finding.severity}: below the failure threshold ${failOn}`);
  }
  for (const { finding, suppressedBy } of report.suppressed) {
    const why = suppressedBy.kind === 'ignore' ? `ignored (${suppressedBy.entry.source}): ${suppressedBy.entry.reason}` : `VEX ${suppressedBy.statement.status}`;
    caseOf(finding.package).notes.push(`${finding.id} ${finding.severity}: suppressed, ${why}`);
  }

  const total = { tests: 0, failures: 0 };
  const body: string[] = [];
  for (const [type, cases] of [...suites].sort(([a], [b]) => compareText(a, b))) {
    const list = [...cases.values()].sort((a, b) => compareText(a.name, b.name));
    const failures = list.reduce((sum, testcase) => sum + testcase.failures.length, 0);
    total.tests += list.length;
    total.failures += failures;
    body.push(`  <testsuite name="${xml(type)}" tests="${list.length}" failures="${failures}" errors="0" skipped="0">`);
    for (const testcase of list) body.push(...testcaseXml(type, testcase));
    body.push('  </testsuite>');
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`portcullis scan ${report.target.reference}`)}" tests="${total.tests}" failures="${total.failures}" errors="0">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}

function testcaseXml(type: string, testcase: Case): string[] {
  const open = `    <testcase classname="${xml(type)}" name="${xml(testcase.name)}"`;
  if (testcase.failures.length === 0 && testcase.notes.length === 0) return [`${open}/>`];
  const lines = [`${open}>`];
  for (const finding of testcase.failures) {
    const fix = finding.fixedVersion === undefined ? 'no fixed version known' : `fixed in ${finding.fixedVersion}`;
    const text = [finding.title ?? finding.description ?? finding.id, ...finding.references.map((reference) => reference.url)].join('\n');
    lines.push(`      <failure type="${xml(finding.severity)}" message="${xml(`${finding.id} (${finding.severity}), ${fix}`)}">${xml(text)}</failure>`);
  }
  if (testcase.notes.length > 0) lines.push(`      <system-out>${xml(testcase.notes.join('\n'))}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}
