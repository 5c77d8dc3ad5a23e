/**
 * JUnit XML for CI test views: one testsuite per framework, one testcase per control. A failed
 * control is a failure listing its findings; manual and not-evaluated controls are skipped with
 * the reason, so they never show as passed.
 */
import type { ComplianceReport, ControlResult } from '../model.ts';
import { evidenceLine } from './table.ts';
import { xmlEscape } from './xml.ts';

export function formatComplianceJunit(report: ComplianceReport): string {
  const skipped = report.counts.manual + report.counts['not-evaluated'];
  const name = xmlEscape(`portcullis compliance ${report.framework.id}`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" tests="${report.controls.length}" failures="${report.counts.fail}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${xmlEscape(report.framework.name)}" tests="${report.controls.length}" failures="${report.counts.fail}" errors="0" skipped="${skipped}">`,
    ...report.controls.flatMap((control) => testcase(report, control)),
    ...(report.warnings.length > 0 ? [`    <system-out>${xmlEscape(report.warnings.map((warning) => `warning: ${warning}`).join('\n'))}</system-out>`] : []),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(report: ComplianceReport, control: ControlResult): string[] {
  const open = `    <testcase classname="${xmlEscape(report.framework.id)}" name="${xmlEscape(`${control.id} ${control.title}`)}"`;
  switch (control.status) {
    case 'pass':
      return [`${open}/>`];
    case 'fail': {
      const text = control.evidence.map(evidenceLine).join('\n');
      return [`${open}>`, `      <failure message="${xmlEscape(`${control.evidence.length} finding(s)`)}">${xmlEscape(text)}</failure>`, '    </testcase>'];
    }
    case 'manual':
    case 'not-evaluated':
      return [`${open}>`, `      <skipped message="${xmlEscape(`${control.status}: ${control.reason ?? ''}`)}"/>`, '    </testcase>'];
  }
}
