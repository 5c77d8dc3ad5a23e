/**
 * SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer). One rule per vulnerability
 * id, with help text, GitHub's `security-severity` property and tags; one result per finding and
 * package location, with the level from the severity, a region at line 1 (packages have no line),
 * and a partial fingerprint so the same finding keeps the same alert from run to run. Suppressed
 * findings are kept as results with a `suppressions` entry, which consumers show as dismissed.
 */
import { createHash } from 'node:crypto';
import { displayName } from '../../sbom/index.ts';
import { type Finding, type Severity, compareSeverity } from '../../vuln/index.ts';
import type { ScanReport, Suppression } from './model.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://portcullis.invalid/';
const FINGERPRINT_KEY = 'portcullisFinding/v1';

type Level = 'error' | 'warning' | 'note' | 'none';

const LEVEL: Record<Severity, Level> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', NONE: 'note', UNKNOWN: 'warning' };

/**
 * GitHub maps `security-severity` to its levels (over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
 * 0.1-3.9 low). A finding's own CVSS score is used when it lies in its severity's band; otherwise
 * (the level came from a distribution's word) this representative score of the level.
 */
const BAND: Record<Severity, { score: number; min: number; max: number }> = {
  CRITICAL: { score: 9.5, min: 9.0, max: 10 },
  HIGH: { score: 8.0, min: 7.0, max: 8.9 },
  MEDIUM: { score: 5.5, min: 4.0, max: 6.9 },
  LOW: { score: 2.0, min: 0.1, max: 3.9 },
  NONE: { score: 0.0, min: 0, max: 0 },
  // Unrated findings should not disappear below GitHub's default thresholds.
  UNKNOWN: { score: 5.0, min: -1, max: -1 },
};

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri?: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: Level };
  properties: { 'security-severity': string; tags: string[]; precision: 'high' };
}

export function formatSarif(report: ScanReport): string {
  const all = [
    ...report.findings.map(({ finding }) => ({ finding, suppression: undefined as Suppression | undefined })),
    ...report.suppressed.map(({ finding, suppressedBy }) => ({ finding, suppression: suppressedBy as Suppression | undefined })),
  ];
  const rules = rulesOf(all.map(({ finding }) => finding));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = all.flatMap(({ finding, suppression }) => resultsOf(finding, suppression, ruleIndex.get(finding.id) ?? 0, report));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'portcullis', version: report.tool.version, informationUri: INFORMATION_URI, rules } },
      results,
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** One rule per id, rated by the most severe finding with that id; ids in text order. */
function rulesOf(findings: readonly Finding[]): Rule[] {
  const worst = new Map<string, Finding>();
  for (const finding of findings) {
    const seen = worst.get(finding.id);
    if (seen === undefined || compareSeverity(finding.severity, seen.severity) > 0) worst.set(finding.id, finding);
  }
  return [...worst.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(ruleOf);
}

function ruleOf(finding: Finding): Rule {
  const title = finding.title ?? finding.description?.split('\n')[0] ?? finding.id;
  const description = finding.description ?? title;
  const references = finding.references.map((reference) => reference.url);
  const aliases = finding.aliases.length === 0 ? '' : `\nAliases: ${finding.aliases.join(', ')}`;
  const rule: Rule = {
    id: finding.id,
    name: finding.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: `${finding.id}: ${title}` },
    fullDescription: { text: description },
    help: {
      text: `${description}${aliases}\nSeverity: ${finding.severity}${references.length === 0 ? '' : `\nReferences:\n${references.join('\n')}`}`,
      markdown: [
        `**${markdownText(finding.id)}** (${finding.severity})`,
        '',
        markdownText(description),
        ...(references.length === 0 ? [] : ['', '| Reference |', '| --- |', ...references.map((url) => `| ${markdownText(url)} |`)]),
      ].join('\n'),
    },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: { 'security-severity': securitySeverity(finding), tags: ['security', 'vulnerability', finding.severity.toLowerCase()], precision: 'high' },
  };
  const helpUri = references.find((url) => /^https?:\/\//.test(url));
  if (helpUri !== undefined) rule.helpUri = helpUri;
  return rule;
}

function securitySeverity(finding: Finding): string {
  const band = BAND[finding.severity];
  const inBand = finding.cvss.map((cvss) => cvss.baseScore).filter((score) => score >= band.min && score <= band.max);
  return (inBand.length === 0 ? band.score : Math.max(...inBand)).toFixed(1);
}

/** Advisory text is untrusted: markdown and HTML specials are escaped so it renders as text. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>&-]/g, (char) => `\\${char}`);
}

function resultsOf(finding: Finding, suppression: Suppression | undefined, ruleIndex: number, report: ScanReport) {
  const pkg = finding.package;
  const fix = finding.fixedVersion === undefined ? 'No fixed version is known.' : `Fixed in ${finding.fixedVersion}.`;
  const text = `${displayName(pkg)} ${pkg.version} (${pkg.purl}) is affected by ${finding.id} (${finding.severity}). ${fix}`;
  const locations = pkg.locations.length === 0 ? [report.target.reference] : pkg.locations;
  return locations.map((location) => {
    const result: Record<string, unknown> = {
      ruleId: finding.id,
      ruleIndex,
      level: LEVEL[finding.severity],
      message: { text },
      locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(location) }, region: { startLine: 1 } } }],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding, location) },
    };
    if (suppression !== undefined) result['suppressions'] = [suppressionOf(suppression)];
    return result;
  });
}

/** A relative URI reference for a path: each segment percent-encoded, so spaces and '#' stay path. */
function fileUri(path: string): string {
  return path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
}

/** Stable across runs: the flaw, the package and where it was found, never the scan time. */
function fingerprint(finding: Finding, location: string): string {
  return createHash('sha256').update(`${finding.id}\u0000${finding.package.purl}\u0000${location}`).digest('hex');
}

function suppressionOf(suppression: Suppression): { kind: 'external'; status: 'accepted'; justification: string } {
  switch (suppression.kind) {
    case 'ignore':
      return { kind: 'external', status: 'accepted', justification: `${suppression.entry.reason} (${suppression.entry.source})` };
    case 'vex': {
      const { statement } = suppression;
      const why = statement.justification ?? statement.impactStatement ?? '';
      return { kind: 'external', status: 'accepted', justification: `VEX ${statement.status}${why === '' ? '' : `: ${why}`} (${statement.document})` };
    }
  }
}
