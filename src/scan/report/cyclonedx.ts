/**
 * The scan as one CycloneDX 1.6 document: Portcullis's SBOM of the target (src/sbom/cyclonedx.ts,
 * unchanged) plus a `vulnerabilities` section, one entry per finding (reported or suppressed):
 * id and source, aliases as references, ratings with CVSS vectors and method, `affects` pointing at
 * the component's bom-ref, an upgrade recommendation, and for suppressed findings the analysis
 * (VEX state and justification, or the ignore entry's reason).
 *
 * The library's vulnerability models are not used: the SBOM is already serialized by the sbom
 * module, and the section is plain JSON appended to it (validated against the 1.6 schema in tests).
 */
import type { Inventory } from '../../inventory/index.ts';
import { type SbomOptions, formatCycloneDx, packageKey } from '../../sbom/index.ts';
import type { Finding, FindingCvss, Severity } from '../../vuln/index.ts';
import type { ScanReport, Suppression, VexNote } from './model.ts';

export interface ScanCycloneDxOptions extends SbomOptions {
  /** The inventory the report was built from: the SBOM part of the document. */
  inventory: Inventory;
}

const METHOD: Record<FindingCvss['version'], string> = { '2.0': 'CVSSv2', '3.0': 'CVSSv3', '3.1': 'CVSSv31', '4.0': 'CVSSv4' };

/** OpenVEX status -> CycloneDX analysis state. */
const STATE: Record<VexNote['status'], string> = { not_affected: 'not_affected', fixed: 'resolved', affected: 'exploitable', under_investigation: 'in_triage' };

/** OpenVEX justification -> the closest CycloneDX impact-analysis justification. */
const JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'protected_by_mitigating_control',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

/** RFC 3339 date-time with a zone, as the schema's `date-time` format wants. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

export function formatScanCycloneDx(report: ScanReport, options: ScanCycloneDxOptions): string {
  const { inventory, ...sbomOptions } = options;
  const bom = JSON.parse(formatCycloneDx(inventory, sbomOptions)) as Record<string, unknown>;
  const entries = [
    ...report.findings.map(({ finding, vex }) => vulnerabilityOf(finding, vex === undefined ? undefined : { kind: 'vex', statement: vex })),
    ...report.suppressed.map(({ finding, suppressedBy }) => vulnerabilityOf(finding, suppressedBy)),
  ];
  if (entries.length > 0) bom['vulnerabilities'] = entries;
  return `${JSON.stringify(bom, null, 2)}\n`;
}

function vulnerabilityOf(finding: Finding, decision: Suppression | undefined): Record<string, unknown> {
  const ref = packageKey(finding.package);
  const entry: Record<string, unknown> = {
    'bom-ref': `portcullis:vulnerability/${finding.id}/${ref}`,
    id: finding.id,
    source: sourceOf(finding.id),
  };
  if (finding.aliases.length > 0) entry['references'] = finding.aliases.map((alias) => ({ id: alias, source: sourceOf(alias) }));
  entry['ratings'] = ratingsOf(finding);
  if (finding.description !== undefined) entry['description'] = finding.description;
  if (finding.title !== undefined) entry['detail'] = finding.title;
  if (finding.fixedVersion !== undefined) entry['recommendation'] = `Upgrade to ${finding.fixedVersion}`;
  const urls = finding.references.map((reference) => reference.url).filter((url) => /^https?:\/\/\S+$/.test(url));
  if (urls.length > 0) entry['advisories'] = urls.map((url) => ({ url }));
  if (finding.published !== undefined && DATE_TIME.test(finding.published)) entry['published'] = finding.published;
  if (finding.modified !== undefined && DATE_TIME.test(finding.modified)) entry['updated'] = finding.modified;
  if (decision !== undefined) entry['analysis'] = analysisOf(decision);
  entry['affects'] = [{ ref, versions: [{ version: finding.package.version, status: 'affected' }] }];
  return entry;
}

/** The database an id comes from, by its prefix; unknown prefixes name no source URL. */
function sourceOf(id: string): { name: string; url?: string } {
  if (id.startsWith('CVE-')) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith('GHSA-')) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  return { name: id.split('-')[0] ?? id };
}

function ratingsOf(finding: Finding): Array<Record<string, unknown>> {
  const ratings: Array<Record<string, unknown>> = finding.cvss.map((cvss) => ({
    ...(cvss.source === undefined ? {} : { source: { name: cvss.source } }),
    score: cvss.baseScore,
    severity: cycloneDxSeverity(finding.severity),
    method: METHOD[cvss.version],
    vector: cvss.vector,
  }));
  // A level from a distribution's or database's word is a rating of its own, without a score.
  if (finding.severitySource !== undefined && finding.severitySource !== 'cvss') {
    ratings.push({ source: { name: finding.severitySource }, severity: cycloneDxSeverity(finding.severity), method: 'other' });
  }
  return ratings;
}

function cycloneDxSeverity(severity: Severity): string {
  return severity.toLowerCase();
}

function analysisOf(decision: Suppression): Record<string, unknown> {
  switch (decision.kind) {
    case 'ignore':
      return { detail: `Ignored by ${decision.entry.source}: ${decision.entry.reason}` };
    case 'vex': {
      const { statement } = decision;
      const analysis: Record<string, unknown> = { state: STATE[statement.status] };
      const justification = statement.justification === undefined ? undefined : JUSTIFICATION[statement.justification];
      if (justification !== undefined) analysis['justification'] = justification;
      const detail = [statement.impactStatement, statement.actionStatement, statement.statusNotes].filter((text) => text !== undefined).join(' ');
      if (detail !== '') analysis['detail'] = detail;
      return analysis;
    }
  }
}
