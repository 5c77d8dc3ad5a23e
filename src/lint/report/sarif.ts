/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. One rule per check that ran (help
 * text with the fix and compliance controls, GitHub's `security-severity` property, tags), one
 * result per finding at the file and line of the instruction or YAML node, and a partial fingerprint
 * that survives lines moving so an alert stays the same alert from commit to commit. Findings an
 * inline ignore suppressed stay as results with an `inSource` suppression and its reason, which
 * consumers show as dismissed.
 */
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../../vuln/index.ts';
import type { CheckDefinition, LintFinding, LintReport } from '../model.ts';
import { complianceLabels, sortedFindings } from './summary.ts';

export const LINT_SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://portcullis.invalid/';
const FINGERPRINT_KEY = 'portcullisLint/v1';
/** How SARIF names standard input (the CLI's '-'). */
const STDIN_URI = 'stdin';

export interface LintSarifOptions {
  /** Portcullis's version, for `tool.driver.version`. */
  toolVersion?: string;
}

type Level = 'error' | 'warning' | 'note' | 'none';

const LEVEL: Record<Severity, Level> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', NONE: 'note', UNKNOWN: 'warning' };

/**
 * GitHub ranks code-scanning alerts by `security-severity` (over 9.0 critical, 7.0-8.9 high,
 * 4.0-6.9 medium, 0.1-3.9 low); checks have a level, not a score, so each level has a
 * representative score inside its band (the same ones the scan and secrets reports use).
 */
const SECURITY_SEVERITY: Record<Severity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', NONE: '0.0', UNKNOWN: '5.0' };

export function formatLintSarif(report: LintReport, options: LintSarifOptions = {}): string {
  const rules = [...report.checks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((check, index) => [check.id, index]));
  const driver: Record<string, unknown> = { name: 'portcullis', informationUri: INFORMATION_URI, rules: rules.map(ruleOf) };
  if (options.toolVersion !== undefined) driver['version'] = options.toolVersion;
  const log = {
    $schema: LINT_SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        automationDetails: { id: `portcullis/lint/${report.kind}/` },
        results: resultsOf(report, ruleIndex),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.warnings.map((warning) => ({
              level: 'warning',
              message: { text: warning.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(warning.file) } } }],
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function ruleOf(check: CheckDefinition) {
  const compliance = complianceLabels(check);
  const references = (check.references ?? []).filter((url) => /^https?:\/\//.test(url));
  const text = [check.description, `Fix: ${check.fix}`, ...(compliance.length === 0 ? [] : [`Compliance: ${compliance.join('; ')}`])].join('\n');
  const markdown = [
    `**${markdownText(check.title)}** (${check.severity})`,
    '',
    markdownText(check.description),
    '',
    `**Fix:** ${markdownText(check.fix)}`,
    ...(compliance.length === 0 ? [] : ['', `**Compliance:** ${markdownText(compliance.join('; '))}`]),
    ...(references.length === 0 ? [] : ['', ...references.map((url) => `- <${url}>`)]),
  ].join('\n');
  return {
    id: check.id,
    name: pascalCase(check.title),
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    help: { text, markdown },
    ...(references[0] !== undefined && { helpUri: references[0] }),
    defaultConfiguration: { level: LEVEL[check.severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[check.severity],
      precision: 'very-high',
      tags: ['security', check.kind, ...complianceTags(check)],
    },
  };
}

/** Tags consumers can filter on: `CIS-Docker-4.1`, `NIST-800-190-4.4.2`, `PSS-restricted`. */
function complianceTags(check: CheckDefinition): string[] {
  const prefix: Record<string, string> = { 'cis-docker': 'CIS-Docker', 'cis-k8s': 'CIS-K8s', 'nsa-k8s': 'NSA-K8s', 'nist-800-190': 'NIST-800-190', pss: 'PSS' };
  return Object.entries(check.compliance).flatMap(([framework, controls]) =>
    Array.isArray(controls) ? controls.map((control: string) => `${prefix[framework] ?? framework}-${control}`) : [],
  );
}

function resultsOf(report: LintReport, ruleIndex: ReadonlyMap<string, number>) {
  // The same finding twice in one file (two identical RUN lines) gets two distinct fingerprints.
  const seen = new Map<string, number>();
  return sortedFindings(report).map((finding) => {
    const key = fingerprint(finding);
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return resultOf(finding, ruleIndex.get(finding.checkId), occurrence === 1 ? key : `${key}:${occurrence}`);
  });
}

function resultOf(finding: LintFinding, ruleIndex: number | undefined, fingerprintValue: string) {
  const region: Record<string, number> = { startLine: Math.max(1, finding.line) };
  if (finding.endLine !== undefined && finding.endLine >= region['startLine']!) region['endLine'] = finding.endLine;
  const location: Record<string, unknown> = { physicalLocation: { artifactLocation: { uri: fileUri(finding.file) }, region } };
  if (finding.resource !== undefined) location['logicalLocations'] = [{ fullyQualifiedName: finding.resource }];
  return {
    ruleId: finding.checkId,
    ...(ruleIndex !== undefined && { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprintValue },
    ...(finding.suppressed !== undefined && { suppressions: [{ kind: 'inSource', justification: finding.suppressed.reason }] }),
  };
}

/**
 * A URI reference for a file as the user named it: relative paths stay relative (GitHub resolves
 * them against the repository root), each segment percent-encoded so spaces and '#' stay path;
 * absolute paths become file: URLs.
 */
function fileUri(file: string): string {
  if (file === '-') return STDIN_URI;
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** Stable across runs and edits above the finding: the check, the file, the resource and the message. */
function fingerprint(finding: LintFinding): string {
  return createHash('sha256').update([finding.checkId, finding.file, finding.resource ?? '', finding.message].join('\u0000')).digest('hex');
}

/** `apt-get install without -y` -> `AptGetInstallWithoutY`: SARIF rule names are identifiers. */
function pascalCase(title: string): string {
  return title.split(/[^A-Za-z0-9]+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/** Check texts are plain text: markdown and HTML specials are escaped so they render as written. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>&-]/g, (char) => `\\${char}`);
}
