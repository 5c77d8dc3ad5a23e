/**
 * The scan checks of a layer: a completed scan when required, then the findings that count (see
 * findings.ts) against Kritis thresholds and the scan rule, with evidence for every finding set
 * aside and warnings for expired exceptions and grace periods.
 */
import { evaluateScanRule, formatScanRule } from '../signing/index.ts';
import { severityRank } from './compile.ts';
import { classifyFindings, hasFix, type FindingVerdicts } from './findings.ts';
import { reason, type InputView, type LayerResult } from './layer-result.ts';
import type { CompiledLayer } from './model.ts';
import type { DecisionFinding, PolicyFinding } from './types.ts';

const DAY_MS = 86_400_000;
/** Findings named in a message; the reason's `findings` lists them all. */
const MESSAGE_FINDINGS = 5;

function describeFinding(finding: PolicyFinding, blocksFrom?: number): DecisionFinding {
  const described: DecisionFinding = { id: finding.id, severity: finding.severity, package: finding.package.name, version: finding.package.version };
  if (finding.firstSeen !== undefined) described.firstSeen = finding.firstSeen;
  if (blocksFrom !== undefined) described.blocksFrom = new Date(blocksFrom).toISOString();
  return described;
}

/** When a counted finding started to count: its first sighting plus its severity's grace period. */
function blockingSince(layer: CompiledLayer, finding: PolicyFinding): number | undefined {
  const firstSeen = finding.firstSeen === undefined ? Number.NaN : Date.parse(finding.firstSeen);
  return Number.isNaN(firstSeen) ? undefined : firstSeen + (layer.gracePeriodDays[finding.severity] ?? 0) * DAY_MS;
}

function findingList(findings: readonly PolicyFinding[]): string {
  const named = findings.slice(0, MESSAGE_FINDINGS).map((finding) => `${finding.id} (${finding.severity}, ${finding.package.name} ${finding.package.version}${hasFix(finding) ? `, fixed in ${finding.fixedVersion}` : ''})`);
  return `${named.join('; ')}${findings.length > MESSAGE_FINDINGS ? ` and ${findings.length - MESSAGE_FINDINGS} more` : ''}`;
}

export function checkScan(layer: CompiledLayer, view: InputView, result: LayerResult): void {
  const scan = view.input.scan;
  const hasVulnerabilityRules = layer.vulnerabilities !== undefined || layer.scanRule !== undefined;
  if (scan.state !== 'completed') {
    if (layer.requireScan) result.violations.push(reason(result, 'requireScan', `${view.label} has no completed scan (scan ${scan.state}); this policy requires one`, { fix: 'scan the image and try again once the scan has finished' }));
    else if (hasVulnerabilityRules) result.warnings.push(reason(result, 'requireScan', `${view.label} has no completed scan (scan ${scan.state}): vulnerability rules were not checked`));
    return;
  }
  result.evidence.push({ kind: 'scan', detail: `scan completed${scan.completedAt === undefined ? '' : ` at ${scan.completedAt}`} with ${scan.findings.length} findings`, layer: layer.layer });
  if (!hasVulnerabilityRules) return;
  const verdicts = classifyFindings(layer, scan.findings, view.imageNames, view.repositoryNames, view.now);
  recordSetAside(layer, verdicts, result);
  checkThresholds(layer, view, verdicts.counted, result);
  checkScanRule(layer, view, verdicts.counted, result);
}

/** Evidence and warnings for the findings that did not count, and why. */
function recordSetAside(layer: CompiledLayer, verdicts: FindingVerdicts, result: LayerResult): void {
  for (const finding of verdicts.assessed) result.evidence.push({ kind: 'assessment', detail: `${finding.id} assessed ${finding.assessment?.status}${finding.assessment?.justification ? ` (${finding.assessment.justification})` : ''}`, layer: layer.layer, finding: finding.id });
  for (const finding of verdicts.allowlisted) result.evidence.push({ kind: 'allowlist', detail: `${finding.id} is in allowlistCVEs`, layer: layer.layer, finding: finding.id });
  for (const { finding, exception } of verdicts.excepted) {
    result.evidence.push({ kind: 'exception', detail: `${finding.id} excepted until ${new Date(exception.expiresAt).toISOString()} (owner ${exception.owner}: ${exception.reason})`, layer: layer.layer, finding: finding.id });
  }
  for (const exception of verdicts.expired) {
    result.warnings.push(reason(result, 'exceptions', `the exception for ${exception.vulnerability} (owner ${exception.owner}) expired at ${new Date(exception.expiresAt).toISOString()} and no longer applies`));
  }
  if (verdicts.graced.length > 0) {
    const findings = verdicts.graced.map(({ finding, blocksFrom }) => describeFinding(finding, blocksFrom));
    result.warnings.push(reason(result, 'gracePeriodDays', `${verdicts.graced.length} new findings are within their grace period: ${findings.map((finding) => `${finding.id} blocks from ${finding.blocksFrom}`).join('; ')}`, { findings }));
  }
}

/** Kritis: fixable findings above maximumSeverity, unfixable ones above maximumFixUnavailableSeverity. */
function checkThresholds(layer: CompiledLayer, view: InputView, counted: readonly PolicyFinding[], result: LayerResult): void {
  const vulnerabilities = layer.vulnerabilities;
  if (vulnerabilities === undefined) return;
  const over = counted.filter((finding) => {
    const limit = hasFix(finding) ? vulnerabilities.fixableBlockFromRank : vulnerabilities.unfixableBlockFromRank;
    return limit !== undefined && severityRank(finding.severity) >= limit;
  });
  if (over.length === 0) return;
  result.violations.push(
    reason(result, 'maximumSeverity', `${view.label} has findings over the policy's ${vulnerabilities.text}: ${findingList(over)}`, {
      findings: over.map((finding) => describeFinding(finding, blockingSince(layer, finding))),
      fix: 'upgrade the packages, or ask for an exception with an owner and an expiry',
    }),
  );
}

/** The `--require-scan` rule language, over the findings that count. */
function checkScanRule(layer: CompiledLayer, view: InputView, counted: readonly PolicyFinding[], result: LayerResult): void {
  const rule = layer.scanRule;
  if (rule === undefined) return;
  const gateFindings = counted.map((finding) => ({ id: finding.id, severity: finding.severity, ...(hasFix(finding) && { fixedVersion: finding.fixedVersion }), package: `${finding.package.name}@${finding.package.version}` }));
  for (const violation of evaluateScanRule(rule, gateFindings)) {
    const named = counted.filter((finding) => violation.findings.some((entry) => entry.id === finding.id));
    result.violations.push(reason(result, 'scanRule', `${view.label} breaks scan rule "${violation.clause.text}" (of "${formatScanRule(rule)}"): ${findingList(named)}`, { clause: violation.clause.text, findings: named.map((finding) => describeFinding(finding)) }));
  }
}

