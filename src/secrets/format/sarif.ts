/**
 * SARIF 2.1.0 for code-scanning dashboards: one run, the rules that produced findings (with help
 * text and a security-severity for ranking), and one result per finding with its line and column.
 * Image layer and survival go into result properties; config findings get a logical location.
 */
import { BUILTIN_RULES } from '../rules/index.ts';
import type { SecretFinding, SecretRule, SecretScanResult, SecretSeverity } from '../types.ts';
import { whereLabel } from './describe.ts';

export interface SarifOptions {
  toolVersion: string;
  /** Where rule help comes from; default the built-in rules. */
  rules?: readonly SecretRule[];
}

const LEVEL: Record<SecretSeverity, 'error' | 'warning' | 'note'> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note' };
/** GitHub code scanning ranks results by this property (CVSS-like 0-10 scale). */
const SECURITY_SEVERITY: Record<SecretSeverity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0' };

function sarifRule(id: string, finding: SecretFinding, rule: SecretRule | undefined) {
  const help = rule?.help ?? finding.title;
  return {
    id,
    name: id.replace(/(?:^|-)([a-z0-9])/g, (_, char: string) => char.toUpperCase()),
    shortDescription: { text: finding.title },
    fullDescription: { text: help },
    help: { text: help, markdown: `**${finding.title}**\n\n${help}` },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: { tags: ['security', finding.category], 'security-severity': SECURITY_SEVERITY[finding.severity] },
  };
}

function location(finding: SecretFinding) {
  const { source } = finding;
  switch (source.kind) {
    case 'file':
      return {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(source.path) },
          region: { startLine: finding.line, startColumn: finding.column },
        },
      };
    case 'config':
      return { logicalLocations: [{ name: source.key, fullyQualifiedName: `config.${source.field}.${source.key}`, kind: 'variable' }] };
  }
}

function properties(finding: SecretFinding): Record<string, unknown> {
  const { source } = finding;
  if (source.kind !== 'file' || source.layer === undefined) return { redacted: finding.redacted };
  return {
    redacted: finding.redacted,
    layerIndex: source.layer.index,
    ...(source.layer.digest !== undefined && { layerDigest: source.layer.digest }),
    ...(source.layer.createdBy !== undefined && { layerCreatedBy: source.layer.createdBy }),
    survives: source.survives ?? true,
  };
}

export function formatSecretsSarif(result: SecretScanResult, options: SarifOptions): string {
  const known = new Map((options.rules ?? BUILTIN_RULES).map((rule) => [rule.id, rule]));
  const ruleIndex = new Map<string, number>();
  const rules: Array<ReturnType<typeof sarifRule>> = [];
  for (const finding of result.findings) {
    if (ruleIndex.has(finding.ruleId)) continue;
    ruleIndex.set(finding.ruleId, rules.length);
    rules.push(sarifRule(finding.ruleId, finding, known.get(finding.ruleId)));
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Portcullis', semanticVersion: options.toolVersion, rules } },
        results: result.findings.map((finding) => ({
          ruleId: finding.ruleId,
          ruleIndex: ruleIndex.get(finding.ruleId) ?? 0,
          level: LEVEL[finding.severity],
          message: { text: `${finding.title} (${finding.redacted}) at ${whereLabel(finding)}` },
          locations: [location(finding)],
          properties: properties(finding),
        })),
        properties: { target: result.target },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
