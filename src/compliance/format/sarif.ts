/**
 * SARIF 2.1.0 for code-scanning views: one rule per control; a failed control gives one `fail`
 * result per finding behind it (with its file and line), and every other control one result whose
 * `kind` says what it is (`pass`, `review` for manual, `open` for not evaluated), so a viewer shows
 * the whole verdict and not only the failures.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ComplianceReport, ControlResult, EvidenceItem } from '../model.ts';

export const COMPLIANCE_SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function formatComplianceSarif(report: ComplianceReport): string {
  const rules = report.controls.map((control) => ({
    id: ruleId(report, control),
    name: control.id,
    shortDescription: { text: control.title },
    fullDescription: { text: `${report.framework.name} ${control.id}: ${control.title} (${control.group})` },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['compliance', report.framework.id, control.group] },
  }));
  const results = report.controls.flatMap((control, ruleIndex) => controlResults(report, control, ruleIndex));
  const log = {
    $schema: COMPLIANCE_SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'portcullis', version: report.tool.version, informationUri: 'https://github.com/portcullis/portcullis', rules } },
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.warnings.map((warning) => ({ level: 'warning', message: { text: warning } })),
          },
        ],
        properties: { framework: report.framework, counts: report.counts, targets: report.targets },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function ruleId(report: ComplianceReport, control: ControlResult): string {
  return `${report.framework.id}/${control.id}`;
}

function controlResults(report: ComplianceReport, control: ControlResult, ruleIndex: number): object[] {
  const base = { ruleId: ruleId(report, control), ruleIndex };
  switch (control.status) {
    case 'fail':
      return control.evidence.map((item) => ({
        ...base,
        kind: 'fail',
        level: 'error',
        message: { text: `${control.id} ${control.title}: ${item.id} ${item.message}` },
        ...(item.file !== undefined && { locations: [location(item, item.file)] }),
        properties: { source: item.source, findingId: item.id, severity: item.severity, ...(item.target !== undefined && { target: item.target }) },
      }));
    case 'pass':
      return [{ ...base, kind: 'pass', level: 'none', message: { text: `${control.id} ${control.title}: pass${control.reason ? ` (${control.reason})` : ''}` } }];
    case 'manual':
      return [{ ...base, kind: 'review', level: 'none', message: { text: `${control.id} ${control.title}: ${control.reason ?? 'manual review'}` } }];
    case 'not-evaluated':
      return [{ ...base, kind: 'open', level: 'none', message: { text: `${control.id} ${control.title}: not evaluated: ${control.reason ?? ''}` } }];
  }
}

function location(item: EvidenceItem, file: string): object {
  const region = item.line !== undefined && item.line >= 1 ? { region: { startLine: item.line } } : {};
  return {
    physicalLocation: { artifactLocation: { uri: fileUri(file) }, ...region },
    ...(item.resource !== undefined && { logicalLocations: [{ fullyQualifiedName: item.resource }] }),
  };
}

/** Relative paths stay relative (code scanning resolves them against the checkout); absolute ones become file: URIs. */
function fileUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}
